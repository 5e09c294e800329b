import { Injectable } from '@nestjs/common';
import type { RefurbishmentRequested } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { RefurbishmentOpening } from '../refurbishment-opening.service.js';

/** Job RefurbishmentRequested: grading sent a good item to refurbishment; it gets one order. */
@Injectable()
export class RefurbishmentRequestedJob {
  constructor(private readonly opening: RefurbishmentOpening) {}

  run(payload: JobPayload<typeof RefurbishmentRequested>, _ctx?: JobContext): Promise<void> {
    return this.opening.onRefurbishmentRequested(payload);
  }
}
