import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import {
  BooleanField,
  OneOfField,
  TextField,
  TextListField,
  UuidField,
  UuidListField,
} from '../../core/http/field.decorators.js';
import { PageQuery } from '../../core/http/pagination.js';
import { PARCEL_STATES, type ParcelState } from '../domain/parcel.machine.js';
import {
  RECEIVING_EXCEPTION_KINDS,
  type ReceivingExceptionKind,
} from '../data/receiving-exception.entity.js';
import { VersionDto } from '../../core/http/version.dto.js';
import { LABEL_SIZES, type LabelSize } from '../domain/labels-pdf.js';

export class ScanDto {
  @TextField({
    length: [1, 100],
    description: 'What the scanner typed: a seal number or an item trace code',
  })
  code: string;
}

export class LabelsDto {
  @UuidListField({
    maxItems: 200,
    optional: true,
    description: 'Items to print a label for (in this order); with parcelId, added after its items',
  })
  itemIds?: string[];
  @UuidField({ optional: true, description: 'Print a label for every item of this parcel' })
  parcelId?: string;
  @OneOfField(Object.keys(LABEL_SIZES), {
    optional: true,
    description: 'Label roll size in millimetres (width x height); default 50x30',
  })
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
  @BooleanField({
    optional: true,
    default: true,
    description: 'false: the tamper-evident bag is torn or opened',
  })
  sealIntact?: boolean;
  @TextListField({
    maxItems: 100,
    maxLength: 100,
    optional: true,
    description: 'Trace codes of every item found in the parcel; absent: the ones scanned before',
  })
  traceCodes?: string[];
}

export class ParcelQuery extends PageQuery {
  @OneOfField(PARCEL_STATES, { optional: true }) state?: ParcelState;
  @UuidField({
    optional: true,
    description: 'Admin and support only; staff see their own warehouse',
  })
  warehouseId?: string;
}

export class ReceivingExceptionQuery extends PageQuery {
  @UuidField({ optional: true }) parcelId?: string;
  @UuidField({ optional: true }) itemId?: string;
  @OneOfField(RECEIVING_EXCEPTION_KINDS, { optional: true }) kind?: ReceivingExceptionKind;
  @UuidField({ optional: true, description: 'Admin and support only' }) warehouseId?: string;
}
