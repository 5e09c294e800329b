import { Injectable } from '@nestjs/common';
import type { CheckVehicleMileage } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { MileageHistoryService } from '../mileage-history.service.js';

/** Job CheckVehicleMileage: a trade-in or an inspection read the odometer; the history is re-assessed. */
@Injectable()
export class CheckVehicleMileageJob {
  constructor(private readonly history: MileageHistoryService) {}

  run(payload: JobPayload<typeof CheckVehicleMileage>, _ctx?: JobContext): Promise<void> {
    return this.history.onCheckMileage(payload);
  }
}
