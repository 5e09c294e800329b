import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
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
import { VersionDto } from '../../core/http/version.dto.js';
import { TECHNIQUES, type Technique } from '../domain/index.js';

/** Block devices as the kernel names them: /dev/sdb, /dev/nvme0n1, /dev/loop3, /dev/disk/by-id/… */
export const DEVICE_PATH = /^\/dev\/[A-Za-z0-9][A-Za-z0-9._:/-]{0,200}$/;
const MAX_BYTES = 1e15;

export class RegisterStationDto {
  @ApiProperty({ example: 'Shanghai WH1 bay 3' }) @IsString() @Length(1, 100) name: string;
  @ApiProperty({ description: 'The warehouse (or certified erasure provider) running it' })
  @IsUUID()
  organisationId: string;
  @ApiProperty({
    description: 'Ed25519 public key, PEM (SPKI); `node dist/src/main.js station keygen` prints it',
  })
  @IsString()
  @Length(40, 2000)
  publicKeyPem: string;
}

export class RevokeStationDto {
  @ApiProperty({ example: 'station PC stolen' }) @IsString() @Length(3, 500) reason: string;
}

export class AssignStationDto extends VersionDto {
  @ApiProperty() @IsUUID() stationId: string;
  @ApiProperty({ example: '/dev/sdb', description: 'The block device on the station' })
  @Matches(DEVICE_PATH, { message: 'device must be a /dev path such as /dev/sdb' })
  device: string;
}

export class StationProgressDto {
  @ApiProperty() @IsInt() @Min(1) @Max(100) attempt: number;
  @ApiProperty({ enum: ['starting', 'erasing', 'blanking', 'verifying', 'sampling'] })
  @IsIn(['starting', 'erasing', 'blanking', 'verifying', 'sampling'])
  phase: 'starting' | 'erasing' | 'blanking' | 'verifying' | 'sampling';
  @ApiProperty() @IsNumber() @Min(0) @Max(100) percent: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(1000) pass?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(1000) passes?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) message?: string;
}

export class StationRefusalDto {
  @ApiProperty() @IsInt() @Min(1) @Max(100) attempt: number;
  @ApiProperty({ enum: ['SERIAL_MISMATCH', 'DEVICE_UNAVAILABLE', 'DEVICE_NOT_ALLOWED'] })
  @IsIn(['SERIAL_MISMATCH', 'DEVICE_UNAVAILABLE', 'DEVICE_NOT_ALLOWED'])
  code: 'SERIAL_MISMATCH' | 'DEVICE_UNAVAILABLE' | 'DEVICE_NOT_ALLOWED';
  @ApiProperty() @IsString() @Length(1, 1000) reason: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) deviceSerial?: string;
}

class ToolDto {
  @ApiProperty({ example: 'nwipe' }) @IsString() @Length(1, 100) name: string;
  @ApiProperty({ example: '0.33' }) @IsString() @Length(1, 100) version: string;
}

class DeviceDto {
  @ApiProperty() @Matches(DEVICE_PATH) path: string;
  @ApiProperty() @IsString() @Length(0, 200) serial: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) model?: string;
  @ApiProperty() @IsInt() @Min(0) @Max(MAX_BYTES) sizeBytes: number;
}

export class VerificationSampleDto {
  @ApiProperty({ description: 'Hex seed of the block picks' })
  @Matches(/^[0-9a-f]{16,128}$/)
  seed: string;
  @ApiProperty({ enum: ['sfc32-sha256'] }) @IsIn(['sfc32-sha256']) algorithm: 'sfc32-sha256';
  @ApiProperty() @IsInt() @Min(512) @Max(16 * 2 ** 20) blockBytes: number;
  @ApiProperty() @IsInt() @Min(1) @Max(MAX_BYTES) deviceBlocks: number;
  @ApiProperty() @IsInt() @Min(1) @Max(MAX_BYTES) sampledBlocks: number;
  @ApiProperty() @IsNumber() @Min(0) @Max(1) fraction: number;
  @ApiProperty({ example: '00' }) @Matches(/^[0-9a-f]{2}$/) expectedByte: string;
  @ApiProperty() @IsInt() @Min(0) @Max(MAX_BYTES) mismatchedBlocks: number;
  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_BYTES)
  firstMismatchOffset?: number;
  @ApiProperty({ description: 'SHA-256 (hex) of the sorted byte offsets read, one per line' })
  @Matches(/^[0-9a-f]{64}$/)
  offsetsSha256: string;
  @ApiProperty({ enum: ['passed', 'failed'] }) @IsIn(['passed', 'failed']) outcome:
    'passed' | 'failed';
}

class VerificationDto {
  @ApiProperty({ enum: ['full', 'sample', 'none'] })
  @IsIn(['full', 'sample', 'none'])
  method: 'full' | 'sample' | 'none';
  @ApiProperty({ enum: ['passed', 'failed', 'not-run'] })
  @IsIn(['passed', 'failed', 'not-run'])
  outcome: 'passed' | 'failed' | 'not-run';
  @ApiPropertyOptional({ type: VerificationSampleDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => VerificationSampleDto)
  sample?: VerificationSampleDto;
}

export class StationRunDto {
  @ApiProperty({ type: ToolDto }) @ValidateNested() @Type(() => ToolDto) tool: ToolDto;
  @ApiProperty({ example: 'Fill With Zeros' }) @IsString() @Length(1, 200) methodName: string;
  @ApiProperty({ enum: TECHNIQUES }) @IsIn(TECHNIQUES) technique: Technique;
  @ApiProperty() @IsInt() @Min(0) @Max(1000) passesRequested: number;
  @ApiProperty() @IsInt() @Min(0) @Max(1000) passesCompleted: number;
  @ApiProperty() @IsInt() @Min(0) @Max(MAX_BYTES * 1000) bytesWritten: number;
  @ApiProperty() @IsInt() @Min(0) @Max(MAX_BYTES) bytesErased: number;
  @ApiProperty({ enum: ['succeeded', 'failed'] })
  @IsIn(['succeeded', 'failed'])
  status: 'succeeded' | 'failed';
  @ApiPropertyOptional({ enum: ['erase', 'verify'] })
  @IsOptional()
  @IsIn(['erase', 'verify'])
  failedPhase?: 'erase' | 'verify';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) failureReason?: string;
  @ApiProperty({ type: VerificationDto })
  @ValidateNested()
  @Type(() => VerificationDto)
  verification: VerificationDto;
  @ApiProperty({ type: DeviceDto }) @ValidateNested() @Type(() => DeviceDto) device: DeviceDto;
  @ApiProperty() @IsISO8601({ strict: true }) @MaxLength(40) startedAt: string;
  @ApiProperty() @IsISO8601({ strict: true }) @MaxLength(40) finishedAt: string;
  @ApiProperty({ type: [String] })
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  logs: string[];
}

export class StationReportDto {
  @ApiProperty() @IsInt() @Min(1) @Max(100) attempt: number;
  @ApiProperty({ type: StationRunDto })
  @ValidateNested()
  @Type(() => StationRunDto)
  run: StationRunDto;
}
