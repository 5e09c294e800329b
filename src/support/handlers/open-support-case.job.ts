import { Injectable } from '@nestjs/common';
import type { OpenSupportCase } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { SupportCasesService } from '../support-cases.service.js';

/** Job OpenSupportCase: the platform opens a case for support. */
@Injectable()
export class OpenSupportCaseJob {
  constructor(private readonly cases: SupportCasesService) {}

  run(payload: JobPayload<typeof OpenSupportCase>, _ctx?: JobContext): Promise<void> {
    return this.cases.openFromPlatform(payload);
  }
}
