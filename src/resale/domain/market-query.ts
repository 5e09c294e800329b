/**
 * The public market's search as one SQL statement with a keyset cursor. Each sort walks a
 * partial index of published listings — (price_minor, id) or (published_at, id) — so page 500
 * costs what page 1 costs; filters narrow the walk, text search uses the GIN tsvector index.
 */
export const MARKET_SORTS = ['price-asc', 'price-desc', 'newest'] as const;
export type MarketSort = (typeof MARKET_SORTS)[number];

export interface MarketFilter {
  categoryId?: string;
  grades?: readonly string[];
  minPriceMinor?: number;
  maxPriceMinor?: number;
  text?: string;
  sort?: MarketSort;
  limit: number;
  cursor?: MarketCursor | null;
}

/** Where the previous page stopped: the sort key of its last row and its id. */
export interface MarketCursor {
  sort: MarketSort;
  key: number | string;
  id: string;
}

export class MarketCursorError extends Error {}

export function encodeMarketCursor(c: MarketCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.key, c.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeMarketCursor(raw: string | undefined, sort: MarketSort): MarketCursor | null {
  if (!raw) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new MarketCursorError('cursor is not valid: pass back nextCursor from the previous page');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) {
    throw new MarketCursorError('cursor is not valid: pass back nextCursor from the previous page');
  }
  const [s, key, id] = parsed as [unknown, unknown, unknown];
  if (s !== sort) throw new MarketCursorError('cursor belongs to another sort order');
  const keyOk =
    sort === 'newest'
      ? typeof key === 'string' && !Number.isNaN(Date.parse(key))
      : typeof key === 'number' && Number.isSafeInteger(key);
  if (!keyOk || typeof id !== 'string' || !UUID.test(id)) {
    throw new MarketCursorError('cursor is not valid: pass back nextCursor from the previous page');
  }
  return { sort, key: key as number | string, id };
}

/**
 * Words of the search text as a prefix tsquery ('iph 13' → 'iph:* & 13:*'): only letters and
 * digits survive, so no input can break the query syntax.
 */
export function toPrefixTsQuery(text: string): string | null {
  const words = (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

export interface MarketSql {
  text: string;
  params: unknown[];
  sortColumn: 'price_minor' | 'published_at';
}

/** The SELECT for one page (limit + 1 rows, to know whether another page follows). */
export function marketSql(f: MarketFilter, columns = 'l.*'): MarketSql {
  const sort = f.sort ?? 'newest';
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [
    `l.state = 'PUBLISHED'`,
    // Issue 17: a listing copies the erasure status when it is made; the item's current status
    // decides. A revoked certificate hides the listing at once, before resale withdraws it.
    // A scalar subquery (one primary-key lookup per row the index walk yields), so the plan
    // stays an index walk with LIMIT instead of a join over all items.
    `(SELECT i.erasure_status FROM items i WHERE i.id = l.item_id)
       NOT IN ('pending', 'destroyed')`,
  ];
  if (f.categoryId) where.push(`l.category_ids @> ARRAY[${p(f.categoryId)}]::uuid[]`);
  if (f.grades?.length) where.push(`l.grade = ANY(${p(f.grades)}::text[])`);
  if (f.minPriceMinor !== undefined) where.push(`l.price_minor >= ${p(f.minPriceMinor)}`);
  if (f.maxPriceMinor !== undefined) where.push(`l.price_minor <= ${p(f.maxPriceMinor)}`);
  const tsq = f.text ? toPrefixTsQuery(f.text) : null;
  if (tsq) where.push(`l.search @@ to_tsquery('simple', ${p(tsq)})`);
  const sortColumn = sort === 'newest' ? 'published_at' : 'price_minor';
  // newest first and price-desc walk the index backwards.
  const desc = sort !== 'price-asc';
  if (f.cursor) {
    const key =
      sort === 'newest' ? `${p(f.cursor.key)}::timestamptz` : `${p(f.cursor.key)}::bigint`;
    where.push(`(l.${sortColumn}, l.id) ${desc ? '<' : '>'} (${key}, ${p(f.cursor.id)}::uuid)`);
  }
  const dir = desc ? 'DESC' : 'ASC';
  const text = `SELECT ${columns} FROM listings l WHERE ${where.join(' AND ')}
    ORDER BY l.${sortColumn} ${dir}, l.id ${dir} LIMIT ${p(f.limit + 1)}`;
  return { text, params, sortColumn };
}
