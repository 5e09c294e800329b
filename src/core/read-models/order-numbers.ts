import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The ids of a stage's orders whose id starts with `prefix`, read through `db` (at most `limit`). */
export type OrderLookup = (db: EntityManager, prefix: string, limit: number) => Promise<string[]>;

/**
 * An order's number is the start of its id, as the console prints it (eight characters). Support
 * search finds the items of an order by that number; each stage with orders registers how to
 * look its own up (in `onModuleInit`), so search never reads another stage's tables.
 */
@Injectable()
export class OrderNumbers {
  private readonly lookups = new Map<string, OrderLookup>();

  register(kind: string, lookup: OrderLookup): void {
    if (this.lookups.has(kind)) throw new Error(`order numbers of ${kind} registered twice`);
    this.lookups.set(kind, lookup);
  }

  /** The ids of every kind of order whose number starts with `prefix`. */
  async find(db: EntityManager, prefix: string, limit: number): Promise<string[]> {
    const found = await Promise.all([...this.lookups.values()].map((l) => l(db, prefix, limit)));
    return found.flat();
  }
}

/** The lookup of a table whose uuid `id` is the order's number (every order table today). */
export function orderNumbersOf(table: string): OrderLookup {
  return async (db, prefix, limit) =>
    (
      await db.query<Array<{ id: string }>>(
        `SELECT id FROM ${table} WHERE id::text LIKE $1 || '%' LIMIT $2`,
        [prefix, limit],
      )
    ).map((r) => r.id);
}
