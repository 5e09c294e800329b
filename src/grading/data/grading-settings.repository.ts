import { Injectable } from '@nestjs/common';
import { DataRepository } from '../../core/data/repository.js';

/** Grading's runtime settings: a row per key in grading_settings. */
@Injectable()
export class GradingSettingsRepository extends DataRepository {
  /** The stored calibration share, or null when none is set. */
  async calibrationRate(): Promise<number | null> {
    const rows = await this.dataSource.query<Array<{ rate: number | null }>>(
      `SELECT (value->>'rate')::float8 AS rate FROM grading_settings WHERE key = 'calibration'`,
    );
    return rows[0]?.rate ?? null;
  }

  async setCalibrationRate(rate: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO grading_settings (key, value) VALUES ('calibration', $1::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [JSON.stringify({ rate })],
    );
  }
}
