import { Injectable } from '@nestjs/common';
import type { ItemGraded } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { TradeInGrading } from '../trade-in-grading.service.js';

/** Job ItemGraded: inspection graded a trade-in item; its final offer follows. */
@Injectable()
export class ItemGradedJob {
  constructor(private readonly grading: TradeInGrading) {}

  run(payload: JobPayload<typeof ItemGraded>, _ctx?: JobContext): Promise<void> {
    return this.grading.onItemGraded(payload);
  }
}
