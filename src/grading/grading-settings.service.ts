import { Injectable } from '@nestjs/common';
import { ReferenceCache } from '../core/cache/reference-cache.js';
import { GradingSettingsRepository } from './data/grading-settings.repository.js';
import { DEFAULT_CALIBRATION_RATE } from './domain/calibration.js';

/** Runtime settings admins change without a restart (a row per key in grading_settings). */
@Injectable()
export class GradingSettingsService {
  /** Read on every completed inspection, changed by an admin now and then (see ReferenceCache). */
  private readonly rate = new ReferenceCache<{ rate: number }>(1);

  constructor(private readonly settings: GradingSettingsRepository) {}

  /** Share of completed inspections picked for a blind re-grade (default 5 %). */
  async calibrationRate(): Promise<number> {
    const { rate } = await this.rate.get('calibration', async () => ({
      rate: (await this.settings.calibrationRate()) ?? DEFAULT_CALIBRATION_RATE,
    }));
    return rate;
  }

  async setCalibrationRate(rate: number): Promise<void> {
    await this.settings.setCalibrationRate(rate);
    this.rate.forget();
  }
}
