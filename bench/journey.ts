import type pg from 'pg';
import { PHONE_STANDARD } from '../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../src/catalog/standards/grade-engine.js';
import { Client } from './lib/http.js';
import { runPool, type Samples, waitFor } from './lib/stats.js';

const SHANGHAI = {
  cityCode: '310100',
  districtCode: '310104',
  line1: 'No. 1 Hongqiao Rd',
  contactName: 'Li Wei',
  contactPhone: '+8613800138000',
};
const DEMO_PASSWORD = 'reloop-demo-2026';

export interface PhaseResult {
  endpoint: string;
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** The API process's CPU per request over the burst (from its own process metrics). */
  apiCpuMsPerRequest: number | null;
  /** SQL round trips per request (the API's `reloop_db_queries_total`). */
  sqlPerRequest: number | null;
}

/** What the API process reports of itself on its operations port: CPU seconds and SQL sent. */
export async function apiCounters(
  metricsUrl: string | null,
): Promise<{ cpuSeconds: number; queries: number } | null> {
  if (!metricsUrl) return null;
  const text = await (await fetch(metricsUrl)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    cpuSeconds: value('reloop_process_cpu_seconds_total'),
    queries: value('reloop_db_queries_total'),
  };
}

export interface JourneyResult {
  items: number;
  concurrency: number;
  phases: PhaseResult[];
  /** Every transition request of the phases, over the time spent sending them. */
  transitionsPerSecond: number;
  endToEndSeconds: number;
  itemsPerMinute: number;
  /** Where the journey ended (the furthest state every item reached). */
  finalState: string;
}

