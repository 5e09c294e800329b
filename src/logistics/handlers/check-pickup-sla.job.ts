import { Injectable } from '@nestjs/common';
import type { CheckPickupSla } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { PickupSchedulingService } from '../pickup-scheduling.service.js';

/** Job CheckPickupSla (delayed): a pickup's SLA timer fired; the service re-checks its state. */
@Injectable()
export class CheckPickupSlaJob {
  constructor(private readonly scheduling: PickupSchedulingService) {}

  run(payload: JobPayload<typeof CheckPickupSla>, _ctx?: JobContext): Promise<void> {
    return this.scheduling.checkSla(payload);
  }
}
