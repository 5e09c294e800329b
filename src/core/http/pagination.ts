import { IntField, TextField } from './field.decorators.js';
import { BadRequestException } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** `limit` and an opaque keyset `cursor` (spec §5); lists add their own filters. */
export class PageQuery {
  @IntField({ min: 1, max: 200, optional: true, coerce: true, default: 50 }) limit?: number;

  @TextField({
    maxLength: 200,
    optional: true,
    description: 'Opaque cursor from the previous page',
  })
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset cursor over (created_at, id): stable and fast on deep pages. */
export interface KeysetCursor {
  at: string;
  id: string;
}

export function encodeCursor(c: KeysetCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): KeysetCursor | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at)))
      throw new Error();
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error();
    return { at, id };
  } catch {
    throw new BadRequestException(
      'cursor is not valid: pass back nextCursor from the previous page',
    );
  }
}

/**
 * Builds the page from rows fetched with `limit + 1`, ordered newest first by (created_at, id),
 * or by another timestamp given as `keyOf` (the query must order and filter by the same one).
 */
export function toPage<R extends { id: string }, T>(
  rows: R[],
  limit: number,
  view: (r: R) => T,
  keyOf: (r: R) => Date = (r) => (r as R & { createdAt: Date }).createdAt,
): Page<T> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(view),
    nextCursor: more && last ? encodeCursor({ at: keyOf(last).toISOString(), id: last.id }) : null,
  };
}

/**
 * One keyset page of a query's entities, the one list query of every stage: the rows past the
 * cursor, ordered by (`by`, id) — newest first unless `order` is ASC — `limit + 1` fetched to know
 * whether there is more. The caller adds its filters and access restriction first and maps the
 * page's rows to its view. `by` is a timestamp column of the query's main entity.
 */
export async function paginate<E extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<E>,
  page: PageQuery,
  { by = 'created_at', order = 'DESC' }: { by?: string; order?: 'ASC' | 'DESC' } = {},
): Promise<Page<E>> {
  const limit = page.limit ?? 50;
  const cursor = decodeCursor(page.cursor);
  const alias = qb.alias;
  const key = qb.expressionMap.mainAlias?.metadata.findColumnWithDatabaseName(by);
  if (!key) throw new Error(`paginate: ${alias} has no column ${by}`);
  if (cursor) {
    qb.andWhere(
      `(${alias}.${by}, ${alias}.id) ${order === 'DESC' ? '<' : '>'} (:keysetAt::timestamptz, :keysetId::uuid)`,
      { keysetAt: cursor.at, keysetId: cursor.id },
    );
  }
  const rows = await qb
    .orderBy(`${alias}.${key.propertyPath}`, order)
    .addOrderBy(`${alias}.id`, order)
    .take(limit + 1)
    .getMany();
  return toPage(
    rows,
    limit,
    (r) => r,
    (r) => key.getEntityValue(r) as Date,
  );
}

/** The same page with each row shown through `view`. */
export function mapPage<R, T>(page: Page<R>, view: (r: R) => T): Page<T> {
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}
