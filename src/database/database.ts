import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ConfigError } from '../config/app-config.js';
import { ALL_MIGRATIONS } from '../../migrations/index.js';

/** A lock id of our own for `pg_advisory_lock`: two instances never migrate at once. */
const MIGRATION_LOCK_ID = 724_311_001;

export function typeOrmOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    uuidExtension: 'pgcrypto',
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    // A busy pool makes callers wait rather than fail: jobs retry with backoff otherwise.
    extra: { max: poolSize, connectionTimeoutMillis: 30_000 },
  };
}

/** Explains a connection failure in one line, with what to do about it. */
export function describeDatabaseError(databaseUrl: string, err: unknown): ConfigError {
  const url = new URL(databaseUrl);
  const where = `${url.hostname}:${url.port || 5432}`;
  const code = (err as { code?: string }).code ?? '';
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') {
    return new ConfigError(
      `Cannot reach PostgreSQL at ${where} (${code}): start it (e.g. \`pg_ctlcluster --skip-systemctl-redirect 15 main start\`) or point DATABASE_URL at a running server`,
    );
  }
  if (code === '28P01' || code === '28000') {
    return new ConfigError(
      `PostgreSQL at ${where} refused the credentials in DATABASE_URL (${msg}): fix the user or password`,
    );
  }
  return new ConfigError(`PostgreSQL at ${where} failed: ${msg}`);
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new ConfigError(`DATABASE_URL names database "${name}": use letters, digits, _ or -`);
  }
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created meanwhile by another instance
      });
    }
  } catch (err) {
    throw describeDatabaseError(databaseUrl, err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Applies pending migrations under an advisory lock; returns the names applied. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const lock = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await lock.connect();
  } catch (err) {
    throw describeDatabaseError(databaseUrl, err);
  }
  const dataSource = new DataSource(typeOrmOptions(databaseUrl));
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lock.end().catch(() => undefined);
  }
}

export async function revertLastMigration(databaseUrl: string): Promise<void> {
  const dataSource = new DataSource(typeOrmOptions(databaseUrl));
  await dataSource.initialize();
  try {
    await dataSource.undoLastMigration({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Reverts the newest migrations down to and including `name` (the ones after it first, as their
 * down steps expect); returns the names reverted, newest first. Refuses when `name` is not applied.
 */
export async function revertMigrationsThrough(
  databaseUrl: string,
  name: string,
): Promise<string[]> {
  const dataSource = new DataSource(typeOrmOptions(databaseUrl));
  await dataSource.initialize();
  try {
    const applied = await dataSource.query<Array<{ name: string }>>(
      'SELECT name FROM schema_migrations ORDER BY id DESC',
    );
    const upTo = applied.findIndex((m) => m.name === name);
    if (upTo < 0) throw new Error(`migration ${name} is not applied`);
    for (let i = 0; i <= upTo; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    return applied.slice(0, upTo + 1).map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
