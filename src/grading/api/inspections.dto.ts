import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import { PageQuery } from '../../core/http/pagination.js';
import { INSPECTION_STATES, type InspectionState } from '../domain/inspection.machine.js';
import { VersionDto } from '../../core/http/version.dto.js';

export class InspectionQuery extends PageQuery {
  @ApiPropertyOptional({ enum: INSPECTION_STATES })
  @IsOptional()
  @IsIn(INSPECTION_STATES)
  state?: InspectionState;
  @ApiPropertyOptional() @IsOptional() @IsUUID() itemId?: string;
  @ApiPropertyOptional({ description: 'Admin and support only; staff see their own warehouse' })
  @IsOptional()
  @IsUUID()
  warehouseId?: string;
}

/**
 * Answers keyed by check id, as the document describes them: yes/no, an option's value, a
 * number, or photo ids (the grade engine checks each against its check).
 */
export const ANSWERS_SCHEMA: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: {
    oneOf: [
      { type: 'boolean' },
      { type: 'string', maxLength: 500 },
      { type: 'number' },
      { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 500 } },
    ],
  },
};

export class PreviewDto {
  @ApiProperty({
    ...ANSWERS_SCHEMA,
    description: 'Answers keyed by check id (booleans, option values, numbers, photo references)',
  })
  @IsObject()
  answers: Record<string, unknown>;
  @ApiPropertyOptional({
    description:
      'A provisional result while answering: unanswered checks are listed in `missing` instead of refused (other problems still 400)',
  })
  @IsOptional()
  @IsBoolean()
  partial?: boolean;
}

export class CompleteInspectionDto extends VersionDto {
  @ApiProperty({
    ...ANSWERS_SCHEMA,
    description:
      'Answers keyed by check id; photo checks take the ids of photos uploaded with POST /photos?purpose=inspection (other strings are kept as references to pictures stored elsewhere)',
  })
  @IsObject()
  answers: Record<string, unknown>;
  @ApiPropertyOptional({
    type: [String],
    description: 'Further photos: uploaded photo ids (or references to pictures stored elsewhere)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  photos?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) notes?: string;
}

export class ConfirmDto extends VersionDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) notes?: string;
}

export class ReinspectDto extends VersionDto {
  @ApiProperty({ example: 'Owner disputes the screen finding' })
  @IsString()
  @Length(3, 1000)
  reason: string;
}
