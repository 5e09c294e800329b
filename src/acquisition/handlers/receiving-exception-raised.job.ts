import { Injectable } from '@nestjs/common';
import type { ReceivingExceptionRaised } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { TradeInReceiving } from '../trade-in-receiving.service.js';

/** Job ReceivingExceptionRaised: a receiving exception freezes the item's payout. */
@Injectable()
export class ReceivingExceptionRaisedJob {
  constructor(private readonly receiving: TradeInReceiving) {}

  run(payload: JobPayload<typeof ReceivingExceptionRaised>, _ctx?: JobContext): Promise<void> {
    return this.receiving.onReceivingException(payload);
  }
}
