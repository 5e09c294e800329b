import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsString, MaxLength } from 'class-validator';
import {
  IntField,
  IsoDateTimeField,
  NestedField,
  NumberField,
  OneOfField,
  PatternField,
  TextField,
  UuidField,
} from '../../core/http/field.decorators.js';
import { VersionDto } from '../../core/http/version.dto.js';
import { TECHNIQUES, type Technique } from '../domain/index.js';

/** Block devices as the kernel names them: /dev/sdb, /dev/nvme0n1, /dev/loop3, /dev/disk/by-id/… */
export const DEVICE_PATH = /^\/dev\/[A-Za-z0-9][A-Za-z0-9._:/-]{0,200}$/;
const MAX_BYTES = 1e15;
/** Which attempt of the job a station's message is about. */
const AttemptField = () => IntField({ min: 1, max: 100 });

export class RegisterStationDto {
  @TextField({ length: [1, 100], example: 'Shanghai WH1 bay 3' }) name: string;
  @UuidField({ description: 'The warehouse (or certified erasure provider) running it' })
  organisationId: string;
  @TextField({
    length: [40, 2000],
    description: 'Ed25519 public key, PEM (SPKI); `node dist/src/main.js station keygen` prints it',
  })
  publicKeyPem: string;
}

export class RevokeStationDto {
  @TextField({ length: [3, 500], example: 'station PC stolen' }) reason: string;
}

export class AssignStationDto extends VersionDto {
  @UuidField() stationId: string;
  @PatternField(DEVICE_PATH, {
    message: 'device must be a /dev path such as /dev/sdb',
    example: '/dev/sdb',
    description: 'The block device on the station',
  })
  device: string;
}

export class StationProgressDto {
  @AttemptField() attempt: number;
  @OneOfField(['starting', 'erasing', 'blanking', 'verifying', 'sampling'])
  phase: 'starting' | 'erasing' | 'blanking' | 'verifying' | 'sampling';
  @NumberField({ min: 0, max: 100 }) percent: number;
  @IntField({ min: 0, max: 1000, optional: true }) pass?: number;
  @IntField({ min: 0, max: 1000, optional: true }) passes?: number;
  @TextField({ maxLength: 500, optional: true }) message?: string;
}

export class StationRefusalDto {
  @AttemptField() attempt: number;
  @OneOfField(['SERIAL_MISMATCH', 'DEVICE_UNAVAILABLE', 'DEVICE_NOT_ALLOWED'])
  code: 'SERIAL_MISMATCH' | 'DEVICE_UNAVAILABLE' | 'DEVICE_NOT_ALLOWED';
  @TextField({ length: [1, 1000] }) reason: string;
  @TextField({ maxLength: 200, optional: true }) deviceSerial?: string;
}

class ToolDto {
  @TextField({ length: [1, 100], example: 'nwipe' }) name: string;
  @TextField({ length: [1, 100], example: '0.33' }) version: string;
}

class DeviceDto {
  @PatternField(DEVICE_PATH) path: string;
  @TextField({ length: [0, 200] }) serial: string;
  @TextField({ maxLength: 200, optional: true }) model?: string;
  @IntField({ min: 0, max: MAX_BYTES }) sizeBytes: number;
}

export class VerificationSampleDto {
  @PatternField(/^[0-9a-f]{16,128}$/, { description: 'Hex seed of the block picks' }) seed: string;
  @OneOfField(['sfc32-sha256']) algorithm: 'sfc32-sha256';
  @IntField({ min: 512, max: 16 * 2 ** 20 }) blockBytes: number;
  @IntField({ min: 1, max: MAX_BYTES }) deviceBlocks: number;
  @IntField({ min: 1, max: MAX_BYTES }) sampledBlocks: number;
  @NumberField({ min: 0, max: 1 }) fraction: number;
  @PatternField(/^[0-9a-f]{2}$/, { example: '00' }) expectedByte: string;
  @IntField({ min: 0, max: MAX_BYTES }) mismatchedBlocks: number;
  @IntField({ min: 0, max: MAX_BYTES, optional: true }) firstMismatchOffset?: number;
  @PatternField(/^[0-9a-f]{64}$/, {
    description: 'SHA-256 (hex) of the sorted byte offsets read, one per line',
  })
  offsetsSha256: string;
  @OneOfField(['passed', 'failed']) outcome: 'passed' | 'failed';
}

class VerificationDto {
  @OneOfField(['full', 'sample', 'none']) method: 'full' | 'sample' | 'none';
  @OneOfField(['passed', 'failed', 'not-run']) outcome: 'passed' | 'failed' | 'not-run';
  @NestedField(VerificationSampleDto, { optional: true }) sample?: VerificationSampleDto;
}

export class StationRunDto {
  @NestedField(ToolDto) tool: ToolDto;
  @TextField({ length: [1, 200], example: 'Fill With Zeros' }) methodName: string;
  @OneOfField(TECHNIQUES) technique: Technique;
  @IntField({ min: 0, max: 1000 }) passesRequested: number;
  @IntField({ min: 0, max: 1000 }) passesCompleted: number;
  @IntField({ min: 0, max: MAX_BYTES * 1000 }) bytesWritten: number;
  @IntField({ min: 0, max: MAX_BYTES }) bytesErased: number;
  @OneOfField(['succeeded', 'failed']) status: 'succeeded' | 'failed';
  @OneOfField(['erase', 'verify'], { optional: true }) failedPhase?: 'erase' | 'verify';
  @TextField({ maxLength: 1000, optional: true }) failureReason?: string;
  @NestedField(VerificationDto) verification: VerificationDto;
  @NestedField(DeviceDto) device: DeviceDto;
  @IsoDateTimeField() startedAt: string;
  @IsoDateTimeField() finishedAt: string;
  @ApiProperty({ type: [String] })
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  logs: string[];
}

export class StationReportDto {
  @AttemptField() attempt: number;
  @NestedField(StationRunDto) run: StationRunDto;
}
