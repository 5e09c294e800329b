import type { EntityManager } from 'typeorm';

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
