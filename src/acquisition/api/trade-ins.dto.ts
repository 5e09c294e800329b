import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../core/http/pagination.js';
import { TRADE_IN_ORDER_STATES, type TradeInOrderState } from '../domain/trade-in.machines.js';
import { PhoneNumberField } from '../../core/http/phone.js';
import { VersionDto } from '../../core/http/version.dto.js';

const AREA_CODE = /^[0-9A-Za-z-]{2,20}$/;
const COORDINATES_TOGETHER = 'lat and lng go together: give both or neither';
/** Coordinates are optional, but one without the other is refused (both are validated then). */
const hasCoordinates = (a: { lat?: unknown; lng?: unknown }) =>
  (a.lat !== undefined && a.lat !== null) || (a.lng !== undefined && a.lng !== null);
export const DECLARED_CONDITIONS = [
  'like-new',
  'excellent',
  'good',
  'fair',
  'poor',
  'broken',
  'not-working',
] as const;

export class AddressDto {
  @ApiProperty({ example: '310100' }) @Matches(AREA_CODE) cityCode: string;
  @ApiProperty({ example: '310104' }) @Matches(AREA_CODE) districtCode: string;
  @ApiProperty({ example: 'No. 1 Hongqiao Rd' }) @IsString() @Length(1, 200) line1: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) line2?: string;
  @ApiProperty() @IsString() @Length(1, 100) contactName: string;
  @PhoneNumberField()
  contactPhone: string;
  @ApiPropertyOptional({
    minimum: -90,
    maximum: 90,
    example: 31.2304,
    description:
      "Where the pickup is, from the seller's device (WGS-84 degrees): orders the courier's route. With lng, or neither.",
  })
  @ValidateIf(hasCoordinates)
  @IsDefined({ message: COORDINATES_TOGETHER })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat?: number;
  @ApiPropertyOptional({
    minimum: -180,
    maximum: 180,
    example: 121.4737,
    description: 'Longitude (WGS-84 degrees), with lat.',
  })
  @ValidateIf(hasCoordinates)
  @IsDefined({ message: COORDINATES_TOGETHER })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lng?: number;
}

/** The owner's answers about the item's condition. */
export class DeclaredConditionDto {
  @ApiProperty({ enum: DECLARED_CONDITIONS }) @IsIn(DECLARED_CONDITIONS) condition: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() powersOn?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() screenCracked?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() waterDamage?: boolean;
  @ApiPropertyOptional({ description: 'Every function works' })
  @IsOptional()
  @IsBoolean()
  functional?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) notes?: string;
  @ApiPropertyOptional({
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
  @IsOptional()
  @IsObject()
  selfAssessment?: Record<string, boolean | string | number>;
  @ApiPropertyOptional({ description: 'Vehicles: the odometer as the owner reads it (km)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3_000_000)
  mileageKm?: number;
}

export class TradeInItemDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() productModelId?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A leaf category, when the model is unknown',
  })
  @IsOptional()
  @IsUUID()
  categoryId?: string;
  @ApiPropertyOptional({
    example: '512GB',
    description:
      "One of the product model's variants (GET /product-models/{id}/variants): its own price point",
  })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  variant?: string;
  @ApiProperty({ type: DeclaredConditionDto })
  @ValidateNested()
  @Type(() => DeclaredConditionDto)
  declaredCondition: DeclaredConditionDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) serialNumber?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 32) imei?: string;
  @ApiPropertyOptional({ description: 'Vehicles: ISO 3779 VIN, required for vehicle categories' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  vin?: string;
}

export class CreateTradeInDto {
  @ApiProperty({ enum: ['online', 'store'] }) @IsIn(['online', 'store']) channel:
    'online' | 'store';
  @ApiPropertyOptional({ format: 'uuid', description: 'Drop-off store (channel store)' })
  @IsOptional()
  @IsUUID()
  storeId?: string;
  @ApiProperty({ type: AddressDto, description: 'Pickup address; rejected items go back here' })
  @ValidateNested()
  @Type(() => AddressDto)
  address: AddressDto;
  @ApiProperty({ type: [TradeInItemDto], minItems: 1, maxItems: 20 })
  @ValidateNested({ each: true })
  @Type(() => TradeInItemDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  items: TradeInItemDto[];
}

export class TradeInQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TRADE_IN_ORDER_STATES })
  @IsOptional()
  @IsIn(TRADE_IN_ORDER_STATES)
  state?: TradeInOrderState;
  @ApiPropertyOptional({ description: 'Only orders held for review', enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  held?: 'true' | 'false';
}

export class BlockIdentifierDto {
  @ApiProperty({ description: 'Serial number or IMEI' })
  @IsString()
  @Length(3, 64)
  identifier: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) reason?: string;
}

export class ReleaseHoldDto extends VersionDto {
  @ApiProperty({ description: 'What the review found' }) @IsString() @Length(1, 500) note: string;
}

export class PickupWindowChoiceDto {
  @ApiProperty({ example: '2026-05-04', description: "Local day in the area's time zone" })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a day as YYYY-MM-DD' })
  date: string;
  @ApiProperty({ minimum: 0, maximum: 47, description: "Index of one of the area's windows" })
  @IsInt()
  @Min(0)
  @Max(47)
  windowIndex: number;
}

/** Accepting the quote; an online order may name the pickup window (GET /pickup-windows). */
export class AcceptTradeInDto extends VersionDto {
  @ApiPropertyOptional({
    type: PickupWindowChoiceDto,
    description:
      'One of the free windows of GET /pickup-windows for the order address (online orders). ' +
      'Without it the earliest free window is booked. A window full meanwhile answers 409 (pickup_window_full).',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => PickupWindowChoiceDto)
  pickupWindow?: PickupWindowChoiceDto;
}
