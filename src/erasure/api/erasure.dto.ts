import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsDate,
  IsIn,
  IsInt,
  IsISO8601,
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
} from 'class-validator';
import { PageQuery } from '../../core/http/pagination.js';
import { MEDIA_TYPES, type MediaType } from '../domain/index.js';
import type { ErasureState, StorageInterface } from '../data/erasure.entities.js';
import { ERASURE_STATES } from '../domain/erasure.machine.js';
import { VersionDto } from '../../core/http/version.dto.js';

const INTERFACES: readonly StorageInterface[] = ['nvme', 'sata', 'ufs', 'mmc', 'usb'];
/** Serials as printed on drives: letters, digits and - _ . / : (ATA pads with spaces). */
const SERIAL = /^[A-Za-z0-9][A-Za-z0-9 _.\-/:]{0,63}$/;
/** 1 MB .. 1 PB */
const MAX_CAPACITY = 1e15;

export class RegisterMediumDto {
  @ApiProperty({ enum: MEDIA_TYPES }) @IsIn(MEDIA_TYPES) mediaType: MediaType;
  @ApiPropertyOptional({ enum: INTERFACES })
  @IsOptional()
  @IsIn(INTERFACES)
  interface?: StorageInterface;
  @ApiPropertyOptional({ example: 'S4EWNX0N123456' })
  @IsOptional()
  @Matches(SERIAL, { message: 'serial must be 1-64 letters, digits or - _ . / :' })
  serial?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) manufacturer?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) model?: string;
  @ApiPropertyOptional({ description: 'Bytes' })
  @IsOptional()
  @IsInt()
  @Min(1e6)
  @Max(MAX_CAPACITY)
  capacityBytes?: number;
}

export class UpdateMediumDto {
  @ApiPropertyOptional({ enum: MEDIA_TYPES })
  @IsOptional()
  @IsIn(MEDIA_TYPES)
  mediaType?: MediaType;
  @ApiPropertyOptional({ enum: INTERFACES })
  @IsOptional()
  @IsIn(INTERFACES)
  interface?: StorageInterface;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(SERIAL, { message: 'serial must be 1-64 letters, digits or - _ . / :' })
  serial?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) manufacturer?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) model?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1e6)
  @Max(MAX_CAPACITY)
  capacityBytes?: number;
}

export class ErasureListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ERASURE_STATES })
  @IsOptional()
  @IsIn(ERASURE_STATES)
  state?: ErasureState;
  @ApiPropertyOptional() @IsOptional() @IsUUID() itemId?: string;
}

export class ImportReportDto extends VersionDto {
  @ApiPropertyOptional({ enum: ['nwipe', 'blancco'], description: 'Detected when absent' })
  @IsOptional()
  @IsIn(['nwipe', 'blancco'])
  format?: 'nwipe' | 'blancco';
  @ApiProperty({ description: "The tool's report: nwipe text, or Blancco JSON / XML" })
  @IsString()
  @Length(1, 1_000_000)
  content: string;
  @ApiProperty({ description: 'The registered station whose key signed the report' })
  @IsUUID()
  stationId: string;
  @ApiProperty({
    description:
      'Ed25519 signature (base64url) by the station over "reloop-report-v1\\n<erasure id>\\n<sha256 hex of content>" (`station sign-report` makes it)',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{86}$/, { message: 'signature must be a base64url Ed25519 signature' })
  signature: string;
}

export class RouteToDestructionDto extends VersionDto {
  @ApiProperty({ example: 'drive clicks and is not detected' })
  @IsString()
  @Length(3, 500)
  reason: string;
}

/** An ISO date of at most 40 characters becomes a Date; anything else stays and fails @IsDate. */
const isoDateUpTo40 = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.length <= 40 ? new Date(value) : value;

export class RecordDestructionDto extends VersionDto {
  @ApiProperty({ example: 'SEM 0300 shredder' }) @IsString() @Length(1, 100) equipmentName: string;
  @ApiProperty({ example: 'service 2025-03' })
  @IsString()
  @Length(1, 100)
  equipmentVersion: string;
  @ApiPropertyOptional({ description: 'Particle size achieved, mm' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  particleSizeMm?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) facility?: string;
  @ApiProperty({ description: 'Warehouse staff who witnessed it (not the operator)' })
  @IsUUID()
  witnessId: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 40 })
  @IsOptional()
  @Transform(isoDateUpTo40)
  @IsDate()
  startedAt?: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 40 })
  @IsOptional()
  @Transform(isoDateUpTo40)
  @IsDate()
  completedAt?: Date;
}

export class ReverifyDto {
  @ApiProperty({ enum: ['passed', 'failed'] }) @IsIn(['passed', 'failed']) outcome:
    'passed' | 'failed';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) notes?: string;
}

export class SamplingQuery {
  @ApiPropertyOptional({ example: '<organisation id>:2026-05-01' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  batchId?: string;
  @ApiPropertyOptional({ description: 'Support and admin only' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;
  @ApiPropertyOptional({ description: 'ISO 8601 date or time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @MaxLength(40)
  from?: string;
  @ApiPropertyOptional({ description: 'ISO 8601 date or time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @MaxLength(40)
  to?: string;
}

export class CertificateListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() itemId?: string;
}

/** A signed certificate exactly as downloaded from GET /certificates/:id. */
export class SignedCertificateDto {
  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  document: Record<string, unknown>;
  @ApiProperty() @IsString() @MaxLength(200) signature: string;
  @ApiProperty() @IsString() @MaxLength(100) keyId: string;
  @ApiProperty({ example: 'Ed25519' }) @IsString() @MaxLength(20) algorithm: string;
}
