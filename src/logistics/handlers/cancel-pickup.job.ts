import { Injectable } from '@nestjs/common';
import type { CancelPickup } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { PickupsService } from '../pickups.service.js';

/** Job CancelPickup: the pickup's source no longer needs it; the service cancels it. */
@Injectable()
export class CancelPickupJob {
  constructor(private readonly pickups: PickupsService) {}

  run(payload: JobPayload<typeof CancelPickup>, _ctx?: JobContext): Promise<void> {
    return this.pickups.cancelBySource(payload);
  }
}
