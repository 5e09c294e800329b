import { Injectable } from '@nestjs/common';
import type { ExpireTradeInOffer } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { TradeInWorkflow } from '../trade-in-workflow.service.js';

/** Job ExpireTradeInOffer: a final offer the owner never answered; the item goes back free. */
@Injectable()
export class ExpireTradeInOfferJob {
  constructor(private readonly workflow: TradeInWorkflow) {}

  run(payload: JobPayload<typeof ExpireTradeInOffer>, _ctx?: JobContext): Promise<void> {
    return this.workflow.expireOffer(payload.tradeInItemId);
  }
}
