import type { OutboxJob } from '../core/jobs/job-definition.js';
import { webhookEvent } from '../notifications/webhooks/webhook-events.js';
import type { SaleOrder } from './data/resale.entities.js';

/**
 * A sale order's event for its merchant's webhook subscribers: the order and its item first, then
 * what this event adds (a refund, a reason, the proof of delivery...).
 */
export function merchantEvent(
  o: Pick<SaleOrder, 'id' | 'itemId' | 'merchantId'>,
  type: string,
  more: Record<string, unknown>,
): OutboxJob {
  return webhookEvent({
    organisationId: o.merchantId,
    type,
    data: { saleOrderId: o.id, itemId: o.itemId, ...more },
  });
}
