import type pg from 'pg';
import { Client } from './lib/http.js';
import { runPool, Samples, waitFor } from './lib/stats.js';

export interface ScaleFill {
  items: number;
  events: number;
  customers: number;
  inspections: number;
  listings: number;
  steps: Array<{ step: string; seconds: number }>;
  seconds: number;
}

export interface LookupResult {
  lookup: string;
  requests: number;
  p50: number;
  p99: number;
  note?: string;
}

/** Trace codes computed in SQL: base-31 digits of n and the platform's weighted check symbol. */
const TRACE_CODE_FN = `
CREATE OR REPLACE FUNCTION pg_temp.bench_trace_code(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  WITH d AS (
    SELECT k, ((n / (31::bigint ^ k)::bigint) % 31)::int AS v FROM generate_series(0, 8) k)
  SELECT string_agg(substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', v + 1, 1), '' ORDER BY k)
      || substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', (sum((k + 1) * v) % 31)::int + 1, 1)
    FROM d
$$`;

/**
 * Fills the database with `items` items, registered over the last two years, and
 * `eventsPerItem` history events each, in SQL
 * (generate_series), plus their owners (one per ten items, with phone numbers), inspections
 * for a fifth of them (a tenth of those waiting in the queue) and, when resale's tables exist,
 * published listings for a tenth. Generated history rows carry placeholder hashes: lookups read
 * them the same way, but their chains do not verify.
 */
