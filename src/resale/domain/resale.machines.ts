import { defineAccessPolicy } from '../../core/access/access-policy.js';
import {
  days,
  defineMachine,
  escalateAfter,
  type GuardContext,
  minutes,
  transitionRows,
} from '../../core/state-machine/machine.js';
import type { VehicleFacts } from '../../core/read-models/vehicle-facts.js';
import { returnDeadline } from './pricing.js';
import {
  InventoryEntry,
  Listing,
  type ListingState,
  SaleOrder,
  type SaleOrderState,
} from '../data/resale.entities.js';
import { lockListedItem } from '../data/listing.repository.js';

/**
 * The vehicles stage's read model, for the delivery guard. Machines are plain data built when
 * this file loads, before dependency injection, so ResaleModule hands it over at start-up (as it
 * hands the registry its follow-up handlers).
 */
let facts: VehicleFacts | undefined;
export function useVehicleFacts(vehicleFactsReadModel: VehicleFacts): void {
  facts = vehicleFactsReadModel;
}
function vehicleFacts(): VehicleFacts {
  if (!facts) throw new Error('the sale-order machine was used before ResaleModule started');
  return facts;
}

export const LISTING_STATES: readonly ListingState[] = [
  'DRAFT',
  'PUBLISHED',
  'RESERVED',
  'SOLD',
  'WITHDRAWN',
];

/** A listing is its merchant's. */
export const ListingAccess = defineAccessPolicy<Listing>({
  name: 'Listing',
  entity: Listing,
  rules: { merchant: [{ merchantId: 'organisationId' }] },
});

/** An inventory entry is its merchant's; a pooled item (no merchant) is nobody's inventory. */
export const InventoryAccess = defineAccessPolicy<InventoryEntry>({
  name: 'Inventory item',
  entity: InventoryEntry,
  rules: { merchant: [{ merchantId: 'organisationId' }] },
});

/** A sale order is its buyer's and its merchant's. */
export const SaleOrderAccess = defineAccessPolicy<SaleOrder>({
  name: 'Sale order',
  entity: SaleOrder,
  rules: { customer: [{ buyerId: 'userId' }], merchant: [{ merchantId: 'organisationId' }] },
});

/**
 * Publishing re-checks who holds the item (issue 18): a draft outlives the allocation it was
 * made under, so a merchant that released the item must not publish — and sell — stock another
 * merchant has claimed since.
 */
async function stillHeldByMerchant({ entity, manager }: GuardContext<Listing>) {
  const item = await lockListedItem(manager, entity.itemId);
  if (
    item?.state === 'ALLOCATED' &&
    item.custodianKind === 'merchant' &&
    item.custodianId === entity.merchantId
  ) {
    return undefined;
  }
  return `item ${item?.traceCode ?? entity.itemId} is no longer in this merchant's inventory`;
}

const l = transitionRows<ListingState, Listing>();

/**
 * Spec §3: DRAFT → PUBLISHED → RESERVED → SOLD; WITHDRAWN. A reservation is the buyer's
 * checkout; unpaid it expires back to PUBLISHED (delayed job). `edit` keeps the state and
 * records the change (price, text, warranty) in the item's history.
 */
export const ListingMachine = defineMachine<ListingState, Listing>({
  name: 'Listing',
  entity: Listing,
  states: LISTING_STATES,
  initial: ['DRAFT'],
  terminal: ['SOLD', 'WITHDRAWN'],
  // DRAFT and PUBLISHED have no limit: the merchant decides how long an item is on sale.
  timeouts: {
    RESERVED: escalateAfter(
      days(1),
      'a checkout lasts minutes and its order expires it; a day reserved is stuck',
    ),
  },
  transitions: [
    l('edit', ['DRAFT'], 'DRAFT', ['merchant', 'admin']),
    l('edit', ['PUBLISHED'], 'PUBLISHED', ['merchant', 'admin']),
    l('publish', ['DRAFT'], 'PUBLISHED', ['merchant', 'admin'], stillHeldByMerchant),
    l('reserve', ['PUBLISHED'], 'RESERVED', ['customer']),
    l('release-reservation', ['RESERVED'], 'PUBLISHED', ['system', 'customer', 'admin']),
    l('sell', ['RESERVED'], 'SOLD', ['system', 'admin']),
    // A paid order cancelled before shipping (refunded): the listing is for sale again.
    l('reopen', ['SOLD'], 'PUBLISHED', ['system', 'admin']),
    // system: the item lost its erasure certificate (issue 17, WithdrawUncertifiedItem).
    l('withdraw', ['DRAFT', 'PUBLISHED'], 'WITHDRAWN', ['merchant', 'admin', 'system']),
  ],
  canAccess: ListingAccess.canSee,
  itemIds: (listing) => [listing.itemId],
});

