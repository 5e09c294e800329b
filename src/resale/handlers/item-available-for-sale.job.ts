import { Injectable } from '@nestjs/common';
import type { ItemAvailableForSale } from '../../core/jobs/job-catalogue.js';
import type { JobContext, JobPayload } from '../../core/jobs/job-definition.js';
import { InventoryService } from '../inventory.service.js';

/** Job ItemAvailableForSale: an item (new, or back from a buyer's return) joins the pool merchants stock from. */
@Injectable()
export class ItemAvailableForSaleJob {
  constructor(private readonly inventory: InventoryService) {}

  run(payload: JobPayload<typeof ItemAvailableForSale>, _ctx?: JobContext): Promise<void> {
    return this.inventory.pool(payload);
  }
}
