import { Injectable } from '@nestjs/common';
import type { ItemReceived } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { TradeInReceiving } from '../trade-in-receiving.service.js';

/** Job ItemReceived: a trade-in item reached a warehouse (other items are not acquisition's). */
@Injectable()
export class ItemReceivedJob {
  constructor(private readonly receiving: TradeInReceiving) {}

  run(payload: JobPayload<typeof ItemReceived>, _ctx?: JobContext): Promise<void> {
    return this.receiving.onItemReceived(payload);
  }
}
