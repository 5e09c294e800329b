import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../../core/http/pagination.js';
import {
  MILEAGE_SOURCES,
  type MileageSource,
  VEHICLE_USES,
  type VehicleUse,
} from '../domain/mileage.js';
import { PAPERWORK_STATES, type PaperworkState } from '../data/vehicle.entities.js';
import { VersionDto } from '../../core/http/version.dto.js';

export class RegistrationDto {
  @ApiPropertyOptional({ example: '沪A12345', description: 'Chinese civil plate' })
  @IsOptional()
  @IsString()
  @Length(6, 12)
  plate?: string;
  @ApiPropertyOptional({ example: '2020-06-18', description: 'First registration (YYYY-MM-DD)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Length(10, 10)
  firstRegisteredOn?: string;
  @ApiPropertyOptional({ enum: VEHICLE_USES }) @IsOptional() @IsIn(VEHICLE_USES) use?: VehicleUse;
}

const READING_SOURCES = MILEAGE_SOURCES.filter((s) => s !== 'dealer-maintenance');

export class MileageReadingDto {
  @ApiProperty({ minimum: 0, maximum: 3_000_000 })
  @IsInt()
  @Min(0)
  @Max(3_000_000)
  km: number;
  @ApiProperty({ example: '2024-03-01' })
  @IsISO8601({ strict: true })
  @Length(10, 10)
  readOn: string;
  @ApiProperty({
    enum: READING_SOURCES,
    description: 'Dealer records come only through the consented import',
  })
  @IsIn(READING_SOURCES)
  source: Exclude<MileageSource, 'dealer-maintenance'>;
  @ApiPropertyOptional({ description: 'The inspection, listing or document the reading is from' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  sourceRef?: string;
}

export const CONSENT_STATEMENT =
  'I allow Reloop to obtain the maintenance and service records of this vehicle from authorised ' +
  'dealers, to check its mileage history. I can withdraw this consent at any time.';

export class ConsentDto {
  @ApiProperty({ enum: ['dealer-maintenance-records'] })
  @IsIn(['dealer-maintenance-records'])
  scope: 'dealer-maintenance-records';
  @ApiProperty({
    description: 'The statement shown to the owner, as shown',
    example: CONSENT_STATEMENT,
  })
  @IsString()
  @Length(20, 2000)
  statement: string;
}

export class DealerRecordDto {
  @ApiProperty() @IsString() @Length(1, 40) vin: string;
  @ApiProperty({ example: '2022-03-02' }) @IsString() @Length(10, 10) date: string;
  @ApiProperty() @IsInt() @Min(0) @Max(3_000_000) km: number;
  @ApiProperty() @IsString() @Length(1, 200) dealer: string;
  @ApiProperty() @IsString() @Length(1, 100) workOrder: string;
}

/** Dealer service records: CSV text (`vin,date,km,dealer,work_order`) or JSON rows. */
export class ImportDealerRecordsDto {
  @ApiPropertyOptional({ description: 'CSV with the header vin,date,km,dealer,work_order' })
  @ValidateIf((o: ImportDealerRecordsDto) => o.records === undefined)
  @IsString()
  @Length(1, 1_000_000)
  csv?: string;
  @ApiPropertyOptional({ type: [DealerRecordDto] })
  @ValidateIf((o: ImportDealerRecordsDto) => o.csv === undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @IsObject({ each: true })
  @Type(() => Object)
  records?: Array<Record<string, unknown>>;
  @ApiProperty({ format: 'uuid', description: "The owner's recorded consent" })
  @IsUUID()
  consentId: string;
}

export class OpenPaperworkDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() saleOrderId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() itemId: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() buyerId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Admin only: the selling merchant' })
  @IsOptional()
  @IsUUID()
  merchantOrganisationId?: string;
}

export class PaperworkActionDto extends VersionDto {
  @ApiPropertyOptional({ description: 'Complete: the new certificate or policy number' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reference?: string;
  @ApiPropertyOptional({ description: 'Block: why' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class RecordTransferDto extends VersionDto {
  @ApiProperty({
    description: "The registration authority's document number for the transfer",
    example: 'SH-DMV-2026-0012345',
  })
  @IsString()
  @Length(3, 100)
  documentNumber: string;
  @ApiProperty({
    description: 'Where the scan of the transfer document is kept (a document store reference)',
    example: 'scan://transfers/2026/0012345.pdf',
  })
  @IsString()
  @Length(3, 500)
  scanReference: string;
}

export class PaperworkQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PAPERWORK_STATES })
  @IsOptional()
  @IsIn(PAPERWORK_STATES)
  state?: PaperworkState;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() saleOrderId?: string;
}

export class FlaggedQuery extends PageQuery {}
