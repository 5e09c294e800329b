import type { Actor } from '../../core/actor.js';
import { defineAccessPolicy } from '../../core/access/access-policy.js';
import {
  days,
  defineMachine,
  escalateAfter,
  ESCALATE,
  hours,
  selfLoops,
  transitionRows,
  type TransitionDef,
} from '../../core/state-machine/machine.js';
import { TradeInItem, TradeInOrder } from '../data/trade-in.entities.js';
import { orderIsHeld, orderItemIds } from '../data/trade-in-order.repository.js';

/** The customer who traded in, and the staff of the store it was handed in at. */
export const TradeInOrderAccess = defineAccessPolicy<TradeInOrder>({
  name: 'Trade-in',
  entity: TradeInOrder,
  rules: {
    any: [{ customerId: 'userId' }],
    warehouse: [{ storeOrganisationId: 'organisationId' }],
  },
});

/** A trade-in line: its customer (store staff reach it through the order). */
export const TradeInItemAccess = defineAccessPolicy<TradeInItem>({
  name: 'Trade-in item',
  entity: TradeInItem,
  rules: { any: [{ customerId: 'userId' }] },
});

export const TRADE_IN_ORDER_STATES = [
  'QUOTING',
  'QUOTED',
  'ACCEPTED',
  'IN_TRANSIT',
  'INSPECTING',
  'OFFER_PENDING',
  'COMPLETED',
  'RETURNING',
  'RETURNED',
  'CANCELLED',
  'EXPIRED',
] as const;
export type TradeInOrderState = (typeof TRADE_IN_ORDER_STATES)[number];

const notHeld = ({ entity }: { entity: TradeInOrder }) =>
  entity.held ? 'the order is held for review' : undefined;

const quoteValid = ({ entity }: { entity: TradeInOrder }) =>
  entity.quoteValidUntil && entity.quoteValidUntil.getTime() <= Date.now()
    ? 'the quote has expired'
    : notHeld({ entity });

const isStoreStaff = ({ entity, actor }: { entity: TradeInOrder; actor: Actor }) =>
  entity.channel !== 'store'
    ? 'the order is not a store drop-off'
    : actor.role === 'warehouse' && actor.organisationId !== entity.storeOrganisationId
      ? 'the items are to be dropped off at another store'
      : undefined;

/** Orders still under way: a fraud signal or a grading result may hold them for review. */
export const LIVE_ORDER_STATES: TradeInOrderState[] = [
  'QUOTING',
  'QUOTED',
  'ACCEPTED',
  'IN_TRANSIT',
  'INSPECTING',
  'OFFER_PENDING',
];

const o = transitionRows<TradeInOrderState, TradeInOrder>();

/**
 * TradeInOrder (spec §3). The owner accepts or cancels; the platform moves it on from the
 * quote, the shipment, receiving and the per-item offers. Support reads, never acts.
 */
export const TradeInOrderMachine = defineMachine<TradeInOrderState, TradeInOrder>({
  name: 'TradeInOrder',
  entity: TradeInOrder,
  states: TRADE_IN_ORDER_STATES,
  initial: ['QUOTING'],
  terminal: ['COMPLETED', 'RETURNED', 'CANCELLED', 'EXPIRED'],
  timeouts: {
    QUOTING: escalateAfter(
      hours(1),
      'valuation answers in seconds; an hour without a quote means the job is stuck',
    ),
    QUOTED: {
      afterMs: days(7) + hours(1),
      followUp: 'expire',
      why: 'the quote’s validity (its own timer expires it; this catches a lost timer)',
      setting: 'TRADE_IN_QUOTE_VALIDITY_DAYS',
    },
    ACCEPTED: escalateAfter(
      days(7),
      'pickups are promised within a day or two; a week uncollected needs a person',
    ),
    IN_TRANSIT: escalateAfter(
      days(7),
      'collected items not all received in a week are lost or misrouted',
    ),
    INSPECTING: escalateAfter(
      days(14),
      'the owner is waiting for the final offer; two weeks of inspection is work forgotten',
    ),
    OFFER_PENDING: {
      afterMs: days(8),
      followUp: ESCALATE,
      why: 'each item’s offer expires on its own; an order still waiting a day later is stuck',
      setting: 'TRADE_IN_OFFER_VALIDITY_DAYS',
    },
    RETURNING: escalateAfter(
      days(14),
      'the owner is waiting for their items; two weeks means the return is stuck',
    ),
  },
  transitions: [
    o('quote', ['QUOTING'], 'QUOTED', ['system']),
    o('accept', ['QUOTED'], 'ACCEPTED', ['customer', 'admin'], quoteValid),
    o('cancel', ['QUOTED', 'ACCEPTED'], 'CANCELLED', ['customer', 'admin', 'system']),
    o('expire', ['QUOTED'], 'EXPIRED', ['system']),
    o('drop-off', ['ACCEPTED'], 'IN_TRANSIT', ['warehouse', 'admin'], isStoreStaff),
    o('collect', ['ACCEPTED'], 'IN_TRANSIT', ['system']),
    o('start-inspection', ['IN_TRANSIT'], 'INSPECTING', ['system']),
    o('await-owner', ['INSPECTING'], 'OFFER_PENDING', ['system']),
    o('complete', ['INSPECTING', 'OFFER_PENDING'], 'COMPLETED', ['system']),
    o('start-return', ['INSPECTING', 'OFFER_PENDING'], 'RETURNING', ['system']),
    o('finish-return', ['RETURNING'], 'RETURNED', ['system']),
    // The review hold is a flag, not a state (self-loops, patch `held`/`holdReasons`): set by
    // the platform on a live order (one more reason is one more hold), released by an admin or
    // a lead (the service checks which lead) in whatever state the order has reached since.
    ...selfLoops<TradeInOrderState, TradeInOrder>('hold', LIVE_ORDER_STATES, ['system']),
    ...selfLoops<TradeInOrderState, TradeInOrder>(
      'release-hold',
      TRADE_IN_ORDER_STATES,
      ['warehouse', 'admin'],
      ({ entity }) => (entity.held ? undefined : 'the order is not held'),
    ),
  ],
  canAccess: TradeInOrderAccess.canSee,
  itemIds: (order, manager) => orderItemIds(manager, order.id),
});

