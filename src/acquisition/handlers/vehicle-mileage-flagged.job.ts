import { Injectable } from '@nestjs/common';
import type { VehicleMileageFlagged } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { TradeInReceiving } from '../trade-in-receiving.service.js';

/** Job VehicleMileageFlagged: a car's odometer history is flagged; its payout is held. */
@Injectable()
export class VehicleMileageFlaggedJob {
  constructor(private readonly receiving: TradeInReceiving) {}

  run(payload: JobPayload<typeof VehicleMileageFlagged>, _ctx?: JobContext): Promise<void> {
    return this.receiving.onVehicleMileageFlagged(payload);
  }
}
