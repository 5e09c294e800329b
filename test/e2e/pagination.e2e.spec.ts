import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

/**
 * Lists once cut off at their 500 oldest rows (users, organisations) or ignored the cursor
 * (flagged cars, carrier accounts) or stopped at 200 (settlement statements). Each is read here page by page past 500 rows: every row
 * comes exactly once, newest first, and the last page says there is nothing more.
 * Rows are loaded in bulk with SQL (the fixture); every read goes through HTTP.
 */
describe('every list pages through more than 500 rows', () => {
  let t: TestApp;
  let admin: TestUser;
  const ROWS = 520;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.user('admin');
    // Many rows share one timestamp, so the id must break ties without losing any.
    await t.dataSource.query(
      `INSERT INTO organisations (kind, name, created_at)
       SELECT 'merchant', 'Merchant ' || n, now() - (n / 7) * interval '1 second'
       FROM generate_series(1, $1) n`,
      [ROWS],
    );
    await t.dataSource.query(
      `INSERT INTO users (email, password_hash, role, name, created_at)
       SELECT 'bulk' || n || '@example.cn', 'x', 'courier', 'Courier ' || n,
              now() - (n / 7) * interval '1 second'
       FROM generate_series(1, $1) n`,
      [ROWS],
    );
    await t.dataSource.query(
      `INSERT INTO vehicles (vin, wmi, check_digit, mileage_status, flagged_at)
       SELECT 'LBULK' || lpad(n::text, 12, '0'), 'LBU', 'valid',
              CASE WHEN n % 2 = 0 THEN 'rollback-suspected' ELSE 'implausible' END,
              now() - (n / 7) * interval '1 second'
       FROM generate_series(1, $1) n`,
      [ROWS],
    );
    await t.dataSource.query(
      `INSERT INTO carrier_accounts (carrier, name, secret, created_at)
       SELECT 'SF Express', 'Account ' || n, 'secret', now() - (n / 7) * interval '1 second'
       FROM generate_series(1, $1) n`,
      [ROWS],
    );
    // One merchant's statements over 520 consecutive days (one per start day).
    await t.dataSource.query(
      `INSERT INTO settlement_statements (merchant_id, period_from, period_to, currency, orders,
              sales_minor, returns_minor, commission_minor, payable_minor, rule, state, created_at)
       SELECT o.id, date '2024-01-01' + n, date '2024-01-01' + n, 'CNY', n, 0, 0, 0, 0,
              '{"percentBp":0,"fixedMinor":0}', 'issued', now() - (n / 7) * interval '1 second'
       FROM generate_series(1, $1) n,
            (SELECT id FROM organisations WHERE name = 'Merchant 1') o`,
      [ROWS],
    );
  });
  afterAll(() => t?.close());

  async function readAll(path: string, query: Record<string, string> = {}) {
    const seen: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await t.http
        .get(path)
        .query({ ...query, limit: '200', ...(cursor ? { cursor } : {}) })
        .set(admin.auth)
        .expect(200);
      seen.push(...(res.body.items as Array<Record<string, unknown>>));
      cursor = res.body.nextCursor as string | null;
      pages++;
    } while (cursor && pages < 20);
    return { seen, pages };
  }

  it.each([
    ['/api/v1/organisations', { kind: 'merchant' }, 'name', 'Merchant '],
    ['/api/v1/users', { role: 'courier' }, 'name', 'Courier '],
    ['/api/v1/vehicles/flagged', {}, 'vin', 'LBULK'],
    ['/api/v1/carrier-accounts', {}, 'name', 'Account '],
    ['/api/v1/settlements', {}, 'orders', ''],
  ])('%s', async (path, query, field, prefix) => {
    const { seen, pages } = await readAll(path, query);
    const bulk = seen.filter((r) => String(r[field]).startsWith(prefix));
    expect(bulk).toHaveLength(ROWS);
    expect(new Set(bulk.map((r) => r[field])).size).toBe(ROWS);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('refuses a cursor that is not one of ours with a clear 400', async () => {
    const res = await t.http
      .get('/api/v1/users')
      .query({ cursor: 'not-a-cursor' })
      .set(admin.auth)
      .expect(400);
    expect(JSON.stringify(res.body)).toMatch(/cursor/);
  });
});
