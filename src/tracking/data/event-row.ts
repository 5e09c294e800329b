import type { StoredEvent } from '../../core/history/history.service.js';

/** An item_events row as tracking reads it (snake_case straight from SQL, without the hashes). */
export type EventRow = Omit<StoredEvent, 'prev_hash' | 'hash'>;

export const EVENT_COLUMNS = `e.item_id, e.seq, e.at, e.type, e.entity, e.entity_id, e.from_state,
  e.to_state, e.actor_role, e.actor_id, e.organisation_id, e.custodian_kind, e.custodian_id,
  e.place, e.data`;
