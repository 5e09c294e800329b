// What a pickup's changes send on through the outbox: the SLA timer, the asking stage's
// shipment updates and the customer's messages.

import {
  CheckPickupSla,
  NotifyOwner,
  SaleOrderShipmentUpdate,
  TradeInShipmentUpdate,
  type ShipmentUpdatePayload,
} from '../core/jobs/job-catalogue.js';
import { job, type OutboxJob } from '../core/jobs/job-definition.js';
import type { Pickup } from './data/pickup.entity.js';

/** The SLA timer of the pickup's current attempt and window, at the window's end. */
export function slaTimer(p: Pickup): OutboxJob {
  return job(
    CheckPickupSla,
    { pickupId: p.id, attempt: p.attempt, windowEnd: p.windowEnd.toISOString() },
    p.windowEnd,
  );
}

/** Tells the stage that asked for the shipment; store consolidations have nobody to tell. */
export function shipmentUpdate(
  p: Pickup,
  event: ShipmentUpdatePayload['event'],
  extra: { at: Date; reason?: string },
): OutboxJob[] {
  if (p.direction === 'store-consolidation') return [];
  const payload: ShipmentUpdatePayload = {
    pickupId: p.id,
    source: { kind: p.sourceKind, id: p.sourceId },
    direction: p.direction,
    event,
    itemIds: p.itemIds,
    sealNumber: p.sealNumber,
    warehouseId: p.warehouseId,
    promisedWindow: { start: p.windowStart.toISOString(), end: p.windowEnd.toISOString() },
    reason: extra.reason ?? null,
    at: extra.at.toISOString(),
  };
  if (p.sourceKind === 'trade-in') return [job(TradeInShipmentUpdate, payload)];
  if (p.sourceKind === 'sale-order') return [job(SaleOrderShipmentUpdate, payload)];
  return [];
}

export function notifyCustomer(
  p: Pickup,
  template: string,
  params: Record<string, unknown>,
): OutboxJob[] {
  if (!p.customerId) return [];
  return [
    job(NotifyOwner, { userId: p.customerId, template, params: { pickupId: p.id, ...params } }),
  ];
}
