import { defineAccessPolicy } from '../access/access-policy.js';
import { Item } from './item.entity.js';

/**
 * Ownership of an item as data (issue 18, spec §2): `item_ownerships` holds one row per period
 * an owner held title — the seller, the platform once it paid out, the buyer from delivery, the
 * platform again after a completed return. A period is bounded by the item's history sequence
 * numbers, both ends inclusive (the transfer event belongs to the owner before and the owner
 * after), so "what may this party read of the item's history" is one predicate.
 */
export type OwnerRef = { kind: 'user'; id: string } | { kind: 'platform'; id: null };

export const PLATFORM_OWNER: OwnerRef = Object.freeze({ kind: 'platform', id: null });

export interface OwnershipPeriod {
  ownerKind: 'user' | 'platform' | 'organisation';
  ownerId: string | null;
  fromSeq: number;
  toSeq: number | null;
  fromAt: Date;
  toAt: Date | null;
  cause: string;
}

/**
 * SQL: the event `e` (an item_events row) falls in one of the periods the user `param` owned
 * the item. Items without any period (rows made before periods existed, outside
 * ItemsService.register) fall back to their current owner.
 */
export function eventOwnedBySql(e: string, param: string): string {
  return `(EXISTS (SELECT 1 FROM item_ownerships io
             WHERE io.item_id = ${e}.item_id AND io.owner_kind = 'user' AND io.owner_id = ${param}
               AND ${e}.seq >= io.from_seq AND (io.to_seq IS NULL OR ${e}.seq <= io.to_seq))
          OR (NOT EXISTS (SELECT 1 FROM item_ownerships io WHERE io.item_id = ${e}.item_id)
              AND EXISTS (SELECT 1 FROM items ii WHERE ii.id = ${e}.item_id AND ii.owner_id = ${param})))`;
}

/** An `item_ownerships` row (read with raw SQL: its properties are its columns). */
interface OwnershipRow {
  item_id: string;
  owner_kind: 'user' | 'platform' | 'organisation';
  owner_id: string | null;
}

/** A period of ownership is its owner's (a person's; the platform's periods are staff's). */
export const ItemOwnershipAccess = defineAccessPolicy<OwnershipRow>({
  name: 'Ownership period',
  table: 'item_ownerships',
  rules: { any: [{ owner_kind: { is: 'user' }, owner_id: 'userId' }] },
});

/**
 * An item's history (issue 18 point 1): its current owner and every past owner — an ownership
 * period that was theirs (a related-row rule on `item_ownerships`); admin, support and the
 * system all. Which of the events each may read is narrower (their own periods, `eventOwnedBySql`:
 * a range of sequence numbers, not a rule of equal columns). The timeline, the custody chain and
 * the customer's own cases use it; the current owner's clause comes first (the access matrix
 * makes its fixture with it).
 */
export const ItemHistoryAccess = defineAccessPolicy<Item>({
  name: 'Item history',
  entity: Item,
  rules: {
    any: [
      { ownerId: 'userId' },
      { follows: { policy: ItemOwnershipAccess, by: 'id', to: 'item_id' } },
    ],
  },
});
