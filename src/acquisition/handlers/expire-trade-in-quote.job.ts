import { Injectable } from '@nestjs/common';
import type { ExpireTradeInQuote } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { TradeInQuotes } from '../trade-in-quotes.service.js';

/** Job ExpireTradeInQuote: a quote the owner did not accept in time expires (once it is due). */
@Injectable()
export class ExpireTradeInQuoteJob {
  constructor(private readonly quotes: TradeInQuotes) {}

  run(payload: JobPayload<typeof ExpireTradeInQuote>, _ctx?: JobContext): Promise<void> {
    return this.quotes.expire(payload.orderId);
  }
}
