import { Injectable } from '@nestjs/common';
import type { CheckPickupSla } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { PickupsService } from '../pickups.service.js';

/** Job CheckPickupSla (delayed): a pickup's SLA timer fired; the service re-checks its state. */
@Injectable()
export class CheckPickupSlaJob {
  constructor(private readonly pickups: PickupsService) {}

  run(payload: JobPayload<typeof CheckPickupSla>, _ctx?: JobContext): Promise<void> {
    return this.pickups.checkSla(payload);
  }
}