export async function fillScale(
  db: pg.Pool,
  opts: { items: number; eventsPerItem: number; warehouseId: string; merchantId: string | null },
  log: (line: string) => void,
): Promise<ScaleFill> {
  const c = await db.connect();
  const steps: ScaleFill['steps'] = [];
  const started = performance.now();
  const step = async (name: string, sql: string, params: unknown[] = []) => {
    const t = performance.now();
    await c.query(sql, params);
    const seconds = (performance.now() - t) / 1000;
    steps.push({ step: name, seconds });
    log(`  ${name}: ${seconds.toFixed(1)} s`);
  };
  const n = opts.items;
  // The items arrived over the last two years, so their history spans some 25 monthly
  // partitions, as a platform's does after two years (issue 27: history that grows for years).
  const spacing = Math.max(1, Math.floor((2 * 365 * 86_400) / n));
  const customers = Math.max(1, Math.round(n / 10));
  const inspections = Math.round(n / 5);
  try {
    await c.query(TRACE_CODE_FN);
    // Bulk load: the generated rows are consistent by construction, so foreign-key triggers
    // are skipped for this session (the way pg_restore loads data).
    await c.query(`SET session_replication_role = replica`);
    await c.query(`SET synchronous_commit = off`);
    await c.query(`SET maintenance_work_mem = '256MB'`);
    await c.query(`CREATE TEMP TABLE scale_owner AS
      SELECT o AS n, gen_random_uuid() AS id FROM generate_series(1, ${customers}) o`);
    await step(
      `customers (${customers})`,
      `INSERT INTO users (id, email, password_hash, role, name, phone)
       SELECT id, 'scale-' || n || '@scale.bench', '!', 'customer', 'Scale customer ' || n,
              '+86137' || lpad(n::text, 8, '0')
         FROM scale_owner`,
    );
    await step(
      `items (${n})`,
      `INSERT INTO items (trace_code, serial_number, imei, owner_id, custodian_kind, custodian_id,
                          grade, erasure_status, state, history_seq, history_hash, created_at,
                          history_first_at, history_last_at)
       SELECT pg_temp.bench_trace_code(500000000 + g), 'SCL' || lpad(g::text, 9, '0'),
              '86' || lpad(g::text, 13, '0'), o.id, 'warehouse', $2::uuid,
              'premium', 'certified', 'AVAILABLE', $1, md5(g::text) || md5(g::text), t.at,
              t.at + interval '1 minute', t.at + make_interval(mins => $1)
         FROM generate_series(1, ${n}) g JOIN scale_owner o ON o.n = 1 + (g % ${customers})
              CROSS JOIN LATERAL (SELECT now() - make_interval(secs => (${n} - g) * ${spacing}) AS at) t
       ON CONFLICT DO NOTHING`,
      [opts.eventsPerItem, opts.warehouseId],
    );
    // The history is partitioned by month (issue 27): make the months the loaded items span,
    // as the daily job would have, so no event lands in the default partition.
    await c.query(
      `SELECT item_events_add_month(m::date) FROM generate_series(
         date_trunc('month', (SELECT min(created_at) FROM items) AT TIME ZONE 'UTC'),
         now() AT TIME ZONE 'UTC', interval '1 month') AS m`,
    );
    await step(
      `history events (${n * opts.eventsPerItem})`,
      `INSERT INTO item_events (item_id, seq, at, type, entity, entity_id, from_state, to_state,
                                actor_role, custodian_kind, data, prev_hash, hash)
       SELECT i.id, s, i.created_at + make_interval(mins => s), 'Item.step-' || s, 'Item', i.id,
              'S' || (s - 1), 'S' || s, 'system', 'warehouse', '{}',
              CASE WHEN s = 1 THEN '' ELSE md5(i.id::text || (s - 1)) END, md5(i.id::text || s)
         FROM items i CROSS JOIN generate_series(1, $1) s
        WHERE i.serial_number LIKE 'SCL%'`,
      [opts.eventsPerItem],
    );
    await step(
      `inspections (${inspections})`,
      `INSERT INTO inspections (item_id, warehouse_id, standard_code, standard_version, state,
                                grade, created_at)
       SELECT i.id, $1::uuid, 'phone', 1,
              CASE WHEN row_number() OVER () % 10 = 0 THEN 'PENDING' ELSE 'COMPLETED' END,
              CASE WHEN row_number() OVER () % 10 = 0 THEN NULL ELSE 'premium' END, i.created_at
         FROM items i WHERE i.serial_number LIKE 'SCL%' AND right(i.serial_number, 1) IN ('0', '5')`,
      [opts.warehouseId],
    );
    let listings = 0;
    if (opts.merchantId) {
      listings = Math.round(n / 10);
      await step(
        `listings (${listings})`,
        `INSERT INTO listings (state, merchant_id, item_id, title, search_terms, price_minor,
                               suggested_price_minor, price_floor_minor, price_ceiling_minor,
                               grade, grade_labels, erasure_status, warranty_months,
                               return_window_days, published_at, created_at)
         SELECT 'PUBLISHED', $1::uuid, i.id, 'Scale phone ' || i.serial_number, i.serial_number,
                100000 + (hashtext(i.id::text) & 65535), 100000, 50000, 200000, 'premium',
                '{}', 'certified', 12, 7, i.created_at, i.created_at
           FROM items i WHERE i.serial_number LIKE 'SCL%' AND right(i.serial_number, 1) = '7'`,
        [opts.merchantId],
      );
    }
    await step('analyze', 'ANALYZE');
    return {
      items: n,
      events: n * opts.eventsPerItem,
      customers,
      inspections,
      listings,
      steps,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await c.query('RESET session_replication_role').catch(() => undefined);
    c.release();
  }
}

/**
 * Asks the worker for the scheduled checkpoint job now (through the outbox, as an admin's
 * trigger would) and waits for it: the filled items' heads are then in signed checkpoints, as a
 * running platform's would be, so a passport read checks a checkpoint's signature and reads an
 * inclusion proof (without this it measured items no checkpoint covers). Returns the step.
 */
export async function signFilledHistory(
  db: pg.Pool,
  log: (line: string) => void,
): Promise<{ step: string; seconds: number }> {
  const started = performance.now();
  const {
    rows: [job],
  } = await db.query<{ id: string }>(
    `WITH ins AS (
       INSERT INTO outbox (queue, name, payload, run_at)
       VALUES ('workflow', 'sign-history-checkpoint', '{"trigger":"admin"}', now()) RETURNING id)
     SELECT id, pg_notify('reloop_outbox', '') FROM ins`,
  );
  await waitFor(
    'the worker to sign the history checkpoints',
    async () => {
      const {
        rows: [row],
      } = await db.query<{ done: boolean; failed: boolean }>(
        `SELECT completed_at IS NOT NULL AS done, failed_at IS NOT NULL AS failed
           FROM outbox WHERE id = $1`,
        [job.id],
      );
      if (row.failed) throw new Error('the worker failed to sign the history checkpoints');
      return row.done ? true : null;
    },
    30 * 60_000,
    1000,
  );
  await db.query('ANALYZE history_checkpoint_leaves, history_checkpoint_nodes');
  const { rows: counted } = await db.query<{ checkpoints: number }>(
    'SELECT count(*)::int AS checkpoints FROM history_checkpoints',
  );
  const step = `history checkpoints (${counted[0].checkpoints} signed by the worker)`;
  const seconds = (performance.now() - started) / 1000;
  log(`  ${step}: ${seconds.toFixed(1)} s`);
  return { step, seconds };
}

/** p50 / p99 of read endpoints against the filled database, over HTTP, `concurrency` in flight. */
export async function measureLookups(opts: {
  baseUrl: string;
  db: pg.Pool;
  requests: number;
  concurrency: number;
  tokens: { support: string; warehouse: string };
  log: (line: string) => void;
}): Promise<{ lookups: LookupResult[]; deepPageRatio: number | null; marketNote: string | null }> {
  const client = new Client(opts.baseUrl, opts.concurrency + 1);
  const { rows: sample } = await opts.db.query<{
    id: string;
    trace_code: string;
    serial_number: string;
    phone: string;
  }>(
    `SELECT i.id, i.trace_code, i.serial_number, u.phone
       FROM items i JOIN users u ON u.id = i.owner_id
      WHERE i.serial_number LIKE 'SCL%'
      ORDER BY random() LIMIT $1`,
    [opts.requests],
  );
  const results: LookupResult[] = [];
  const measure = async (
    lookup: string,
    path: (row: (typeof sample)[number], i: number) => string,
    token?: string,
  ) => {
    const label = `scale ${lookup}`;
    // A short warm-up, as a running service would have.
    for (const row of sample.slice(0, 20)) await client.call('GET', path(row, 0), { token });
    await runPool(sample, opts.concurrency, async (row, i) => {
      await client.call('GET', path(row, i), { token, label });
    });
    const s: Samples = client.samples(label);
    results.push({ lookup, requests: s.count, p50: s.percentile(50), p99: s.percentile(99) });
    opts.log(
      `  ${lookup}: p50 ${s.percentile(50).toFixed(1)} ms, p99 ${s.percentile(99).toFixed(1)} ms`,
    );
  };
  await measure('passport GET /trace/:traceCode', (r) => `/api/v1/trace/${r.trace_code}`);
  await measure(
    'timeline GET /items/:id/timeline',
    (r) => `/api/v1/items/${r.id}/timeline`,
    opts.tokens.support,
  );
  const q = (s: string) => `/api/v1/support/search?q=${encodeURIComponent(s)}`;
  await measure('support search by phone', (r) => q(r.phone), opts.tokens.support);
  await measure('support search by serial', (r) => q(r.serial_number), opts.tokens.support);
  await measure('support search by trace code', (r) => q(r.trace_code), opts.tokens.support);
  await measure(
    'inspection queue GET /inspections?state=PENDING',
    () => '/api/v1/inspections?state=PENDING&limit=20',
    opts.tokens.warehouse,
  );

  // The market: the first page against the 1000th (keyset cursors, 20 a page).
  let deepPageRatio: number | null = null;
  let marketNote: string | null = null;
  const first = await client
    .call<{ items: unknown[]; nextCursor: string | null }>(
      'GET',
      '/api/v1/market/listings?limit=20',
    )
    .catch((err: Error) => err);
  if (first instanceof Error) {
    marketNote = `market not measured: ${first.message.slice(0, 120)}`;
  } else {
    let cursor = first.body.nextCursor;
    for (let page = 2; page < 1000 && cursor; page++) {
      cursor = (
        await client.call<{ nextCursor: string | null }>(
          'GET',
          `/api/v1/market/listings?limit=20&cursor=${encodeURIComponent(cursor)}`,
        )
      ).body.nextCursor;
    }
    if (!cursor) {
      marketNote = 'market has fewer than 1000 pages at this scale';
    } else {
      const deep = `/api/v1/market/listings?limit=20&cursor=${encodeURIComponent(cursor)}`;
      const pages = sample.map((_, i) => i);
      await measure('market first page', () => '/api/v1/market/listings?limit=20');
      await runPool(pages, opts.concurrency, async () => {
        await client.call('GET', deep, { label: 'scale market page 1000' });
      });
      const s = client.samples('scale market page 1000');
      results.push({
        lookup: 'market page 1000',
        requests: s.count,
        p50: s.percentile(50),
        p99: s.percentile(99),
      });
      const firstP50 = results.find((r) => r.lookup === 'market first page')?.p50 ?? NaN;
      deepPageRatio = s.percentile(50) / firstP50;
    }
  }
  await client.close();
  return { lookups: results, deepPageRatio, marketNote };
}
