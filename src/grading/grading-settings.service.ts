import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReferenceCache } from '../core/cache/reference-cache.js';
import { DEFAULT_CALIBRATION_RATE } from './engine/calibration.js';

/** Runtime settings admins change without a restart (a row per key in grading_settings). */
@Injectable()
export class GradingSettingsService {
  /** Read on every completed inspection, changed by an admin now and then (see ReferenceCache). */
  private readonly rate = new ReferenceCache<{ rate: number }>(1);

  constructor(private readonly dataSource: DataSource) {}

  /** Share of completed inspections picked for a blind re-grade (default 5 %). */
  async calibrationRate(): Promise<number> {
    const { rate } = await this.rate.get('calibration', async () => {
      const rows = await this.dataSource.query<Array<{ rate: number | null }>>(
        `SELECT (value->>'rate')::float8 AS rate FROM grading_settings WHERE key = 'calibration'`,
      );
      return { rate: rows[0]?.rate ?? DEFAULT_CALIBRATION_RATE };
    });
    return rate;
  }

  async setCalibrationRate(rate: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO grading_settings (key, value) VALUES ('calibration', $1::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [JSON.stringify({ rate })],
    );
    this.rate.forget();
  }
}
