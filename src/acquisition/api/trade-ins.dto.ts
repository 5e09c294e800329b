import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsDefined, IsNumber, Max, Min, ValidateIf } from 'class-validator';
import {
  BooleanField,
  IntField,
  NestedField,
  NestedListField,
  ObjectField,
  OneOfField,
  PatternField,
  Stacked,
  TextField,
  UuidField,
} from '../../core/http/field.decorators.js';
import { PageQuery } from '../../core/http/pagination.js';
import { TRADE_IN_ORDER_STATES, type TradeInOrderState } from '../domain/trade-in.machines.js';
import { AddressDto } from '../../core/http/address.dto.js';
import { VersionDto } from '../../core/http/version.dto.js';

const COORDINATES_TOGETHER = 'lat and lng go together: give both or neither';
/** Coordinates are optional, but one without the other is refused (both are validated then). */
const hasCoordinates = (a: { lat?: unknown; lng?: unknown }) =>
  (a.lat !== undefined && a.lat !== null) || (a.lng !== undefined && a.lng !== null);
/** A WGS-84 coordinate within ±`degrees`, given together with the other one or not at all. */
const CoordinateField = (degrees: number, doc: ApiPropertyOptions) =>
  Stacked(
    ApiPropertyOptional(doc),
    ValidateIf(hasCoordinates),
    IsDefined({ message: COORDINATES_TOGETHER }),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(-degrees),
    Max(degrees),
  );
export const DECLARED_CONDITIONS = [
  'like-new',
  'excellent',
  'good',
  'fair',
  'poor',
  'broken',
  'not-working',
] as const;

/**
 * A pickup address: a shipping address, with where it is for the courier's route. Its own name,
 * so the OpenAPI document keeps it apart from the plain `AddressDto` (no lat/lng).
 */
export class PickupAddressDto extends AddressDto {
  @CoordinateField(90, {
    example: 31.2304,
    description:
      "Where the pickup is, from the seller's device (WGS-84 degrees): orders the courier's route. With lng, or neither.",
  })
  lat?: number;
  @CoordinateField(180, { example: 121.4737, description: 'Longitude (WGS-84 degrees), with lat.' })
  lng?: number;
}

/** The owner's answers about the item's condition. */
export class DeclaredConditionDto {
  @OneOfField(DECLARED_CONDITIONS) condition: string;
  @BooleanField({ optional: true }) powersOn?: boolean;
  @BooleanField({ optional: true }) screenCracked?: boolean;
  @BooleanField({ optional: true }) waterDamage?: boolean;
  @BooleanField({ optional: true, description: 'Every function works' }) functional?: boolean;
  @TextField({ maxLength: 500, optional: true }) notes?: string;
  @ObjectField({
    optional: true,
    description:
      "The owner's answers to checks of the category's grading standard, by check id " +
      "(e.g. { screen_condition: 'cracked', battery_health: 76, cameras: false }): each failed " +
      "check is priced as the standard's rule (or the sales) says, as a 'declared:<checkId>' line",
    type: 'object',
    maxProperties: 40,
    additionalProperties: {
      oneOf: [{ type: 'boolean' }, { type: 'string', maxLength: 100 }, { type: 'number' }],
    },
  })
  selfAssessment?: Record<string, boolean | string | number>;
  @IntField({
    min: 0,
    max: 3_000_000,
    optional: true,
    description: 'Vehicles: the odometer as the owner reads it (km)',
  })
  mileageKm?: number;
}

export class TradeInItemDto {
  @UuidField({ optional: true }) productModelId?: string;
  @UuidField({ optional: true, description: 'A leaf category, when the model is unknown' })
  categoryId?: string;
  @TextField({
    length: [1, 40],
    optional: true,
    example: '512GB',
    description:
      "One of the product model's variants (GET /product-models/{id}/variants): its own price point",
  })
  variant?: string;
  @NestedField(DeclaredConditionDto) declaredCondition: DeclaredConditionDto;
  @TextField({ length: [1, 64], optional: true }) serialNumber?: string;
  @TextField({ length: [1, 32], optional: true }) imei?: string;
  @TextField({
    length: [1, 40],
    optional: true,
    description: 'Vehicles: ISO 3779 VIN, required for vehicle categories',
  })
  vin?: string;
}

export class CreateTradeInDto {
  @OneOfField(['online', 'store']) channel: 'online' | 'store';
  @UuidField({ optional: true, description: 'Drop-off store (channel store)' }) storeId?: string;
  @NestedField(PickupAddressDto, { description: 'Pickup address; rejected items go back here' })
  address: PickupAddressDto;
  @NestedListField(TradeInItemDto, { minItems: 1, maxItems: 20 }) items: TradeInItemDto[];
}

export class TradeInQuery extends PageQuery {
  @OneOfField(TRADE_IN_ORDER_STATES, { optional: true }) state?: TradeInOrderState;
  @OneOfField(['true', 'false'], { optional: true, description: 'Only orders held for review' })
  held?: 'true' | 'false';
}

export class BlockIdentifierDto {
  @TextField({ length: [3, 64], description: 'Serial number or IMEI' }) identifier: string;
  @TextField({ maxLength: 300, optional: true }) reason?: string;
}

export class ReleaseHoldDto extends VersionDto {
  @TextField({ length: [1, 500], description: 'What the review found' }) note: string;
}

export class PickupWindowChoiceDto {
  @PatternField(/^\d{4}-\d{2}-\d{2}$/, {
    message: 'date must be a day as YYYY-MM-DD',
    example: '2026-05-04',
    description: "Local day in the area's time zone",
  })
  date: string;
  @IntField({ min: 0, max: 47, description: "Index of one of the area's windows" })
  windowIndex: number;
}

/** Accepting the quote; an online order may name the pickup window (GET /pickup-windows). */
export class AcceptTradeInDto extends VersionDto {
  @NestedField(PickupWindowChoiceDto, {
    optional: true,
    description:
      'One of the free windows of GET /pickup-windows for the order address (online orders). ' +
      'Without it the earliest free window is booked. A window full meanwhile answers 409 (pickup_window_full).',
  })
  pickupWindow?: PickupWindowChoiceDto;
}
