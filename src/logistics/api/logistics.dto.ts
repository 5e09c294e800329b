import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsISO8601, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import {
  BooleanField,
  type FieldOptions,
  IntField,
  OneOfField,
  PatternField,
  TextField,
  TextListField,
  UuidField,
} from '../../core/http/field.decorators.js';
import { PageQuery } from '../../core/http/pagination.js';
import {
  FAILURE_REASONS,
  MAX_FAILURE_NOTE_LENGTH,
  type FailureReason,
} from '../domain/attempts.js';
import { PICKUP_STATES, type PickupDirection, type PickupState } from '../data/pickup.entity.js';
import { VersionDto } from '../../core/http/version.dto.js';

const SEAL = /^[A-Za-z0-9-]{4,40}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const AREA_CODE = /^[0-9A-Za-z-]{2,20}$/;
/** A tamper-evident bag's seal number. */
const SealNumberField = (options: FieldOptions) =>
  PatternField(SEAL, { message: 'sealNumber must be 4–40 letters, digits or hyphens', ...options });
/** A local day as YYYY-MM-DD. */
const DayField = (options: FieldOptions) =>
  PatternField(DAY, { message: 'date must be YYYY-MM-DD', ...options });
/** The trace codes of the items in a bag or scanned at a door: at least one. */
const TraceCodesField = (options: FieldOptions) =>
  TextListField({ minItems: 1, maxItems: 100, maxLength: 20, ...options });
const DIRECTIONS: PickupDirection[] = [
  'inbound',
  'return-to-owner',
  'buyer-return',
  'store-consolidation',
];

export class PickupFilter extends PageQuery {
  @OneOfField(PICKUP_STATES, { optional: true }) state?: PickupState;
  @TextField({ maxLength: 20, optional: true }) areaCode?: string;
  @UuidField({ optional: true }) courierId?: string;
  @OneOfField(DIRECTIONS, { optional: true }) direction?: PickupDirection;
}

export class MinePickupsQuery {
  @PatternField(DAY, { optional: true, description: 'Local date YYYY-MM-DD; today by default' })
  date?: string;
}

export class AssignPickupDto extends VersionDto {
  @UuidField() courierId: string;
  @BooleanField({ optional: true, description: 'Knowingly overload the courier (emergencies)' })
  allowOverCapacity?: boolean;
}

export class CollectPickupDto extends VersionDto {
  @SealNumberField({
    optional: true,
    description: "The tamper-evident bag's seal number (sealed goods)",
  })
  sealNumber?: string;
  @TraceCodesField({ description: 'Every item trace code scanned at the door' })
  traceCodes: string[];
  @TextListField({
    maxItems: 20,
    maxLength: 500,
    optional: true,
    description:
      'Hand-over photos: ids of photos uploaded with POST /photos?purpose=pickup (a car needs two: odometer and VIN plate); other strings are kept as references to pictures stored elsewhere',
  })
  photoRefs?: string[];
  @BooleanField({ optional: true, description: "Wipe the owner's devices on site" })
  eraseOnSite?: boolean;
}

export class DeliverPickupDto extends VersionDto {
  @UuidField({
    optional: true,
    description: 'Only when the pickup has no destination warehouse yet',
  })
  warehouseId?: string;
}

export class FailPickupDto extends VersionDto {
  @OneOfField(FAILURE_REASONS) reason: FailureReason;
  @TextField({
    maxLength: MAX_FAILURE_NOTE_LENGTH,
    optional: true,
    description: "Required when the reason is 'other'",
  })
  note?: string;
}

export class CreateConsolidationDto {
  @TraceCodesField({ description: 'Trace codes of the items in the bag' }) traceCodes: string[];
  @SealNumberField({ description: 'Seal number of the bag the store sealed' }) sealNumber: string;
  @UuidField({ description: 'Destination warehouse' }) warehouseId: string;
}

export class CourierProfileDto {
  @IntField({ min: 0, max: 100, description: 'Most pickups in one window' })
  capacityPerWindow: number;
  @TextListField({ maxItems: 50, length: [2, 20], description: 'Service area (city) codes' })
  areaCodes: string[];
  @BooleanField({ optional: true, default: true }) active?: boolean;
}

export class PickupLoadQuery {
  @PatternField(AREA_CODE, {
    message: 'cityCode must be 2-20 letters, digits or hyphens',
    example: '310100',
    description: 'The service area (city code)',
  })
  cityCode: string;
  @DayField({ optional: true, description: "Local date YYYY-MM-DD; the area's today by default" })
  date?: string;
}

/** How the customer agreed to a new window (issue 22): on the phone or at the door. */
export const AGREEMENT_CHANNELS = ['phone', 'in-person'] as const;
export type AgreementChannel = (typeof AGREEMENT_CHANNELS)[number];

export class CustomerAgreementDto {
  @TextField({
    length: [1, 100],
    description: 'Who agreed (the customer, or who answered for them)',
  })
  agreedBy: string;
  @OneOfField(AGREEMENT_CHANNELS) channel: AgreementChannel;
  @ApiPropertyOptional({
    description: 'When they agreed (ISO instant); now by default',
    format: 'date-time',
    maxLength: 40,
  })
  @IsOptional()
  @MaxLength(40)
  @IsISO8601({ strict: true })
  agreedAt?: string;
}

export class MoveWindowDto extends VersionDto {
  @DayField({ description: "Local date YYYY-MM-DD in the area's time zone", format: 'date' })
  date: string;
  @IntField({ min: 0, max: 23, description: "Index of one of the area's windows" })
  windowIndex: number;
  @ApiProperty({ type: CustomerAgreementDto })
  @IsDefined({ message: 'agreement is required: who agreed, how and when' })
  @ValidateNested()
  @Type(() => CustomerAgreementDto)
  agreement: CustomerAgreementDto;
}

export const HAND_BACK_REASONS = [
  'vehicle-problem',
  'overloaded',
  'too-far',
  'unwell',
  'other',
] as const;
export type HandBackReason = (typeof HAND_BACK_REASONS)[number];

export class HandBackDto extends VersionDto {
  @OneOfField(HAND_BACK_REASONS) reason: HandBackReason;
  @TextField({ maxLength: 500, optional: true, description: "Required when the reason is 'other'" })
  note?: string;
}

export class DispatchBoardQuery {
  @DayField({ optional: true, description: 'Local date YYYY-MM-DD; today (Beijing) by default' })
  date?: string;
  @PatternField(AREA_CODE, {
    optional: true,
    message: 'areaCode must be 2-20 letters, digits or hyphens',
    description: 'Only this service area (city code)',
  })
  areaCode?: string;
}
