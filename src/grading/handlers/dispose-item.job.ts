import { Injectable } from '@nestjs/common';
import type { DisposeItem } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { DispositionService } from '../disposition.service.js';

/** Job DisposeItem: the platform owns a graded item; its grade decides where it goes next. */
@Injectable()
export class DisposeItemJob {
  constructor(private readonly disposition: DispositionService) {}

  run(payload: JobPayload<typeof DisposeItem>, _ctx?: JobContext): Promise<void> {
    return this.disposition.onDisposeItem(payload);
  }
}
