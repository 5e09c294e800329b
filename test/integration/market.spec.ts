import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { catalogSeed } from '../../src/catalog/catalog.seed.js';
import { gradeLabels } from '../../src/resale/domain/grade-labels.js';
import { decodeMarketCursor, marketSql } from '../../src/resale/domain/market-query.js';
import { seedContext } from '../support/fixtures.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

const BULK = 1200;

interface MarketItem {
  id: string;
  title: string;
  grade: string;
  price: { amountMinor: number };
  categoryPath: string[];
  available: boolean;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

/**
 * The public market's read model against 1,200 listings written in SQL: keyset pages equal to
 * OFFSET references, the indexes the queries use, filters counted in SQL (moved from
 * test/e2e/market.e2e.spec.ts: their subject is the market query and its indexes).
 */
describe('public market: browse, search and deep pages on the indexes', () => {
  let t: TestApp;
  let merchant: TestUser;
  let phones: { leaf: string; root: string };
  let laptops: { leaf: string; root: string };

  beforeAll(async () => {
    t = await createTestApp();
    const ctx = seedContext(t);
    await catalogSeed.run(ctx);
    merchant = await t.user('merchant');
    const leaves = await t.dataSource.query<Array<{ leaf: string; mid: string; root: string }>>(
      `SELECT DISTINCT ON (c1.code) c3.id AS leaf, c2.id AS mid, c1.id AS root
         FROM categories c3 JOIN categories c2 ON c2.id = c3.parent_id
         JOIN categories c1 ON c1.id = c2.parent_id
        WHERE c3.level = 3 ORDER BY c1.code, c3.code`,
    );
    expect(leaves.length).toBeGreaterThanOrEqual(2);
    phones = leaves[0];
    laptops = leaves[1];
    const paths = [
      [leaves[0].root, leaves[0].mid, leaves[0].leaf],
      [leaves[1].root, leaves[1].mid, leaves[1].leaf],
    ];

    // 1,200 listings written straight in SQL (1 in 10 already sold, so not on the market).
    await t.dataSource.query(
      `INSERT INTO items (trace_code, category_id, custodian_kind, custodian_id, grade,
         erasure_status, state)
       SELECT 'MKT' || lpad(g::text, 7, '0'), CASE WHEN g % 2 = 0 THEN $1::uuid ELSE $2::uuid END,
         'merchant', $3, CASE WHEN g % 4 = 0 THEN 'good' ELSE 'premium' END, 'not_required',
         CASE WHEN g % 10 = 0 THEN 'SOLD' ELSE 'LISTED' END
       FROM generate_series(1, $4::int) g`,
      [phones.leaf, laptops.leaf, merchant.organisationId, BULK],
    );
    await t.dataSource.query(
      `INSERT INTO listings (state, merchant_id, item_id, category_id, category_ids, title,
         search_terms, price_minor, suggested_price_minor, price_floor_minor, price_ceiling_minor,
         grade, grade_labels, erasure_status, warranty_months, return_window_days, published_at)
       SELECT CASE WHEN g % 10 = 0 THEN 'SOLD' ELSE 'PUBLISHED' END, $1, i.id, i.category_id,
         CASE WHEN g % 2 = 0 THEN $2::uuid[] ELSE $3::uuid[] END,
         CASE g % 3 WHEN 0 THEN 'Apple iPhone 13' WHEN 1 THEN 'Huawei Mate 40 Pro'
           ELSE 'Lenovo ThinkPad X1' END || ' #' || g,
         'demo', 1000 + (g % 300) * 100, 1000, 700, 1300, i.grade,
         CASE WHEN i.grade = 'premium' THEN $4::jsonb ELSE $5::jsonb END,
         'not_required', 12, 7, now() - ((g / 3) * interval '1 minute')
       FROM items i, LATERAL (SELECT substring(i.trace_code FROM 4)::int AS g) s
       WHERE i.trace_code LIKE 'MKT%'`,
      [
        merchant.organisationId,
        paths[0],
        paths[1],
        JSON.stringify(gradeLabels('premium')),
        JSON.stringify(gradeLabels('good')),
      ],
    );
    await t.dataSource.query('ANALYZE listings');
  }, 120_000);
  afterAll(() => t.close());

  const market = async (query: Record<string, string | number>) =>
    (await t.http.get('/api/v1/market/listings').query(query).expect(200)).body as {
      items: MarketItem[];
      nextCursor: string | null;
    };

  /** Every page of a query, following nextCursor. */
  const allPages = async (query: Record<string, string | number>) => {
    const items: MarketItem[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await market({ ...query, ...(cursor ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 200);
    return items;
  };

  it('pages deep by price with a keyset cursor equal to an OFFSET reference, on the index', async () => {
    let cursor: string | null = null;
    let page: { items: MarketItem[]; nextCursor: string | null } = { items: [], nextCursor: null };
    let cursorOfPage50: string | null = null;
    for (let n = 1; n <= 50; n++) {
      if (n === 50) cursorOfPage50 = cursor;
      page = await market({ sort: 'price-asc', limit: 20, ...(cursor ? { cursor } : {}) });
      cursor = page.nextCursor;
    }
    const reference = await t.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM listings WHERE state = 'PUBLISHED' ORDER BY price_minor, id OFFSET 980 LIMIT 20`,
    );
    expect(page.items.map((i) => i.id)).toEqual(reference.map((r) => r.id));
    expect(page.items.every((i) => i.available)).toBe(true);

    // The same query as the service runs, from the page-50 cursor: an index walk, no sort.
    const sql = marketSql({
      sort: 'price-asc',
      limit: 20,
      cursor: decodeMarketCursor(cursorOfPage50 ?? undefined, 'price-asc'),
    });
    const [{ 'QUERY PLAN': plan }] = await t.dataSource.query<
      Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>
    >(`EXPLAIN (FORMAT JSON) ${sql.text}`, sql.params);
    const nodes = flatten(plan[0].Plan);
    expect(nodes.map((n) => n['Index Name'])).toContain('listings_market_price');
    expect(nodes.some((n) => n['Node Type'] === 'Seq Scan')).toBe(false);
    expect(nodes.some((n) => n['Node Type'] === 'Sort')).toBe(false);
  });

  it('pages newest-first and by descending price without gaps or repeats', async () => {
    const published = Number(
      (
        await t.dataSource.query<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM listings WHERE state = 'PUBLISHED'`,
        )
      )[0].n,
    );
    const newest = await allPages({ sort: 'newest', limit: 100 });
    expect(newest).toHaveLength(published);
    expect(new Set(newest.map((i) => i.id)).size).toBe(published);
    const reference = await t.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM listings WHERE state = 'PUBLISHED' ORDER BY published_at DESC, id DESC`,
    );
    expect(newest.map((i) => i.id)).toEqual(reference.map((r) => r.id));

    const byPrice = await allPages({ sort: 'price-desc', limit: 100 });
    const prices = byPrice.map((i) => i.price.amountMinor);
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    expect(byPrice).toHaveLength(published);

    const sql = marketSql({ sort: 'newest', limit: 20 });
    const [{ 'QUERY PLAN': plan }] = await t.dataSource.query<
      Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>
    >(`EXPLAIN (FORMAT JSON) ${sql.text}`, sql.params);
    expect(flatten(plan[0].Plan).map((n) => n['Index Name'])).toContain('listings_market_newest');
  });

  it('filters by category, grade, price range and text', async () => {
    const count = async (where: string, params: unknown[] = []) =>
      Number(
        (
          await t.dataSource.query<Array<{ n: number }>>(
            `SELECT count(*)::int AS n FROM listings WHERE state = 'PUBLISHED' AND ${where}`,
            params,
          )
        )[0].n,
      );

    const inRoot = await allPages({ categoryId: phones.root, limit: 100 });
    expect(inRoot.length).toBe(await count('category_ids @> ARRAY[$1]::uuid[]', [phones.root]));
    expect(inRoot.every((i) => i.categoryPath.includes(phones.root))).toBe(true);
    const inLeaf = await allPages({ categoryId: laptops.leaf, limit: 100 });
    expect(inLeaf.length).toBe(await count('category_id = $1', [laptops.leaf]));

    const good = await allPages({ grade: 'good', limit: 100 });
    expect(good.length).toBe(await count(`grade = 'good'`));
    expect(good.every((i) => i.grade === 'good')).toBe(true);
    // A buyer's word: Back Market "Excellent" means the platform's premium.
    const excellent = await market({ grade: 'Excellent', limit: 50 });
    expect(excellent.items.every((i) => i.grade === 'premium')).toBe(true);

    const band = await allPages({ minPriceMinor: 5000, maxPriceMinor: 8000, limit: 100 });
    expect(band.length).toBe(await count('price_minor BETWEEN 5000 AND 8000'));
    expect(band.every((i) => i.price.amountMinor >= 5000 && i.price.amountMinor <= 8000)).toBe(
      true,
    );

    const iphones = await allPages({ q: 'iphone', grade: 'premium', sort: 'price-asc', limit: 50 });
    expect(iphones.length).toBe(await count(`title LIKE 'Apple iPhone%' AND grade = 'premium'`));
    expect(iphones.every((i) => i.title.startsWith('Apple iPhone'))).toBe(true);
    const prefix = await market({ q: 'think', limit: 5 });
    expect(prefix.items.length).toBe(5);
    expect(prefix.items.every((i) => i.title.startsWith('Lenovo ThinkPad'))).toBe(true);
    expect((await market({ q: 'nokia' })).items).toEqual([]);
  });

  it('answers 400 for a bad cursor, a cursor of another sort, an unknown grade, min above max', async () => {
    const first = await market({ sort: 'price-asc', limit: 5 });
    await t.http
      .get('/api/v1/market/listings')
      .query({ sort: 'newest', cursor: first.nextCursor ?? '' })
      .expect(400);
    await t.http.get('/api/v1/market/listings').query({ cursor: 'garbage!' }).expect(400);
    await t.http.get('/api/v1/market/listings').query({ grade: 'mint' }).expect(400);
    await t.http
      .get('/api/v1/market/listings')
      .query({ minPriceMinor: 9000, maxPriceMinor: 100 })
      .expect(400);
    await t.http.get('/api/v1/market/listings').query({ limit: 1000 }).expect(400);
    await t.http.get('/api/v1/market/listings/not-a-uuid').expect(400);
  });
});
