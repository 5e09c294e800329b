import { Injectable } from '@nestjs/common';
import type { CancelPickup } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { PickupSchedulingService } from '../pickup-scheduling.service.js';

/** Job CancelPickup: the pickup's source no longer needs it; the service cancels it. */
@Injectable()
export class CancelPickupJob {
  constructor(private readonly scheduling: PickupSchedulingService) {}

  run(payload: JobPayload<typeof CancelPickup>, _ctx?: JobContext): Promise<void> {
    return this.scheduling.cancelBySource(payload);
  }
}
