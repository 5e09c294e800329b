import { Injectable } from '@nestjs/common';
import type { SecondGradingRequested } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { InspectionsService } from '../inspections.service.js';

/** Job SecondGradingRequested: acquisition saw a large price cut; the report waits for a second grader. */
@Injectable()
export class SecondGradingRequestedJob {
  constructor(private readonly inspections: InspectionsService) {}

  run(payload: JobPayload<typeof SecondGradingRequested>, _ctx?: JobContext): Promise<void> {
    return this.inspections.onSecondGradingRequested(payload);
  }
}
