import { LRUCache } from 'lru-cache';

/**
 * How long a process trusts reference data it has read. The process that changes a row forgets
 * it at once; other processes (another API instance, `npm run config:apply`) see the change
 * within this time.
 */
export const REFERENCE_TTL_MS = 2_000;

/**
 * Reference data (categories, product models, service areas, drop-off stores) is read on every
 * quote and trade-in but changed by admins a few times a day: each read is a round trip, the
 * API's largest cost per request. A found row and a missing one (null) are both kept, for
 * REFERENCE_TTL_MS, and frozen so that no caller can change what the next request reads.
 */
export class ReferenceCache<V extends object | null> {
  private readonly entries: LRUCache<string, { value: V }>;

  constructor(max = 5_000) {
    this.entries = new LRUCache({ max, ttl: REFERENCE_TTL_MS });
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) return hit.value;
    const value = await load();
    if (value !== null) Object.freeze(value);
    this.entries.set(key, { value });
    return value;
  }

  /** After a write that changed this row (or, without a key, any row). */
  forget(key?: string): void {
    if (key === undefined) this.entries.clear();
    else this.entries.delete(key);
  }
}
