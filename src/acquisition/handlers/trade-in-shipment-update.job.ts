import { Injectable } from '@nestjs/common';
import type { TradeInShipmentUpdate } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { TradeInReceiving } from '../trade-in-receiving.service.js';

/** Job TradeInShipmentUpdate: logistics' news of an order's pickup or return shipment. */
@Injectable()
export class TradeInShipmentUpdateJob {
  constructor(private readonly receiving: TradeInReceiving) {}

  run(payload: JobPayload<typeof TradeInShipmentUpdate>, _ctx?: JobContext): Promise<void> {
    return this.receiving.onShipmentUpdate(payload);
  }
}
