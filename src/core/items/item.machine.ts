import type { EntityManager } from 'typeorm';
import { defineAccessPolicy } from '../access/access-policy.js';
import {
  type CustodyDecision,
  days,
  defineMachine,
  escalateAfter,
  transitionRows,
} from '../state-machine/machine.js';
import { Item } from './item.entity.js';

/** Its owner, and whoever holds it now (a person, or staff of the holding organisation). */
export const ItemAccess = defineAccessPolicy<Item>({
  name: 'Item',
  entity: Item,
  rules: {
    any: [{ ownerId: 'userId' }, { custodianId: 'userId' }, { custodianId: 'organisationId' }],
  },
});

export const ITEM_STATES = [
  'DECLARED', // described on a trade-in, still with its owner
  'IN_TRANSIT', // collected by a courier or dropped at a store, on its way to a warehouse
  'RECEIVED', // in a warehouse: erasure and inspection happen here
  'IN_REFURBISHMENT',
  'AVAILABLE', // premium or refurbished, ready for a merchant
  'ALLOCATED', // in a merchant's inventory
  'LISTED',
  'SOLD',
  'RETURN_IN_TRANSIT', // a buyer's return on its way back
  'LOST', // lost in transit to the buyer: written off (the buyer was refunded)
  'AWAITING_RECYCLING', // scrap, waiting for a recycling lot
  'RECYCLED',
  'DESTROYED',
  'RETURNING_TO_OWNER',
  'RETURNED_TO_OWNER',
  'CANCELLED',
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/** The erasure gate (issue [erasure]): nothing that still holds someone's data leaves for sale. */
const erasureGate = ({ entity }: { entity: Item }) =>
  entity.erasureStatus === 'pending' || entity.erasureStatus === 'destroyed'
    ? `item ${entity.traceCode} has no erasure certificate for every storage medium`
    : undefined;

/**
 * Who may hold an item whose storage media are not certified yet (issue 17 point 4): the
 * operator's own warehouses, and the couriers and drop-off stores that bring it there or take it
 * back to its owner. Everyone else is a third party.
 */
const OPERATOR_SIDE = new Set(['warehouse', 'courier', 'store']);
const ORGANISATION_CUSTODIANS = new Set(['partner', 'recycler', 'merchant', 'warehouse', 'store']);

/**
 * The custody guard: the ONE place that decides whether an item may pass to a new custodian.
 * Nothing that may still hold someone's data (erasureStatus 'pending') passes outside the
 * operator's warehouses, except back to its owner or to an organisation an admin registered as
 * a certified erasure provider (then the hand-off records that the wipe is theirs). A medium
 * physically destroyed with a certificate makes the item 'destroyed', which passes.
 * Run by TransitionService for every ItemMachine transition that names a custodian, and by
 * ItemsService.setCustodian for hand-offs that keep the item's state.
 */
export async function itemCustodyGuard(
  manager: EntityManager,
  item: Item,
  to: { kind: string; id: string | null },
): Promise<CustodyDecision> {
  if (item.custodianKind === to.kind && item.custodianId === to.id) return {};
  if (item.erasureStatus !== 'pending') return {};
  if (OPERATOR_SIDE.has(to.kind)) return {};
  if (to.kind === 'owner' && to.id !== null && to.id === item.ownerId) return {};
  const holds = `item ${item.traceCode} still has a storage medium without an erasure certificate`;
  if (ORGANISATION_CUSTODIANS.has(to.kind) && to.id) {
    const [org] = await manager.query<
      Array<{ name: string; certified_erasure_provider: boolean; erasure_certification: string }>
    >(
      'SELECT name, certified_erasure_provider, erasure_certification FROM organisations WHERE id = $1',
      [to.id],
    );
    if (org?.certified_erasure_provider) {
      return {
        data: {
          erasureBy: {
            organisationId: to.id,
            name: org.name,
            certification: org.erasure_certification,
            note: `the wipe of the uncertified media is done by ${org.name}, a certified erasure provider`,
          },
        },
      };
    }
    return {
      refusal: `${holds}: it may not pass to the ${to.kind} ${org?.name ?? to.id}, which is not a certified erasure provider (wipe it with a certificate, or destroy the medium, first)`,
    };
  }
  return {
    refusal: `${holds}: it may not pass to ${to.kind === 'owner' ? 'anyone but its owner' : `a ${to.kind}`} (wipe it with a certificate, or destroy the medium, first)`,
  };
}

// The platform and admins may take every step (after the roles each row names).
const t = transitionRows<ItemState, Item>(['system', 'admin']);

/**
 * The item's journey (spec §3). Stage modules move the item as part of their own transitions,
 * in the same database transaction, so an item's state and its stage entities never disagree.
 */
export const ItemMachine = defineMachine<ItemState, Item>({
  name: 'Item',
  entity: Item,
  states: ITEM_STATES,
  initial: ['DECLARED', 'RECEIVED', 'AVAILABLE'],
  // Sold items are the buyer's to keep; the rest ended their journey with the platform.
  terminal: ['SOLD', 'LOST', 'RECYCLED', 'DESTROYED', 'RETURNED_TO_OWNER', 'CANCELLED'],
  timeouts: {
    IN_TRANSIT: escalateAfter(
      days(7),
      'a parcel that has not reached a warehouse in a week is lost or misrouted',
    ),
    RETURN_IN_TRANSIT: escalateAfter(
      days(7),
      'a buyer’s return not back in a week holds the buyer’s refund',
    ),
    RECEIVED: escalateAfter(
      days(14),
      'two weeks in a warehouse without being wiped, graded and routed is work forgotten',
    ),
    RETURNING_TO_OWNER: escalateAfter(
      days(14),
      'the owner is waiting for their item; two weeks means the return shipment is stuck',
    ),
  },
  transitions: [
    t('collect', ['DECLARED'], 'IN_TRANSIT', ['courier', 'warehouse']),
    t('receive', ['IN_TRANSIT', 'RETURN_IN_TRANSIT'], 'RECEIVED', ['warehouse']),
    t('send-to-refurbishment', ['RECEIVED'], 'IN_REFURBISHMENT', ['warehouse']),
    t('make-available', ['RECEIVED', 'IN_REFURBISHMENT'], 'AVAILABLE', ['warehouse', 'technician']),
    t('scrap', ['RECEIVED', 'IN_REFURBISHMENT', 'AVAILABLE'], 'AWAITING_RECYCLING', [
      'warehouse',
      'technician',
    ]),
    t('recycle', ['AWAITING_RECYCLING'], 'RECYCLED', ['warehouse']),
    t('destroy', ['RECEIVED', 'AWAITING_RECYCLING'], 'DESTROYED', ['warehouse']),
    t('allocate', ['AVAILABLE'], 'ALLOCATED', ['merchant'], erasureGate),
    t('release', ['ALLOCATED'], 'AVAILABLE', ['merchant']),
    t('list', ['ALLOCATED'], 'LISTED', ['merchant'], erasureGate),
    t('unlist', ['LISTED'], 'ALLOCATED', ['merchant']),
    t('sell', ['LISTED'], 'SOLD', ['merchant', 'customer'], erasureGate),
    t('return-by-buyer', ['SOLD'], 'RETURN_IN_TRANSIT', ['customer']),
    // A paid sale cancelled before shipping: the item is on its listing again.
    t('unsell', ['SOLD'], 'LISTED', []),
    // The buyer keeps the item after its return pickup failed for good.
    t('keep-by-buyer', ['RETURN_IN_TRANSIT'], 'SOLD', ['customer', 'support']),
    t('write-off', ['SOLD'], 'LOST', ['support']),
    t('return-to-owner', ['RECEIVED', 'IN_TRANSIT'], 'RETURNING_TO_OWNER', ['warehouse']),
    // The courier at the owner's door, or the store's staff over the counter.
    t('hand-back', ['RETURNING_TO_OWNER'], 'RETURNED_TO_OWNER', ['courier', 'warehouse']),
    t('cancel', ['DECLARED'], 'CANCELLED', ['customer']),
  ],
  canAccess: ItemAccess.canSee,
  itemIds: (item: Item) => [item.id],
  custody: ({ entity, manager, to }) => itemCustodyGuard(manager, entity, to),
});
