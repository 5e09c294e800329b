import { defineAccessPolicy } from '../../core/access/access-policy.js';
import {
  days,
  defineMachine,
  ESCALATE,
  minutes,
  type GuardContext,
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
    RESERVED: {
      afterMs: days(1),
      followUp: ESCALATE,
      why: 'a checkout lasts minutes and its order expires it; a day reserved is stuck',
    },
  },
  transitions: [
    { action: 'edit', from: ['DRAFT'], to: 'DRAFT', roles: ['merchant', 'admin'] },
    { action: 'edit', from: ['PUBLISHED'], to: 'PUBLISHED', roles: ['merchant', 'admin'] },
    {
      action: 'publish',
      from: ['DRAFT'],
      to: 'PUBLISHED',
      roles: ['merchant', 'admin'],
      guard: stillHeldByMerchant,
    },
    { action: 'reserve', from: ['PUBLISHED'], to: 'RESERVED', roles: ['customer'] },
    {
      action: 'release-reservation',
      from: ['RESERVED'],
      to: 'PUBLISHED',
      roles: ['system', 'customer', 'admin'],
    },
    { action: 'sell', from: ['RESERVED'], to: 'SOLD', roles: ['system', 'admin'] },
    // A paid order cancelled before shipping (refunded): the listing is for sale again.
    { action: 'reopen', from: ['SOLD'], to: 'PUBLISHED', roles: ['system', 'admin'] },
    {
      action: 'withdraw',
      from: ['DRAFT', 'PUBLISHED'],
      to: 'WITHDRAWN',
      // system: the item lost its erasure certificate (issue 17, WithdrawUncertifiedItem).
      roles: ['merchant', 'admin', 'system'],
    },
  ],
  canAccess: ListingAccess.canSee,
  itemIds: (l) => [l.itemId],
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
    PAID: {
      afterMs: days(3),
      followUp: ESCALATE,
      why: 'merchants ship within two days of payment; the buyer has paid',
    },
    SHIPPED: {
      afterMs: days(14),
      followUp: ESCALATE,
      why: 'no delivery proof in two weeks: ask the buyer, or declare the parcel lost',
    },
    RETURN_REQUESTED: {
      afterMs: days(14),
      followUp: ESCALATE,
      why: 'the buyer waits for the refund while the return is picked up and re-inspected',
    },
    RETURN_PICKUP_FAILED: {
      afterMs: days(3),
      followUp: ESCALATE,
      why: 'a support case opens on entry; three days later it is escalated again',
    },
  },
  transitions: [
    { action: 'pay', from: ['PENDING_PAYMENT'], to: 'PAID', roles: ['system'] },
    {
      action: 'cancel',
      from: ['PENDING_PAYMENT', 'PAID'],
      to: 'CANCELLED',
      roles: ['customer', 'admin'],
    },
    { action: 'expire', from: ['PENDING_PAYMENT'], to: 'CANCELLED', roles: ['system'] },
    // The platform withdraws the item (issue 17: its erasure certificate was revoked).
    {
      action: 'cancel-by-platform',
      from: ['PENDING_PAYMENT'],
      to: 'CANCELLED',
      roles: ['system', 'admin'],
    },
    { action: 'ship', from: ['PAID'], to: 'SHIPPED', roles: ['merchant', 'admin'] },
    {
      action: 'request-delivery-confirmation',
      from: ['SHIPPED'],
      to: 'SHIPPED',
      roles: ['merchant', 'admin'],
    },
    {
      action: 'confirm-delivery',
      from: ['SHIPPED'],
      to: 'DELIVERED',
      roles: ['customer', 'system'],
      // A car is not sold until its ownership is transferred (issue [vehicles]), read from the
      // vehicles stage's read model inside this transition's transaction.
      guard: async ({ entity, manager }) =>
        (await vehicleFacts().transferStatus(entity.id, [entity.itemId], manager)).done
          ? undefined
          : 'a car is handed over only once its ownership-transfer task is DONE',
    },
    {
      action: 'declare-lost',
      from: ['SHIPPED'],
      to: 'LOST',
      roles: ['system', 'support', 'admin'],
    },
    {
      action: 'request-return',
      from: ['DELIVERED'],
      to: 'RETURN_REQUESTED',
      roles: ['customer'],
      guard: ({ entity }) =>
        entity.deliveredAt &&
        Date.now() > returnDeadline(entity.deliveredAt, entity.returnWindowDays).getTime()
          ? `the ${entity.returnWindowDays}-day return window closed on ${returnDeadline(entity.deliveredAt, entity.returnWindowDays).toISOString()}`
          : undefined,
    },
    {
      action: 'fail-return-pickup',
      from: ['RETURN_REQUESTED'],
      to: 'RETURN_PICKUP_FAILED',
      roles: ['system'],
    },
    {
      action: 'rebook-return',
      from: ['RETURN_PICKUP_FAILED'],
      to: 'RETURN_REQUESTED',
      roles: ['customer', 'support', 'admin'],
    },
    {
      action: 'withdraw-return',
      from: ['RETURN_PICKUP_FAILED'],
      to: 'DELIVERED',
      roles: ['customer', 'support', 'admin'],
    },
    {
      action: 'complete-return',
      from: ['RETURN_REQUESTED'],
      to: 'RETURNED',
      roles: ['system', 'admin'],
    },
  ],
  canAccess: SaleOrderAccess.canSee,
  itemIds: (o) => [o.itemId],
});
