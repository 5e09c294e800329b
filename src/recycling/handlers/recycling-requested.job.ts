import { Injectable } from '@nestjs/common';
import type { RecyclingRequested } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { RecyclingService } from '../recycling.service.js';

/** Job RecyclingRequested: an item went to scrap; it joins its warehouse's open lot (once). */
@Injectable()
export class RecyclingRequestedJob {
  constructor(private readonly recycling: RecyclingService) {}

  run(payload: JobPayload<typeof RecyclingRequested>, _ctx?: JobContext): Promise<void> {
    return this.recycling.onRecyclingRequested(payload);
  }
}
