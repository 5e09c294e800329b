import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsObject, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { PageQuery } from '../../core/http/pagination.js';
import {
  CALIBRATION_TASK_STATES,
  type CalibrationTaskState,
} from '../domain/calibration-task.machine.js';
import { VersionDto } from '../../core/http/version.dto.js';
import { ANSWERS_SCHEMA } from './inspections.dto.js';

export class CalibrationSettingsDto {
  @ApiProperty({
    minimum: 0,
    maximum: 1,
    example: 0.05,
    description: 'Share of completed inspections re-graded blindly',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  rate: number;
}

export class CalibrationReportQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() warehouseId?: string;
}

export class CalibrationTaskQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CALIBRATION_TASK_STATES })
  @IsOptional()
  @IsIn(CALIBRATION_TASK_STATES)
  state?: CalibrationTaskState;
  @ApiPropertyOptional() @IsOptional() @IsUUID() warehouseId?: string;
}

export class CompleteCalibrationDto extends VersionDto {
  @ApiProperty({
    ...ANSWERS_SCHEMA,
    description: 'Answers keyed by check id, under the same standard version',
  })
  @IsObject()
  answers: Record<string, unknown>;
}
