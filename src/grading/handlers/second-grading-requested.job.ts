import { Injectable } from '@nestjs/common';
import type { SecondGradingRequested } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { DispositionService } from '../disposition.service.js';

/** Job SecondGradingRequested: acquisition saw a large price cut; the report waits for a second grader. */
@Injectable()
export class SecondGradingRequestedJob {
  constructor(private readonly disposition: DispositionService) {}

  run(payload: JobPayload<typeof SecondGradingRequested>, _ctx?: JobContext): Promise<void> {
    return this.disposition.onSecondGradingRequested(payload);
  }
}
