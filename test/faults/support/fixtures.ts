// Data and measurements for the fault tests, written straight into the throwaway database.
import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import pg from 'pg';
import { ensureDatabase, migrate } from '../../../src/database/database.js';
import type { UserRole } from '../../../src/core/actor.js';
import { PlatformProcess, platformEnv, type PlatformEnv } from './platform.js';
import { ThrowawayPostgres, ThrowawayRedis } from './servers.js';

export { recordFigures } from './report.js';

/** FAULTS_SCALE=short (CI): fewer jobs and kills; full otherwise. */
export const SHORT = process.env.FAULTS_SCALE === 'short';

/** A new, migrated database on the throwaway server. */
export async function migratedDatabase(server: ThrowawayPostgres, name: string): Promise<string> {
  const url = server.url(name);
  await ensureDatabase(url);
  await migrate(url);
  return url;
}

export function pool(url: string): pg.Pool {
  const p = new pg.Pool({ connectionString: url, max: 4 });
  p.on('error', () => undefined); // a restart drops idle clients; the next query reconnects
  return p;
}

export async function count(db: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: string }>(sql, params);
  return Number(rows[0].n);
}

export interface SeededUser {
  id: string;
  role: UserRole;
  organisationId: string | null;
  token: string;
}

/** A warehouse organisation and one user of it, with a token the platform accepts. */
export async function seedUser(
  db: pg.Pool,
  env: PlatformEnv,
  role: UserRole,
  organisationId: string | null = null,
): Promise<SeededUser> {
  let org = organisationId;
  if (!org && ['warehouse', 'courier', 'technician', 'merchant'].includes(role)) {
    const kind = role === 'technician' ? 'partner' : role === 'courier' ? 'warehouse' : role;
    org = (
      await db.query<{ id: string }>(
        `INSERT INTO organisations (kind, name) VALUES ($1, $2) RETURNING id`,
        [kind, `${kind} ${randomBytes(3).toString('hex')}`],
      )
    ).rows[0].id;
  }
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (email, password_hash, role, organisation_id, name)
     VALUES ($1, 'not-a-hash', $2, $3, $4) RETURNING id`,
    [`${role}-${randomBytes(4).toString('hex')}@faults.reloop`, role, org, `${role} fault`],
  );
  const token = new JwtService({ secret: env.jwtSecret }).sign(
    { sub: rows[0].id, role, org },
    { algorithm: 'HS256', expiresIn: 3600, issuer: 'reloop', audience: 'reloop-api' },
  );
  return { id: rows[0].id, role, organisationId: org, token };
}

/**
 * `n` items received in a warehouse, each with one SSD still holding data (erasure pending).
 * Returns their ids in creation order.
 */
export async function seedItemsNeedingErasure(
  db: pg.Pool,
  n: number,
  warehouseId: string | null,
): Promise<string[]> {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const { rows } = await db.query<{ id: string }>(
    `WITH ins AS (
       INSERT INTO items (trace_code, custodian_kind, custodian_id, erasure_status, state)
       SELECT 'F' || $2 || lpad(g::text, 7, '0'), 'warehouse', $3::uuid, 'pending', 'RECEIVED'
         FROM generate_series(1, $1::int) g
       RETURNING id, trace_code),
     media AS (
       INSERT INTO storage_media (item_id, position, media_type, interface, serial, capacity_bytes, source)
       SELECT id, 1, 'ssd', 'nvme', 'SN-' || trace_code, 256000000000, 'registered' FROM ins)
     SELECT id FROM ins ORDER BY trace_code`,
    [n, tag, warehouseId],
  );
  return rows.map((r) => r.id);
}

/** StartErasure for every item, written into the outbox in one statement. */
export async function writeStartErasure(
  db: pg.Pool,
  itemIds: string[],
  organisationId: string | null,
  runAt?: Date,
): Promise<void> {
  for (let i = 0; i < itemIds.length; i += 5000) {
    await db.query(
      `INSERT INTO outbox (queue, name, payload, run_at)
       SELECT 'erasure', 'start-erasure',
              jsonb_build_object('itemId', id, 'at', 'warehouse', 'organisationId', $2::uuid,
                                 'requestedBy', NULL),
              coalesce($3::timestamptz, now())
         FROM unnest($1::uuid[]) AS id`,
      [itemIds.slice(i, i + 5000), organisationId, runAt ?? null],
    );
  }
  await db.query(`SELECT pg_notify('reloop_outbox', '')`);
}

/** Where the erasure work stands, in figures. */
export async function erasureFigures(db: pg.Pool, itemIds: string[]) {
  const q = (sql: string) => count(db, sql, [itemIds]);
  return {
    items: itemIds.length,
    itemsCertified: await q(
      `SELECT count(*) AS n FROM items WHERE id = ANY($1::uuid[]) AND erasure_status = 'certified'`,
    ),
    itemsWithoutWipe: await q(
      `SELECT count(*) AS n FROM items i WHERE i.id = ANY($1::uuid[])
          AND NOT EXISTS (SELECT 1 FROM erasures e WHERE e.item_id = i.id)`,
    ),
    wipesUnfinished: await q(
      `SELECT count(*) AS n FROM erasures WHERE item_id = ANY($1::uuid[])
          AND state NOT IN ('SUCCEEDED', 'AWAITING_DESTRUCTION', 'DESTROYED')`,
    ),
    wipesPerMediumAboveOne: await q(
      `SELECT count(*) AS n FROM (SELECT medium_id FROM erasures WHERE item_id = ANY($1::uuid[])
          AND state = 'SUCCEEDED' GROUP BY medium_id HAVING count(*) > 1) d`,
    ),
    duplicateCertificates: await q(
      `SELECT coalesce(sum(c - 1), 0) AS n FROM (SELECT count(*) AS c FROM certificates
          WHERE item_id = ANY($1::uuid[]) AND revoked_at IS NULL GROUP BY medium_id, kind) d`,
    ),
    certificates: await q(
      `SELECT count(*) AS n FROM certificates WHERE item_id = ANY($1::uuid[]) AND kind = 'erasure'`,
    ),
  };
}

/** Outbox rows not finished (never published, or published and not completed) or failed. */
export async function outboxFigures(db: pg.Pool) {
  return {
    rows: await count(db, 'SELECT count(*) AS n FROM outbox'),
    unpublished: await count(db, 'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL'),
    notCompleted: await count(db, 'SELECT count(*) AS n FROM outbox WHERE completed_at IS NULL'),
    failed: await count(db, 'SELECT count(*) AS n FROM outbox WHERE failed_at IS NOT NULL'),
    republished: await count(db, 'SELECT coalesce(sum(republished), 0) AS n FROM outbox'),
  };
}

/** Polls `check` until it returns true or the time is up; returns whether it did. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}

/** A throwaway PostgreSQL and Redis, a migrated database, and the platform processes on them. */
export class FaultStack {
  readonly processes: PlatformProcess[] = [];
  private constructor(
    readonly postgres: ThrowawayPostgres,
    readonly redis: ThrowawayRedis,
    readonly db: pg.Pool,
    readonly env: PlatformEnv,
  ) {}

  static async start(
    name: string,
    extra: Record<string, string> = {},
    redisOpts: { appendOnly?: boolean } = {},
  ): Promise<FaultStack> {
    const postgres = await ThrowawayPostgres.start();
    const redis = await ThrowawayRedis.start(redisOpts);
    const url = await migratedDatabase(postgres, name);
    const env = platformEnv(url, redis.url);
    env.extra = {
      OUTBOX_POLL_MS: '200',
      RECONCILE_INTERVAL_MS: '1000',
      RECONCILE_STALE_AFTER_MS: '2000',
      ERASURE_SIM_FAILURE_RATE: '0',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...extra,
    };
    return new FaultStack(postgres, redis, pool(url), env);
  }

  async api(): Promise<PlatformProcess> {
    const p = new PlatformProcess('api', this.env);
    this.processes.push(p);
    await p.start();
    return p;
  }

  async worker(): Promise<PlatformProcess> {
    const p = new PlatformProcess('worker', this.env);
    this.processes.push(p);
    await p.start();
    return p;
  }

  get crashes(): number {
    return this.processes.reduce((s, p) => s + p.crashes, 0);
  }

  /** Redis key of a job (the same as QueueService.jobKey). */
  jobKey(queue: string, id: string): string {
    return `${this.env.queuePrefix}:${queue}:${id}`;
  }

  async destroy(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.close()));
    await this.db.end().catch(() => undefined);
    await this.redis.destroy();
    await this.postgres.destroy();
  }
}

/** POST as a seeded user; never throws (a refused connection answers status 0). */
export async function post(
  base: string,
  path: string,
  user: SeededUser,
  body: unknown = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${user.token}`,
        ...headers,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed };
  } catch {
    return { status: 0, body: null };
  }
}

export async function serverVersions(stack: FaultStack): Promise<Record<string, string>> {
  const { rows } = await stack.db.query<{ v: string }>(
    "SELECT current_setting('server_version') AS v",
  );
  const r = stack.redis.client();
  const info = await r.info('server');
  r.disconnect();
  return {
    postgresql: rows[0].v,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    node: process.versions.node,
  };
}
