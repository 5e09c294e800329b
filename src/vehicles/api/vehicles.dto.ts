import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsObject,
  IsString,
  Length,
  ValidateIf,
} from 'class-validator';
import {
  IntField,
  IsoDayField,
  OneOfField,
  TextField,
  UuidField,
} from '../../core/http/field.decorators.js';
import { PageQuery } from '../../core/http/pagination.js';
import {
  MILEAGE_SOURCES,
  type MileageSource,
  VEHICLE_USES,
  type VehicleUse,
} from '../domain/mileage.js';
import { PAPERWORK_STATES, type PaperworkState } from '../data/vehicle.entities.js';
import { VersionDto } from '../../core/http/version.dto.js';

/** An odometer reading, km. */
const KmField = () => IntField({ min: 0, max: 3_000_000 });

export class RegistrationDto {
  @TextField({
    length: [6, 12],
    optional: true,
    example: '沪A12345',
    description: 'Chinese civil plate',
  })
  plate?: string;
  @IsoDayField({
    optional: true,
    example: '2020-06-18',
    description: 'First registration (YYYY-MM-DD)',
  })
  firstRegisteredOn?: string;
  @OneOfField(VEHICLE_USES, { optional: true }) use?: VehicleUse;
}

const READING_SOURCES = MILEAGE_SOURCES.filter((s) => s !== 'dealer-maintenance');

export class MileageReadingDto {
  @KmField() km: number;
  @IsoDayField({ example: '2024-03-01' }) readOn: string;
  @OneOfField(READING_SOURCES, {
    description: 'Dealer records come only through the consented import',
  })
  source: Exclude<MileageSource, 'dealer-maintenance'>;
  @TextField({
    length: [1, 200],
    optional: true,
    description: 'The inspection, listing or document the reading is from',
  })
  sourceRef?: string;
}

export const CONSENT_STATEMENT =
  'I allow Reloop to obtain the maintenance and service records of this vehicle from authorised ' +
  'dealers, to check its mileage history. I can withdraw this consent at any time.';

export class ConsentDto {
  @OneOfField(['dealer-maintenance-records']) scope: 'dealer-maintenance-records';
  @TextField({
    length: [20, 2000],
    description: 'The statement shown to the owner, as shown',
    example: CONSENT_STATEMENT,
  })
  statement: string;
}

export class DealerRecordDto {
  @TextField({ length: [1, 40] }) vin: string;
  @TextField({ length: [10, 10], example: '2022-03-02' }) date: string;
  @KmField() km: number;
  @TextField({ length: [1, 200] }) dealer: string;
  @TextField({ length: [1, 100] }) workOrder: string;
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
  @UuidField({ description: "The owner's recorded consent" }) consentId: string;
}

export class OpenPaperworkDto {
  @UuidField() saleOrderId: string;
  @UuidField() itemId: string;
  @UuidField({ optional: true }) buyerId?: string;
  @UuidField({ optional: true, description: 'Admin only: the selling merchant' })
  merchantOrganisationId?: string;
}

export class PaperworkActionDto extends VersionDto {
  @TextField({
    length: [1, 200],
    optional: true,
    description: 'Complete: the new certificate or policy number',
  })
  reference?: string;
  @TextField({ maxLength: 1000, optional: true, description: 'Block: why' }) reason?: string;
}

export class RecordTransferDto extends VersionDto {
  @TextField({
    length: [3, 100],
    description: "The registration authority's document number for the transfer",
    example: 'SH-DMV-2026-0012345',
  })
  documentNumber: string;
  @TextField({
    length: [3, 500],
    description: 'Where the scan of the transfer document is kept (a document store reference)',
    example: 'scan://transfers/2026/0012345.pdf',
  })
  scanReference: string;
}

export class PaperworkQuery extends PageQuery {
  @OneOfField(PAPERWORK_STATES, { optional: true }) state?: PaperworkState;
  @UuidField({ optional: true }) saleOrderId?: string;
}

export class FlaggedQuery extends PageQuery {}
