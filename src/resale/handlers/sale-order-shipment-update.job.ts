import { Injectable } from '@nestjs/common';
import type { SaleOrderShipmentUpdate } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { SaleReturnEventsService } from '../sale-return-events.service.js';

/** Job SaleOrderShipmentUpdate: logistics reports on a sale order's return shipment. */
@Injectable()
export class SaleOrderShipmentUpdateJob {
  constructor(private readonly returns: SaleReturnEventsService) {}

  run(payload: JobPayload<typeof SaleOrderShipmentUpdate>, _ctx?: JobContext): Promise<void> {
    return this.returns.onShipmentUpdate(payload);
  }
}
