import {
  NumberField,
  ObjectField,
  OneOfField,
  UuidField,
} from '../../core/http/field.decorators.js';
import { PageQuery } from '../../core/http/pagination.js';
import {
  CALIBRATION_TASK_STATES,
  type CalibrationTaskState,
} from '../domain/calibration-task.machine.js';
import { VersionDto } from '../../core/http/version.dto.js';
import { ANSWERS_SCHEMA } from './inspections.dto.js';

export class CalibrationSettingsDto {
  @NumberField({
    min: 0,
    max: 1,
    example: 0.05,
    description: 'Share of completed inspections re-graded blindly',
  })
  rate: number;
}

export class CalibrationReportQuery {
  @UuidField({ optional: true }) warehouseId?: string;
}

export class CalibrationTaskQuery extends PageQuery {
  @OneOfField(CALIBRATION_TASK_STATES, { optional: true }) state?: CalibrationTaskState;
  @UuidField({ optional: true }) warehouseId?: string;
}

export class CompleteCalibrationDto extends VersionDto {
  @ObjectField({
    ...ANSWERS_SCHEMA,
    description: 'Answers keyed by check id, under the same standard version',
  })
  answers: Record<string, unknown>;
}
