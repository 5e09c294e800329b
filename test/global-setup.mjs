// Once per `jest` run: drop the template database so the first test app migrates a fresh one
// (see test/support/databases.ts). Plain JS: Jest loads global setup outside its ESM transform.
import pg from 'pg';

export default async function globalSetup() {
  if (process.env.RELOOP_TEST_NO_DB === '1') return;
  const base = new URL(
    process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/reloop_test',
  );
  const name = base.pathname.slice(1);
  base.pathname = '/postgres';
  const client = new pg.Client({ connectionString: base.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
