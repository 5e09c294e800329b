import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../../core/http/pagination.js';
import { PARCEL_STATES, type ParcelState } from '../domain/parcel.machine.js';
import {
  RECEIVING_EXCEPTION_KINDS,
  type ReceivingExceptionKind,
} from '../data/receiving-exception.entity.js';
import { VersionDto } from '../../core/http/version.dto.js';
import { LABEL_SIZES, type LabelSize } from '../domain/labels-pdf.js';

export class ScanDto {
  @ApiProperty({ description: 'What the scanner typed: a seal number or an item trace code' })
  @IsString()
  @Length(1, 100)
  code: string;
}

export class LabelsDto {
  @ApiPropertyOptional({
    type: [String],
    description: 'Items to print a label for (in this order); with parcelId, added after its items',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  itemIds?: string[];
  @ApiPropertyOptional({ description: 'Print a label for every item of this parcel' })
  @IsOptional()
  @IsUUID()
  parcelId?: string;
  @ApiPropertyOptional({
    enum: Object.keys(LABEL_SIZES),
    description: 'Label roll size in millimetres (width x height); default 50x30',
  })
  @IsOptional()
  @IsIn(Object.keys(LABEL_SIZES))
  size?: LabelSize;
}

export class ReceiveParcelDto extends VersionDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The seal number read on the bag; absent: the one scanned before',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(100)
  sealNumber?: string | null;
  @ApiPropertyOptional({
    default: true,
    description: 'false: the tamper-evident bag is torn or opened',
  })
  @IsOptional()
  @IsBoolean()
  sealIntact?: boolean;
  @ApiPropertyOptional({
    type: [String],
    description: 'Trace codes of every item found in the parcel; absent: the ones scanned before',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  traceCodes?: string[];
}

export class ParcelQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PARCEL_STATES })
  @IsOptional()
  @IsIn(PARCEL_STATES)
  state?: ParcelState;
  @ApiPropertyOptional({ description: 'Admin and support only; staff see their own warehouse' })
  @IsOptional()
  @IsUUID()
  warehouseId?: string;
}

export class ReceivingExceptionQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() parcelId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() itemId?: string;
  @ApiPropertyOptional({ enum: RECEIVING_EXCEPTION_KINDS })
  @IsOptional()
  @IsIn(RECEIVING_EXCEPTION_KINDS)
  kind?: ReceivingExceptionKind;
  @ApiPropertyOptional({ description: 'Admin and support only' })
  @IsOptional()
  @IsUUID()
  warehouseId?: string;
}