export const TRADE_IN_ITEM_STATES = [
  'AWAITING_INSPECTION',
  'SECOND_GRADING',
  'OFFER_PENDING',
  'ACCEPTED',
  'RETURNING',
  'RETURNED',
  'CANCELLED',
] as const;
export type TradeInItemState = (typeof TRADE_IN_ITEM_STATES)[number];
/** The item's offer is settled: the platform keeps it (ACCEPTED) or it goes back. */
export const SETTLED_ITEM_STATES: readonly TradeInItemState[] = [
  'ACCEPTED',
  'RETURNING',
  'RETURNED',
];

const orderNotHeld: TransitionDef<TradeInItemState, TradeInItem>['guard'] = async ({
  entity,
  manager,
}) => ((await orderIsHeld(manager, entity.orderId)) ? 'the order is held for review' : undefined);

/** An item that is or may still be paid for: a freeze or a mileage hold stops its payout. */
export const PAYABLE_ITEM_STATES: TradeInItemState[] = [
  'AWAITING_INSPECTION',
  'SECOND_GRADING',
  'OFFER_PENDING',
  'ACCEPTED',
];

const i = transitionRows<TradeInItemState, TradeInItem>();

/** One item's final offer: confirmed at once, or pending the owner's accept / reject. */
export const TradeInItemMachine = defineMachine<TradeInItemState, TradeInItem>({
  name: 'TradeInItem',
  entity: TradeInItem,
  states: TRADE_IN_ITEM_STATES,
  initial: ['AWAITING_INSPECTION'],
  terminal: ['ACCEPTED', 'RETURNED', 'CANCELLED'],
  timeouts: {
    AWAITING_INSPECTION: escalateAfter(
      days(21),
      'collection, receiving and inspection take days, not three weeks',
    ),
    SECOND_GRADING: escalateAfter(
      days(3),
      'a second grader of the warehouse confirms within a working day or two',
    ),
    OFFER_PENDING: {
      afterMs: days(7),
      followUp: 'expire-offer',
      why: 'an owner who does not answer the final offer gets the item back free (Back Market’s rule)',
      setting: 'TRADE_IN_OFFER_VALIDITY_DAYS',
    },
    RETURNING: escalateAfter(
      days(14),
      'the owner is waiting for the item; two weeks means the return is stuck',
    ),
  },
  transitions: [
    i('request-second-grading', ['AWAITING_INSPECTION'], 'SECOND_GRADING', ['system']),
    i('confirm-offer', ['AWAITING_INSPECTION', 'SECOND_GRADING'], 'ACCEPTED', ['system']),
    i('propose-offer', ['AWAITING_INSPECTION', 'SECOND_GRADING'], 'OFFER_PENDING', ['system']),
    i('accept-offer', ['OFFER_PENDING'], 'ACCEPTED', ['customer', 'admin'], orderNotHeld),
    i('reject-offer', ['OFFER_PENDING'], 'RETURNING', ['customer', 'admin'], orderNotHeld),
    // The offer's timeout: unanswered, the item goes back to its owner free.
    i('expire-offer', ['OFFER_PENDING'], 'RETURNING', ['system'], orderNotHeld),
    i('mark-returned', ['RETURNING'], 'RETURNED', ['system']),
    // A store drop-off comes back to the store; its staff hand it over the counter.
    i('hand-back', ['RETURNING'], 'RETURNED', ['warehouse', 'admin'], ({ entity }) =>
      entity.atStoreSince ? undefined : 'the item is not back at the store yet',
    ),
    i('cancel', ['AWAITING_INSPECTION'], 'CANCELLED', ['system', 'customer', 'admin']),
    // Payout flags (self-loops, patch only): a receiving exception freezes the payout until an
    // admin unfreezes it; a car's flagged mileage holds it until an admin or a lead releases it.
    // Set while the item may still be paid for; cleared in any state the item has reached since.
    ...selfLoops<TradeInItemState, TradeInItem>(
      'freeze-payout',
      PAYABLE_ITEM_STATES,
      ['system'],
      ({ entity }) => (entity.payoutFrozen ? 'the payout is already frozen' : undefined),
    ),
    ...selfLoops<TradeInItemState, TradeInItem>(
      'unfreeze-payout',
      TRADE_IN_ITEM_STATES,
      ['admin'],
      ({ entity }) => (entity.payoutFrozen ? undefined : 'the payout is not frozen'),
    ),
    ...selfLoops<TradeInItemState, TradeInItem>(
      'hold-payout',
      PAYABLE_ITEM_STATES,
      ['system'],
      ({ entity }) =>
        entity.mileageHold || entity.mileageDecision
          ? 'the car’s mileage was already held or decided'
          : undefined,
    ),
    ...selfLoops<TradeInItemState, TradeInItem>(
      'release-mileage-hold',
      TRADE_IN_ITEM_STATES,
      ['warehouse', 'admin'],
      ({ entity }) =>
        entity.mileageHold ? undefined : 'the payout is not held for the car’s mileage',
    ),
  ],
  canAccess: TradeInItemAccess.canSee,
  itemIds: (item) => [item.itemId],
});