export const SALE_ORDER_STATES: readonly SaleOrderState[] = [
  'PENDING_PAYMENT',
  'PAID',
  'SHIPPED',
  'DELIVERED',
  'RETURN_REQUESTED',
  'RETURN_PICKUP_FAILED',
  'RETURNED',
  'CANCELLED',
  'LOST',
];

const s = transitionRows<SaleOrderState, SaleOrder>();

/**
 * Spec §3: PENDING_PAYMENT → PAID → SHIPPED → DELIVERED → RETURN_REQUESTED → RETURNED;
 * CANCELLED (the buyer gives up, the reservation expires unpaid, or a paid order is cancelled
 * and refunded before it ships). Payment is confirmed by the provider's webhook (system);
 * delivery is proven by the carrier's signed tracking webhook (system) or the buyer — the
 * merchant may only ask the buyer to confirm. SHIPPED → LOST when the carrier or support
 * declares the parcel lost (refund, item written off). A return pickup that fails for good
 * parks the order in RETURN_PICKUP_FAILED until it is rebooked or the buyer keeps the item.
 */
export const SaleOrderMachine = defineMachine<SaleOrderState, SaleOrder>({
  name: 'SaleOrder',
  entity: SaleOrder,
  states: SALE_ORDER_STATES,
  initial: ['PENDING_PAYMENT'],
  // A delivered order is the buyer's; a return is theirs to ask for within the window.
  terminal: ['DELIVERED', 'RETURNED', 'CANCELLED', 'LOST'],
  timeouts: {
    PENDING_PAYMENT: {
      afterMs: minutes(15) + minutes(5),
      followUp: 'expire',
      why: 'the checkout reservation (its own timer expires it; this catches a lost timer)',
      setting: 'RESALE_RESERVATION_MINUTES',
    },
    PAID: escalateAfter(days(3), 'merchants ship within two days of payment; the buyer has paid'),
    SHIPPED: escalateAfter(
      days(14),
      'no delivery proof in two weeks: ask the buyer, or declare the parcel lost',
    ),
    RETURN_REQUESTED: escalateAfter(
      days(14),
      'the buyer waits for the refund while the return is picked up and re-inspected',
    ),
    RETURN_PICKUP_FAILED: escalateAfter(
      days(3),
      'a support case opens on entry; three days later it is escalated again',
    ),
  },
  transitions: [
    s('pay', ['PENDING_PAYMENT'], 'PAID', ['system']),
    s('cancel', ['PENDING_PAYMENT', 'PAID'], 'CANCELLED', ['customer', 'admin']),
    s('expire', ['PENDING_PAYMENT'], 'CANCELLED', ['system']),
    // The platform withdraws the item (issue 17: its erasure certificate was revoked).
    s('cancel-by-platform', ['PENDING_PAYMENT'], 'CANCELLED', ['system', 'admin']),
    s('ship', ['PAID'], 'SHIPPED', ['merchant', 'admin']),
    s('request-delivery-confirmation', ['SHIPPED'], 'SHIPPED', ['merchant', 'admin']),
    // A car is not sold until its ownership is transferred (issue [vehicles]), read from the
    // vehicles stage's read model inside this transition's transaction.
    s(
      'confirm-delivery',
      ['SHIPPED'],
      'DELIVERED',
      ['customer', 'system'],
      async ({ entity, manager }) =>
        (await vehicleFacts().transferStatus(entity.id, [entity.itemId], manager)).done
          ? undefined
          : 'a car is handed over only once its ownership-transfer task is DONE',
    ),
    s('declare-lost', ['SHIPPED'], 'LOST', ['system', 'support', 'admin']),
    s('request-return', ['DELIVERED'], 'RETURN_REQUESTED', ['customer'], ({ entity }) =>
      entity.deliveredAt &&
      Date.now() > returnDeadline(entity.deliveredAt, entity.returnWindowDays).getTime()
        ? `the ${entity.returnWindowDays}-day return window closed on ${returnDeadline(entity.deliveredAt, entity.returnWindowDays).toISOString()}`
        : undefined,
    ),
    s('fail-return-pickup', ['RETURN_REQUESTED'], 'RETURN_PICKUP_FAILED', ['system']),
    s('rebook-return', ['RETURN_PICKUP_FAILED'], 'RETURN_REQUESTED', [
      'customer',
      'support',
      'admin',
    ]),
    s('withdraw-return', ['RETURN_PICKUP_FAILED'], 'DELIVERED', ['customer', 'support', 'admin']),
    s('complete-return', ['RETURN_REQUESTED'], 'RETURNED', ['system', 'admin']),
  ],
  canAccess: SaleOrderAccess.canSee,
  itemIds: (o) => [o.itemId],
});
