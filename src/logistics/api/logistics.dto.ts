import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { PageQuery } from '../../core/http/pagination.js';
import {
  FAILURE_REASONS,
  MAX_FAILURE_NOTE_LENGTH,
  type FailureReason,
} from '../domain/attempts.js';
import { PICKUP_STATES, type PickupDirection, type PickupState } from '../data/pickup.entity.js';
import { VersionDto } from '../../core/http/version.dto.js';

const SEAL = /^[A-Za-z0-9-]{4,40}$/;
const DIRECTIONS: PickupDirection[] = [
  'inbound',
  'return-to-owner',
  'buyer-return',
  'store-consolidation',
];

export class PickupFilter extends PageQuery {
  @ApiPropertyOptional({ enum: PICKUP_STATES })
  @IsOptional()
  @IsIn(PICKUP_STATES)
  state?: PickupState;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) areaCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() courierId?: string;
  @ApiPropertyOptional({ enum: DIRECTIONS })
  @IsOptional()
  @IsIn(DIRECTIONS)
  direction?: PickupDirection;
}

export class MinePickupsQuery {
  @ApiPropertyOptional({ description: 'Local date YYYY-MM-DD; today by default' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  date?: string;
}

export class AssignPickupDto extends VersionDto {
  @ApiProperty() @IsUUID() courierId: string;
  @ApiPropertyOptional({ description: 'Knowingly overload the courier (emergencies)' })
  @IsOptional()
  @IsBoolean()
  allowOverCapacity?: boolean;
}

export class CollectPickupDto extends VersionDto {
  @ApiPropertyOptional({ description: "The tamper-evident bag's seal number (sealed goods)" })
  @IsOptional()
  @Matches(SEAL, { message: 'sealNumber must be 4–40 letters, digits or hyphens' })
  sealNumber?: string;
  @ApiProperty({ type: [String], description: 'Every item trace code scanned at the door' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  traceCodes: string[];
  @ApiPropertyOptional({
    type: [String],
    description:
      'Hand-over photos: ids of photos uploaded with POST /photos?purpose=pickup (a car needs two: odometer and VIN plate); other strings are kept as references to pictures stored elsewhere',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  photoRefs?: string[];
  @ApiPropertyOptional({ description: "Wipe the owner's devices on site" })
  @IsOptional()
  @IsBoolean()
  eraseOnSite?: boolean;
}

export class DeliverPickupDto extends VersionDto {
  @ApiPropertyOptional({ description: 'Only when the pickup has no destination warehouse yet' })
  @IsOptional()
  @IsUUID()
  warehouseId?: string;
}

export class FailPickupDto extends VersionDto {
  @ApiProperty({ enum: FAILURE_REASONS }) @IsIn(FAILURE_REASONS) reason: FailureReason;
  @ApiPropertyOptional({ description: "Required when the reason is 'other'" })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FAILURE_NOTE_LENGTH)
  note?: string;
}

export class CreateConsolidationDto {
  @ApiProperty({ type: [String], description: 'Trace codes of the items in the bag' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  traceCodes: string[];
  @ApiProperty({ description: 'Seal number of the bag the store sealed' })
  @Matches(SEAL, { message: 'sealNumber must be 4–40 letters, digits or hyphens' })
  sealNumber: string;
  @ApiProperty({ description: 'Destination warehouse' }) @IsUUID() warehouseId: string;
}

export class CourierProfileDto {
  @ApiProperty({ description: 'Most pickups in one window' })
  @IsInt()
  @Min(0)
  @Max(100)
  capacityPerWindow: number;
  @ApiProperty({ type: [String], description: 'Service area (city) codes' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(2, 20, { each: true })
  areaCodes: string[];
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() active?: boolean;
}

export class PickupLoadQuery {
  @ApiProperty({ example: '310100', description: 'The service area (city code)' })
  @Matches(/^[0-9A-Za-z-]{2,20}$/, { message: 'cityCode must be 2-20 letters, digits or hyphens' })
  cityCode: string;
  @ApiPropertyOptional({ description: "Local date YYYY-MM-DD; the area's today by default" })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  date?: string;
}

/** How the customer agreed to a new window (issue 22): on the phone or at the door. */
export const AGREEMENT_CHANNELS = ['phone', 'in-person'] as const;
export type AgreementChannel = (typeof AGREEMENT_CHANNELS)[number];

export class CustomerAgreementDto {
  @ApiProperty({ description: 'Who agreed (the customer, or who answered for them)' })
  @IsString()
  @Length(1, 100)
  agreedBy: string;
  @ApiProperty({ enum: AGREEMENT_CHANNELS }) @IsIn(AGREEMENT_CHANNELS) channel: AgreementChannel;
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
  @ApiProperty({ description: "Local date YYYY-MM-DD in the area's time zone", format: 'date' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  date: string;
  @ApiProperty({ description: "Index of one of the area's windows" })
  @IsInt()
  @Min(0)
  @Max(23)
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
  @ApiProperty({ enum: HAND_BACK_REASONS }) @IsIn(HAND_BACK_REASONS) reason: HandBackReason;
  @ApiPropertyOptional({ description: "Required when the reason is 'other'" })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class DispatchBoardQuery {
  @ApiPropertyOptional({ description: 'Local date YYYY-MM-DD; today (Beijing) by default' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  date?: string;
  @ApiPropertyOptional({ description: 'Only this service area (city code)' })
  @IsOptional()
  @Matches(/^[0-9A-Za-z-]{2,20}$/, { message: 'areaCode must be 2-20 letters, digits or hyphens' })
  areaCode?: string;
}
