import { Injectable } from '@nestjs/common';
import type { ExpireSaleReservation } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { SaleOrderEventsService } from '../sale-order-events.service.js';

/** Job ExpireSaleReservation: a sale order still unpaid at the end of its reservation is cancelled. */
@Injectable()
export class ExpireSaleReservationJob {
  constructor(private readonly orderEvents: SaleOrderEventsService) {}

  run(payload: JobPayload<typeof ExpireSaleReservation>, _ctx?: JobContext): Promise<void> {
    return this.orderEvents.expire(payload);
  }
}
