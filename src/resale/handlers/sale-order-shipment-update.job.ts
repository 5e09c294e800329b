import { Injectable } from '@nestjs/common';
import type { SaleOrderShipmentUpdate } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { SaleReturnsService } from '../sale-returns.service.js';

/** Job SaleOrderShipmentUpdate: logistics reports on a sale order's return shipment. */
@Injectable()
export class SaleOrderShipmentUpdateJob {
  constructor(private readonly returns: SaleReturnsService) {}

  run(payload: JobPayload<typeof SaleOrderShipmentUpdate>, _ctx?: JobContext): Promise<void> {
    return this.returns.onShipmentUpdate(payload);
  }
}
