import { Injectable } from '@nestjs/common';
import type { ReturnInspected } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { SaleReturnEventsService } from '../sale-return-events.service.js';

/** Job ReturnInspected: grading re-inspected a returned item; the buyer is refunded in full or in part. */
@Injectable()
export class ReturnInspectedJob {
  constructor(private readonly returns: SaleReturnEventsService) {}

  run(payload: JobPayload<typeof ReturnInspected>, _ctx?: JobContext): Promise<void> {
    return this.returns.onReturnInspected(payload);
  }
}
