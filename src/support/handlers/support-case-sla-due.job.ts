import { Injectable } from '@nestjs/common';
import type { SupportCaseSlaDue } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { SupportCasesService } from '../support-cases.service.js';

/** Job SupportCaseSlaDue (delayed): a case's SLA timer fired; the service re-checks its state. */
@Injectable()
export class SupportCaseSlaDueJob {
  constructor(private readonly cases: SupportCasesService) {}

  run(payload: JobPayload<typeof SupportCaseSlaDue>, _ctx?: JobContext): Promise<void> {
    return this.cases.slaDue(payload.caseId);
  }
}
