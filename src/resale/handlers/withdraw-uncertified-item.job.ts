import { Injectable } from '@nestjs/common';
import type { WithdrawUncertifiedItem } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { SaleOrderEventsService } from '../sale-order-events.service.js';

/** Job WithdrawUncertifiedItem: the item lost its erasure certificate; its listings leave the market. */
@Injectable()
export class WithdrawUncertifiedItemJob {
  constructor(private readonly orderEvents: SaleOrderEventsService) {}

  run(payload: JobPayload<typeof WithdrawUncertifiedItem>, _ctx?: JobContext): Promise<void> {
    return this.orderEvents.withdrawUncertified(payload);
  }
}
