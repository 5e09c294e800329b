import type { Actor } from '../actor.js';
import { seesEverything } from '../actor.js';
import { defineMachine, type TransitionDef } from '../state-machine/machine.js';
import { Item } from './item.entity.js';

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

const ops = ['system', 'admin'] as const;
const t = (
  action: string,
  from: ItemState[],
  to: ItemState,
  roles: Actor['role'][],
  guard?: TransitionDef<ItemState, Item>['guard'],
): TransitionDef<ItemState, Item> => ({ action, from, to, roles: [...roles, ...ops], guard });

/**
 * The item's journey (spec §3). Stage modules move the item as part of their own transitions,
 * in the same database transaction, so an item's state and its stage entities never disagree.
 */
export const ItemMachine = defineMachine<ItemState, Item>({
  name: 'Item',
  entity: Item,
  states: ITEM_STATES,
  initial: ['DECLARED', 'RECEIVED', 'AVAILABLE'],
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
    t('hand-back', ['RETURNING_TO_OWNER'], 'RETURNED_TO_OWNER', ['courier']),
    t('cancel', ['DECLARED'], 'CANCELLED', ['customer']),
  ],
  canAccess: (item: Item, actor: Actor) =>
    seesEverything(actor) ||
    (actor.userId !== null &&
      (item.ownerId === actor.userId || item.custodianId === actor.userId)) ||
    (actor.organisationId !== null && item.custodianId === actor.organisationId),
  itemIds: (item: Item) => [item.id],
});
