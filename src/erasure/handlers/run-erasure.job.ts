import { Injectable } from '@nestjs/common';
import type { RunErasure } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { ErasureRuns } from '../erasure-runs.service.js';

/** Job RunErasure: one try of the wipe on the automatic station; a stale attempt is a no-op. */
@Injectable()
export class RunErasureJob {
  constructor(private readonly runs: ErasureRuns) {}

  run(payload: JobPayload<typeof RunErasure>, _ctx?: JobContext): Promise<void> {
    return this.runs.run(payload.erasureId, payload.attempt);
  }
}
