import type { EventRow } from '../data/event-row.js';

/** Custodians that are organisations (the others are people: owner, courier, buyer). */
export const ORGANISATION_CUSTODIANS = new Set([
  'warehouse',
  'store',
  'partner',
  'merchant',
  'recycler',
]);

export interface CustodySpell {
  kind: string;
  id: string | null;
  since: Date;
  until: Date | null;
  /** The event that handed the item over. */
  eventType: string;
  seq: number;
}

/**
 * The custody chain from an item's events (in order): a new spell whenever an event names a
 * custodian different from the current one; events without a custodian leave it unchanged.
 */
export function custodyChain(events: readonly EventRow[]): CustodySpell[] {
  const chain: CustodySpell[] = [];
  for (const e of events) {
    if (!e.custodian_kind) continue;
    const current = chain[chain.length - 1];
    if (current && current.kind === e.custodian_kind && current.id === e.custodian_id) continue;
    if (current) current.until = e.at;
    chain.push({
      kind: e.custodian_kind,
      id: e.custodian_id,
      since: e.at,
      until: null,
      eventType: e.type,
      seq: e.seq,
    });
  }
  return chain;
}
