import { Injectable } from '@nestjs/common';
import type { DispatchPickups } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { DispatchService } from '../dispatch.service.js';

/** Job DispatchPickups: a dispatch run for one city, or every area (`cityCode: null`). */
@Injectable()
export class DispatchPickupsJob {
  constructor(private readonly dispatch: DispatchService) {}

  async run(payload: JobPayload<typeof DispatchPickups>, _ctx?: JobContext): Promise<void> {
    await this.dispatch.run(payload.cityCode);
  }
}
