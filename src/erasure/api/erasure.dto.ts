import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsOptional, IsString, Matches } from 'class-validator';
import {
  type FieldOptions,
  IntField,
  IsoDateTimeField,
  NumberField,
  ObjectField,
  OneOfField,
  PatternField,
  Stacked,
  TextField,
  UuidField,
} from '../../core/http/field.decorators.js';
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

/** A medium's serial, optional. */
const SerialField = (options: FieldOptions = {}) =>
  PatternField(SERIAL, {
    optional: true,
    message: 'serial must be 1-64 letters, digits or - _ . / :',
    ...options,
  });
/** A medium's capacity in bytes, optional. */
const CapacityField = (options: FieldOptions = {}) =>
  IntField({ min: 1e6, max: MAX_CAPACITY, optional: true, ...options });

export class RegisterMediumDto {
  @OneOfField(MEDIA_TYPES) mediaType: MediaType;
  @OneOfField(INTERFACES, { optional: true }) interface?: StorageInterface;
  @SerialField({ example: 'S4EWNX0N123456' }) serial?: string;
  @TextField({ length: [1, 100], optional: true }) manufacturer?: string;
  @TextField({ length: [1, 100], optional: true }) model?: string;
  @CapacityField({ description: 'Bytes' }) capacityBytes?: number;
}

export class UpdateMediumDto {
  @OneOfField(MEDIA_TYPES, { optional: true }) mediaType?: MediaType;
  @OneOfField(INTERFACES, { optional: true }) interface?: StorageInterface;
  @SerialField() serial?: string;
  @TextField({ length: [1, 100], optional: true }) manufacturer?: string;
  @TextField({ length: [1, 100], optional: true }) model?: string;
  @CapacityField() capacityBytes?: number;
}

export class ErasureListQuery extends PageQuery {
  @OneOfField(ERASURE_STATES, { optional: true }) state?: ErasureState;
  @UuidField({ optional: true }) itemId?: string;
}

export class ImportReportDto extends VersionDto {
  @OneOfField(['nwipe', 'blancco'], { optional: true, description: 'Detected when absent' })
  format?: 'nwipe' | 'blancco';
  @TextField({
    length: [1, 1_000_000],
    description: "The tool's report: nwipe text, or Blancco JSON / XML",
  })
  content: string;
  @UuidField({ description: 'The registered station whose key signed the report' })
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
  @TextField({ length: [3, 500], example: 'drive clicks and is not detected' }) reason: string;
}

/** An ISO date of at most 40 characters becomes a Date; anything else stays and fails @IsDate. */
const isoDateUpTo40 = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.length <= 40 ? new Date(value) : value;
/** When a step of the destruction happened (optional): an ISO date-time read as a Date. */
const InstantField = () =>
  Stacked(
    ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 40 }),
    IsOptional(),
    Transform(isoDateUpTo40),
    IsDate(),
  );

export class RecordDestructionDto extends VersionDto {
  @TextField({ length: [1, 100], example: 'SEM 0300 shredder' }) equipmentName: string;
  @TextField({ length: [1, 100], example: 'service 2025-03' }) equipmentVersion: string;
  @NumberField({ min: 0, max: 100, optional: true, description: 'Particle size achieved, mm' })
  particleSizeMm?: number;
  @TextField({ length: [1, 200], optional: true }) facility?: string;
  @UuidField({ description: 'Warehouse staff who witnessed it (not the operator)' })
  witnessId: string;
  @InstantField() startedAt?: Date;
  @InstantField() completedAt?: Date;
}

export class ReverifyDto {
  @OneOfField(['passed', 'failed']) outcome: 'passed' | 'failed';
  @TextField({ maxLength: 1000, optional: true }) notes?: string;
}

export class SamplingQuery {
  @TextField({ maxLength: 100, optional: true, example: '<organisation id>:2026-05-01' })
  batchId?: string;
  @UuidField({ optional: true, description: 'Support and admin only' }) organisationId?: string;
  @IsoDateTimeField({ optional: true, description: 'ISO 8601 date or time' }) from?: string;
  @IsoDateTimeField({ optional: true, description: 'ISO 8601 date or time' }) to?: string;
}

export class CertificateListQuery extends PageQuery {
  @UuidField({ optional: true }) itemId?: string;
}

/** A signed certificate exactly as downloaded from GET /certificates/:id. */
export class SignedCertificateDto {
  @ObjectField({ type: 'object', additionalProperties: true }) document: Record<string, unknown>;
  @TextField({ maxLength: 200 }) signature: string;
  @TextField({ maxLength: 100 }) keyId: string;
  @TextField({ maxLength: 20, example: 'Ed25519' }) algorithm: string;
}
