import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageQuery } from '../../core/http/pagination.js';
import { REFURBISHMENT_STATES, type RefurbishmentState } from '../domain/refurbishment.machine.js';
import { VersionDto } from '../../core/http/version.dto.js';

/** Money amounts in minor units; a cap keeps them inside the int columns. */
const MAX_MINOR = 100_000_000;

export class RefurbishmentFilter extends PageQuery {
  @ApiPropertyOptional({ enum: REFURBISHMENT_STATES })
  @IsOptional()
  @IsIn(REFURBISHMENT_STATES)
  state?: RefurbishmentState;
  @ApiPropertyOptional() @IsOptional() @IsUUID() itemId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() partnerId?: string;
}

export class OpenRefurbishmentDto {
  @ApiProperty({ description: 'A graded item in your warehouse' }) @IsUUID() itemId: string;
  @ApiPropertyOptional({ description: 'The inspection whose findings the repair addresses' })
  @IsOptional()
  @IsUUID()
  inspectionId?: string;
}

export class AssignRefurbishmentDto extends VersionDto {
  @ApiPropertyOptional({ description: 'A competent partner; the least loaded one when absent' })
  @IsOptional()
  @IsUUID()
  partnerId?: string;
}

export class StartRepairDto extends VersionDto {
  @ApiPropertyOptional({ description: 'What the technician found' })
  @IsOptional()
  @IsString()
  @Length(3, 4000)
  diagnosis?: string;
}

export class RecordPartDto {
  @ApiProperty({ example: 'Battery' }) @IsString() @Length(1, 200) partName: string;
  @ApiPropertyOptional({ description: "Manufacturer's part number" })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  partNumber?: string;
  @ApiPropertyOptional({ description: 'Serial of the part fitted' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  serialIn?: string;
  @ApiPropertyOptional({ description: 'Serial of the part taken out' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  serialOut?: string;
  @ApiProperty({ description: 'Cost of the part, minor units' })
  @IsInt()
  @Min(0)
  @Max(MAX_MINOR)
  costMinor: number;
}

export class FinishRepairDto extends VersionDto {
  @ApiPropertyOptional({ description: 'Required unless recorded when the repair started' })
  @IsOptional()
  @IsString()
  @Length(3, 4000)
  diagnosis?: string;
  @ApiProperty() @IsInt() @Min(0) @Max(100_000) labourMinutes: number;
  @ApiProperty({ description: 'Labour cost, minor units' })
  @IsInt()
  @Min(0)
  @Max(MAX_MINOR)
  labourCostMinor: number;
}

export class DeclareUnrepairableDto extends VersionDto {
  @ApiProperty({ description: 'Why the unit cannot be repaired' })
  @IsString()
  @Length(3, 1000)
  reason: string;
}

export class QcDto extends VersionDto {
  @ApiProperty({
    description: "Answers to the item's grading standard (same standard as its inspection)",
    type: 'object',
    additionalProperties: true,
  })
  @IsObject()
  answers: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) notes?: string;
}

export class PartTraceQuery {
  @ApiProperty({ description: 'A part serial, fitted or removed' })
  @IsString()
  @Length(1, 100)
  serial: string;
}

export class PerformanceQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() partnerId?: string;
}
