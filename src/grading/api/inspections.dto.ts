import { type ApiPropertyOptions } from '@nestjs/swagger';
import {
  BooleanField,
  ObjectField,
  OneOfField,
  TextField,
  TextListField,
  UuidField,
} from '../../core/http/field.decorators.js';
import { PageQuery } from '../../core/http/pagination.js';
import { INSPECTION_STATES, type InspectionState } from '../domain/inspection.machine.js';
import { VersionDto } from '../../core/http/version.dto.js';

export class InspectionQuery extends PageQuery {
  @OneOfField(INSPECTION_STATES, { optional: true }) state?: InspectionState;
  @UuidField({ optional: true }) itemId?: string;
  @UuidField({
    optional: true,
    description: 'Admin and support only; staff see their own warehouse',
  })
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
  @ObjectField({
    ...ANSWERS_SCHEMA,
    description: 'Answers keyed by check id (booleans, option values, numbers, photo references)',
  })
  answers: Record<string, unknown>;
  @BooleanField({
    optional: true,
    description:
      'A provisional result while answering: unanswered checks are listed in `missing` instead of refused (other problems still 400)',
  })
  partial?: boolean;
}

export class CompleteInspectionDto extends VersionDto {
  @ObjectField({
    ...ANSWERS_SCHEMA,
    description:
      'Answers keyed by check id; photo checks take the ids of photos uploaded with POST /photos?purpose=inspection (other strings are kept as references to pictures stored elsewhere)',
  })
  answers: Record<string, unknown>;
  @TextListField({
    maxItems: 50,
    maxLength: 500,
    optional: true,
    description: 'Further photos: uploaded photo ids (or references to pictures stored elsewhere)',
  })
  photos?: string[];
  @TextField({ maxLength: 2000, optional: true }) notes?: string;
}

export class ConfirmDto extends VersionDto {
  @TextField({ maxLength: 2000, optional: true }) notes?: string;
}

export class ReinspectDto extends VersionDto {
  @TextField({ length: [3, 1000], example: 'Owner disputes the screen finding' })
  reason: string;
}
