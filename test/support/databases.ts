import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureDatabase, migrate } from '../../src/database/database.js';

// The only place tests read the environment: where the test PostgreSQL and Redis are.
const BASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/reloop_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1';
export const TEMPLATE_DATABASE_URL = BASE_URL;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(BASE_URL, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const TEMPLATE_LOCK_ID = 724_311_099;
let templateReady: Promise<void> | undefined;

/**
 * The migrated template, made by the first test file of the run (global setup dropped the old
 * one); other Jest workers wait on an advisory lock and then find it ready.
 */
function ensureTemplate(): Promise<void> {
  templateReady ??= admin(async (c) => {
    await c.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_ID]);
    try {
      const name = new URL(TEMPLATE_DATABASE_URL).pathname.slice(1);
      const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) {
        await ensureDatabase(TEMPLATE_DATABASE_URL);
        await migrate(TEMPLATE_DATABASE_URL);
        // A template must have no open connections while it is cloned.
        await c.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_ID]);
    }
  });
  return templateReady;
}

/** A new database cloned from the migrated template; returns its URL. */
export async function cloneTemplateDatabase(): Promise<string> {
  await ensureTemplate();
  const template = new URL(TEMPLATE_DATABASE_URL).pathname.slice(1);
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      return withDatabase(BASE_URL, name);
    } catch (err) {
      // "source database is being accessed by other users": another clone is in progress.
      if (attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch(
    () => undefined,
  );
}
