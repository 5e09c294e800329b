import { In, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { findRowById, rowCodec } from './state-machine/row-codec.js';

/**
 * Runs raw SQL and returns rows and affected count whatever the command: TypeORM returns
 * `[rows, count]` for UPDATE/DELETE and plain rows for everything else.
 */
export async function execute<T = Record<string, unknown>>(
  manager: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<{ rows: T[]; affected: number }> {
  const raw = await manager.query<unknown>(text, params);
  if (
    Array.isArray(raw) &&
    raw.length === 2 &&
    Array.isArray(raw[0]) &&
    typeof raw[1] === 'number'
  ) {
    return { rows: raw[0] as T[], affected: raw[1] };
  }
  const rows = (raw ?? []) as T[];
  return { rows, affected: rows.length };
}

/**
 * `findOne({ where: { id } })` in plain SQL through the driver (issue 27 point 2): the same
 * entity, hydrated by the driver from the entity's metadata, without the query builder's cost.
 * Entities the codec does not cover go through the ORM as before.
 */
export async function findById<E extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<E>,
  id: string,
): Promise<E | null> {
  const codec = rowCodec(manager, target);
  if (!codec) return manager.getRepository(target).findOne({ where: { id } as never });
  return findRowById(manager, codec, id);
}

/** `find({ where: { id: In(ids) } })` in plain SQL, as `findById` (no order promised). */
export async function findByIds<E extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<E>,
  ids: readonly string[],
): Promise<E[]> {
  const codec = rowCodec(manager, target);
  if (!codec) return manager.getRepository(target).find({ where: { id: In([...ids]) } as never });
  if (ids.length === 0) return [];
  const rows = await manager.query<Array<Record<string, unknown>>>(
    `SELECT ${codec.selectList} FROM ${codec.table} WHERE "id" = ANY($1::uuid[])`,
    [[...ids]],
  );
  return rows.map((r) => codec.fromRow(manager, r));
}
