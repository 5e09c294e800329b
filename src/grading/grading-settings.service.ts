import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DEFAULT_CALIBRATION_RATE } from './engine/calibration.js';

/** Runtime settings admins change without a restart (a row per key in grading_settings). */
@Injectable()
export class GradingSettingsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Share of completed inspections picked for a blind re-grade (default 5 %). */
  async calibrationRate(manager?: EntityManager): Promise<number> {
    const rows = await (manager ?? this.dataSource.manager).query<Array<{ rate: number | null }>>(
      `SELECT (value->>'rate')::float8 AS rate FROM grading_settings WHERE key = 'calibration'`,
    );
    return rows[0]?.rate ?? DEFAULT_CALIBRATION_RATE;
  }

  async setCalibrationRate(rate: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO grading_settings (key, value) VALUES ('calibration', $1::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [JSON.stringify({ rate })],
    );
  }
}
