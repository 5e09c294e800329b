import { Injectable } from '@nestjs/common';
import type { SchedulePickup } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { PickupSchedulingService } from '../pickup-scheduling.service.js';

/** Job SchedulePickup: items to collect (inbound, buyer return) or hand back get a pickup. */
@Injectable()
export class SchedulePickupJob {
  constructor(private readonly scheduling: PickupSchedulingService) {}

  async run(payload: JobPayload<typeof SchedulePickup>, _ctx?: JobContext): Promise<void> {
    await this.scheduling.schedule(payload);
  }
}
