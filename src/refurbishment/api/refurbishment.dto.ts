import {
  IntField,
  ObjectField,
  OneOfField,
  TextField,
  UuidField,
} from '../../core/http/field.decorators.js';
import { PageQuery } from '../../core/http/pagination.js';
import { REFURBISHMENT_STATES, type RefurbishmentState } from '../domain/refurbishment.machine.js';
import { VersionDto } from '../../core/http/version.dto.js';

/** Money amounts in minor units; a cap keeps them inside the int columns. */
const MAX_MINOR = 100_000_000;
/** A cost in minor units. */
const CostField = (description: string) => IntField({ min: 0, max: MAX_MINOR, description });
/** The technician's diagnosis, optional. */
const DiagnosisField = (description: string) =>
  TextField({ length: [3, 4000], optional: true, description });
/** A part's number or serial, optional. */
const PartCodeField = (description: string) =>
  TextField({ length: [1, 100], optional: true, description });

export class RefurbishmentFilter extends PageQuery {
  @OneOfField(REFURBISHMENT_STATES, { optional: true }) state?: RefurbishmentState;
  @UuidField({ optional: true }) itemId?: string;
  @UuidField({ optional: true }) partnerId?: string;
}

export class OpenRefurbishmentDto {
  @UuidField({ description: 'A graded item in your warehouse' }) itemId: string;
  @UuidField({
    optional: true,
    description: 'The inspection whose findings the repair addresses',
  })
  inspectionId?: string;
}

export class AssignRefurbishmentDto extends VersionDto {
  @UuidField({
    optional: true,
    description: 'A competent partner; the least loaded one when absent',
  })
  partnerId?: string;
}

export class StartRepairDto extends VersionDto {
  @DiagnosisField('What the technician found') diagnosis?: string;
}

export class RecordPartDto {
  @TextField({ length: [1, 200], example: 'Battery' }) partName: string;
  @PartCodeField("Manufacturer's part number") partNumber?: string;
  @PartCodeField('Serial of the part fitted') serialIn?: string;
  @PartCodeField('Serial of the part taken out') serialOut?: string;
  @CostField('Cost of the part, minor units') costMinor: number;
}

export class FinishRepairDto extends VersionDto {
  @DiagnosisField('Required unless recorded when the repair started') diagnosis?: string;
  @IntField({ min: 0, max: 100_000 }) labourMinutes: number;
  @CostField('Labour cost, minor units') labourCostMinor: number;
}

export class DeclareUnrepairableDto extends VersionDto {
  @TextField({ length: [3, 1000], description: 'Why the unit cannot be repaired' }) reason: string;
}

export class QcDto extends VersionDto {
  @ObjectField({
    description: "Answers to the item's grading standard (same standard as its inspection)",
    type: 'object',
    additionalProperties: true,
  })
  answers: Record<string, unknown>;
  @TextField({ maxLength: 2000, optional: true }) notes?: string;
}

export class PartTraceQuery {
  @TextField({ length: [1, 100], description: 'A part serial, fitted or removed' }) serial: string;
}

export class PerformanceQuery {
  @UuidField({ optional: true }) partnerId?: string;
}
