import { Injectable } from '@nestjs/common';
import type { OpenVehiclePaperwork } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { PaperworkService } from '../paperwork.service.js';

/** Job OpenVehiclePaperwork: a car was paid for; its paperwork tasks are opened. */
@Injectable()
export class OpenVehiclePaperworkJob {
  constructor(private readonly paperwork: PaperworkService) {}

  run(payload: JobPayload<typeof OpenVehiclePaperwork>, _ctx?: JobContext): Promise<void> {
    return this.paperwork.onOpenVehiclePaperwork(payload);
  }
}
