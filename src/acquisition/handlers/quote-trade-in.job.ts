import { Injectable } from '@nestjs/common';
import type { QuoteTradeIn } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { TradeInQuotes } from '../trade-in-quotes.service.js';

/** Job QuoteTradeIn: the order's items are priced from their descriptions and the quote goes out. */
@Injectable()
export class QuoteTradeInJob {
  constructor(private readonly quotes: TradeInQuotes) {}

  run(payload: JobPayload<typeof QuoteTradeIn>, _ctx?: JobContext): Promise<void> {
    return this.quotes.quote(payload.orderId);
  }
}
