import { Injectable } from '@nestjs/common';
import type { ItemGraded } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { TradeInWorkflow } from '../trade-in-workflow.service.js';

/** Job ItemGraded: inspection graded a trade-in item; its final offer follows. */
@Injectable()
export class ItemGradedJob {
  constructor(private readonly workflow: TradeInWorkflow) {}

  run(payload: JobPayload<typeof ItemGraded>, _ctx?: JobContext): Promise<void> {
    return this.workflow.onItemGraded(payload);
  }
}
