import { Injectable } from '@nestjs/common';
import type { ExpireTradeInOffer } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { TradeInQuotes } from '../trade-in-quotes.service.js';

/** Job ExpireTradeInOffer: a final offer the owner never answered; the item goes back free. */
@Injectable()
export class ExpireTradeInOfferJob {
  constructor(private readonly quotes: TradeInQuotes) {}

  run(payload: JobPayload<typeof ExpireTradeInOffer>, _ctx?: JobContext): Promise<void> {
    return this.quotes.expireOffer(payload.tradeInItemId);
  }
}