/** A fresh 15-digit IMEI with a valid Luhn check digit, unique per run and index. */
export function imei(run: number, n: number): string {
  const body = `35${String(run % 1e6).padStart(6, '0')}${String(n).padStart(6, '0')}`;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = body.charCodeAt(i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

async function login(client: Client, key: string) {
  const { body } = await client.call<{ accessToken: string }>('POST', '/api/v1/auth/login', {
    body: { email: `${key}@reloop.demo`, password: DEMO_PASSWORD },
  });
  const me = await client.call<{ id: string; organisationId: string | null }>('GET', '/api/v1/me', {
    token: body.accessToken,
  });
  return { token: body.accessToken, id: me.body.id, organisationId: me.body.organisationId };
}

/**
 * Drives `items` trade-ins through the journey over HTTP, one stage at a time with `concurrency`
 * clients in flight (each stage is a burst, so its rate is the platform's, not the think time of
 * a simulated person). Between stages it waits for the background work the stage triggered.
 */
export async function runJourney(opts: {
  baseUrl: string;
  db: pg.Pool;
  items: number;
  concurrency: number;
  runId: number;
  /** The API's operations port `/metrics`, for CPU and SQL per request (null: not measured). */
  metricsUrl: string | null;
  log: (line: string) => void;
}): Promise<JourneyResult> {
  const { db, items: n, concurrency } = opts;
  const client = new Client(opts.baseUrl, concurrency + 2);
  const [admin, customer, courier, warehouse] = await Promise.all(
    ['admin', 'customer', 'courier', 'warehouse'].map((k) => login(client, k)),
  );
  // Second-grader sampling would park a share of the inspections; the bench grades each once.
  await client.call('PUT', '/api/v1/grading/calibration/settings', {
    token: admin.token,
    body: { rate: 0 },
  });
  const [model] = (
    await db.query<{ id: string }>(
      `SELECT id FROM product_models WHERE code = 'apple-iphone-15-128'`,
    )
  ).rows;
  if (!model) throw new Error('the demo catalog is missing apple-iphone-15-128');
  const answers = idealAnswers(PHONE_STANDARD);

  const phases: PhaseResult[] = [];
  const phase = async <T>(
    endpoint: string,
    list: readonly T[],
    send: (x: T, label: string) => Promise<unknown>,
  ) => {
    const before = await apiCounters(opts.metricsUrl);
    const seconds =
      (await runPool(list, concurrency, async (x) => {
        for (let attempt = 1; ; attempt++) {
          try {
            await send(x, endpoint);
            return;
          } catch (err) {
            // A concurrent change (e.g. the dispatch sweep assigning the same pickup) answers 409.
            if (attempt >= 3 || !/→ 409/.test((err as Error).message)) throw err;
          }
        }
      })) / 1000;
    const s: Samples = client.samples(endpoint);
    const after = await apiCounters(opts.metricsUrl);
    const per = (pick: (c: { cpuSeconds: number; queries: number }) => number) =>
      before && after && s.count > 0 ? (pick(after) - pick(before)) / s.count : null;
    phases.push({
      endpoint,
      requests: s.count,
      errors: s.errors,
      seconds,
      perSecond: s.count / seconds,
      p50: s.percentile(50),
      p99: s.percentile(99),
      apiCpuMsPerRequest: per((c) => c.cpuSeconds * 1000),
      sqlPerRequest: per((c) => c.queries),
    });
    opts.log(`  ${endpoint}: ${s.count} in ${seconds.toFixed(1)} s`);
  };
  const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

  const started = performance.now();
  const orders: Array<{ id: string; itemId: string }> = [];
  await phase(
    'POST /trade-ins (create)',
    Array.from({ length: n }, (_, i) => i),
    async (i, label) => {
      const { body } = await client.call<{ id: string; items: Array<{ itemId: string }> }>(
        'POST',
        '/api/v1/trade-ins',
        {
          token: customer.token,
          label,
          body: {
            channel: 'online',
            address: SHANGHAI,
            items: [
              {
                productModelId: model.id,
                declaredCondition: { condition: 'excellent', powersOn: true },
                imei: imei(opts.runId, i),
              },
            ],
          },
        },
      );
      orders.push({ id: body.id, itemId: body.items[0].itemId });
    },
  );
  const orderIds = orders.map((o) => o.id);
  const itemIds = orders.map((o) => o.itemId);
  await waitFor('quotes', async () => {
    const { rows } = await db.query<{ c: number }>(
      `SELECT count(*)::int AS c FROM trade_in_orders WHERE id = ANY($1) AND state = 'QUOTED'`,
      [orderIds],
    );
    return rows[0].c === n ? true : null;
  });

  await phase('POST /trade-ins/:id/accept', orderIds, (id, label) =>
    client.call('POST', `/api/v1/trade-ins/${id}/accept`, {
      token: customer.token,
      label,
      body: {},
    }),
  );
  const pickups = await waitFor('pickups', async () => {
    const { rows } = await db.query<{ id: string; item_ids: string[] }>(
      'SELECT id, item_ids FROM pickups WHERE source_id = ANY($1)',
      [orderIds],
    );
    return rows.length === n ? rows : null;
  });
  const pickupIds = ids(pickups);

  await phase('POST /pickups/:id/assign', pickupIds, (id, label) =>
    client.call('POST', `/api/v1/pickups/${id}/assign`, {
      token: admin.token,
      label,
      body: { courierId: courier.id, allowOverCapacity: true },
    }),
  );
  await phase('POST /pickups/:id/start', pickupIds, (id, label) =>
    client.call('POST', `/api/v1/pickups/${id}/start`, { token: courier.token, label, body: {} }),
  );
  const traceCodes = new Map(
    (
      await db.query<{ id: string; trace_code: string }>(
        'SELECT id, trace_code FROM items WHERE id = ANY($1)',
        [itemIds],
      )
    ).rows.map((r) => [r.id, r.trace_code]),
  );
  await phase('POST /pickups/:id/collect', pickups, (p, label) =>
    client.call('POST', `/api/v1/pickups/${p.id}/collect`, {
      token: courier.token,
      label,
      body: { traceCodes: p.item_ids.map((i) => traceCodes.get(i)) },
    }),
  );
  await phase('POST /pickups/:id/deliver', pickupIds, (id, label) =>
    client.call('POST', `/api/v1/pickups/${id}/deliver`, {
      token: courier.token,
      label,
      body: { warehouseId: warehouse.organisationId },
    }),
  );
  await waitFor('parcels', async () => {
    const { rows } = await db.query<{ c: number }>(
      `SELECT count(*)::int AS c FROM parcels WHERE pickup_id = ANY($1)`,
      [pickupIds],
    );
    return rows[0].c === n ? true : null;
  });

  await phase('POST /receiving/scan', itemIds, (itemId, label) =>
    client.call('POST', '/api/v1/receiving/scan', {
      token: warehouse.token,
      label,
      body: { code: traceCodes.get(itemId) },
    }),
  );
  const inspections = await waitFor('inspections', async () => {
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM inspections WHERE item_id = ANY($1) AND state = 'PENDING'`,
      [itemIds],
    );
    return rows.length === n ? ids(rows) : null;
  });

  await phase('POST /inspections/:id/claim', inspections, (id, label) =>
    client.call('POST', `/api/v1/inspections/${id}/claim`, {
      token: warehouse.token,
      label,
      body: {},
    }),
  );
  await phase('POST /inspections/:id/complete', inspections, (id, label) =>
    client.call('POST', `/api/v1/inspections/${id}/complete`, {
      token: warehouse.token,
      label,
      body: { answers },
    }),
  );

  // Final offers within tolerance settle themselves; a lower one waits for the owner.
  const settled = async () => {
    const { rows } = await db.query<{ order_id: string; item_id: string; state: string }>(
      `SELECT order_id, item_id, state FROM trade_in_items WHERE order_id = ANY($1)`,
      [orderIds],
    );
    return rows.every((r) => r.state !== 'AWAITING_INSPECTION' && r.state !== 'SECOND_GRADING')
      ? rows
      : null;
  };
  const offers = (await waitFor('final offers', settled)).filter(
    (r) => r.state === 'OFFER_PENDING',
  );
  if (offers.length > 0) {
    await phase('POST /trade-ins/:id/items/:itemId/accept-offer', offers, (r, label) =>
      client.call('POST', `/api/v1/trade-ins/${r.order_id}/items/${r.item_id}/accept-offer`, {
        token: customer.token,
        label,
        body: {},
      }),
    );
  }
  const finalState = 'AVAILABLE';
  await waitFor(`items ${finalState}`, async () => {
    const { rows } = await db.query<{ c: number }>(
      `SELECT count(*)::int AS c FROM items WHERE id = ANY($1) AND state = $2`,
      [itemIds, finalState],
    );
    return rows[0].c === n ? true : null;
  });
  const endToEndSeconds = (performance.now() - started) / 1000;
  await client.close();

  const requests = phases.reduce((s, p) => s + p.requests, 0);
  const seconds = phases.reduce((s, p) => s + p.seconds, 0);
  return {
    items: n,
    concurrency,
    phases,
    transitionsPerSecond: requests / seconds,
    endToEndSeconds,
    itemsPerMinute: n / (endToEndSeconds / 60),
    finalState,
  };
}
