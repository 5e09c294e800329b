import { Injectable } from '@nestjs/common';
import type { ParcelDelivered } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { ReceivingService } from '../receiving.service.js';

/** Job ParcelDelivered: the courier handed a parcel over; receiving expects it at the warehouse. */
@Injectable()
export class ParcelDeliveredJob {
  constructor(private readonly receiving: ReceivingService) {}

  run(payload: JobPayload<typeof ParcelDelivered>, _ctx?: JobContext): Promise<void> {
    return this.receiving.onParcelDelivered(payload);
  }
}
