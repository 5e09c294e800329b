import { Injectable } from '@nestjs/common';
import type { StartErasure } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { ErasureService } from '../erasure.service.js';

/** Job StartErasure: one QUEUED wipe per storage medium of the item (idempotent). */
@Injectable()
export class StartErasureJob {
  constructor(private readonly erasures: ErasureService) {}

  async run(payload: JobPayload<typeof StartErasure>, _ctx?: JobContext): Promise<void> {
    await this.erasures.start(payload);
  }
}
