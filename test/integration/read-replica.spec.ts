// Moved from test/e2e/read-replica.e2e.spec.ts (issue 20 point 5): this test asks the app's
// ReadDatabase and DataSource which server each one talks to, so its subject is the database
// wiring, not the HTTP surface. Same set-up as the e2e file: a throwaway primary with a real
// streaming replica (pg_basebackup -R) and DATABASE_READ_URL pointing at it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReadDatabase } from '../../src/database/read-database.js';
import { ensureDatabase, migrate } from '../../src/database/database.js';
import { freePortBetween, ThrowawayPostgres } from '../faults/support/servers.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

// This machine's throwaway servers live on 5500–5599 (the shared ones on 5432/6379).
const PORTS = [5500, 5599] as const;

describe('read replica: passport, market, timeline and support search read off the primary', () => {
  let primary: ThrowawayPostgres | undefined;
  let replica: ThrowawayPostgres | undefined;
  let t: TestApp | undefined;

  const app = () => t as TestApp;

  beforeAll(async () => {
    primary = await ThrowawayPostgres.start({ port: await freePortBetween(...PORTS) });
    replica = await primary.startReplica({
      port: await freePortBetween(primary.port + 1, PORTS[1]),
    });
    const databaseUrl = primary.url('reloop');
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
    t = await createTestApp({
      DATABASE_URL: databaseUrl,
      DATABASE_READ_URL: replica.url('reloop'),
      RELOOP_MODE: 'api',
    });
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await replica?.destroy();
    await primary?.destroy();
  }, 60_000);

  it('reads through a connection to the standby, writes through the primary', async () => {
    const reads = app().app.get(ReadDatabase);
    const [standby] = await reads.replica.query<Array<{ r: boolean; port: number }>>(
      "SELECT pg_is_in_recovery() AS r, current_setting('port')::int AS port",
    );
    expect(standby).toEqual({ r: true, port: replica?.port });
    const [main] = await app().dataSource.query<Array<{ r: boolean }>>(
      'SELECT pg_is_in_recovery() AS r',
    );
    expect(main.r).toBe(false);
  });
});
