// Throwaway PostgreSQL and Redis servers for fault injection. They never touch the shared
// servers on 5432/6379: each lives in its own temp dir on a free high port.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A port nobody listens on now (above 20000, away from the shared servers). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    if (port > 20000) return port;
  }
}

/** A port in [from, to] nobody listens on now (tests that must stay in a given range). */
export async function freePortBetween(from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`No free port between ${from} and ${to}`);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`Timed out waiting for ${what}`);
}

function pgBin(name: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  return join('/usr/lib/postgresql', versions[0], 'bin', name);
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb refuses root). */
async function runPg(bin: string, args: string[]): Promise<void> {
  const cmd = isRoot() ? 'runuser' : pgBin(bin);
  const full = isRoot() ? ['-u', 'postgres', '--', pgBin(bin), ...args] : args;
  await promisify(execFile)(cmd, full, { encoding: 'utf8' });
}

export interface ThrowawayPostgresOptions {
  /** A fixed port (default: any free one above 20000). */
  port?: number;
  /** More `-c name=value` server settings, e.g. { log_statement: 'all' }. */
  settings?: Record<string, string>;
}

export class ThrowawayPostgres {
  readonly dir: string;
  private constructor(
    readonly port: number,
    private readonly settings: Record<string, string> = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'reloop-faults-pg-'));
    if (isRoot()) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(this.dir, uid, gid);
    }
    chmodSync(this.dir, 0o700);
  }

  static async start(opts: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
    const server = new ThrowawayPostgres(opts.port ?? (await freePort()), opts.settings);
    await runPg('initdb', [
      '-D',
      join(server.dir, 'data'),
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
    ]);
    await server.startServer();
    return server;
  }

  /**
   * A streaming replica of this server (`pg_basebackup -R`: it follows the primary as a hot
   * standby). initdb's trust pg_hba.conf already lets loopback connect for replication.
   */
  async startReplica(opts: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
    const replica = new ThrowawayPostgres(opts.port ?? (await freePort()), opts.settings);
    await runPg('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(this.port),
      '-U',
      'postgres',
      '-D',
      join(replica.dir, 'data'),
      '-R',
      '-X',
      'stream',
    ]);
    await replica.startServer();
    await until('the replica to stream', async () => {
      const c = new pg.Client({ connectionString: this.url() });
      await c.connect();
      try {
        const { rows } = await c.query<{ state: string }>('SELECT state FROM pg_stat_replication');
        return rows.some((r) => r.state === 'streaming');
      } finally {
        await c.end();
      }
    });
    return replica;
  }

  /** What the server logged so far (every statement when started with log_statement=all). */
  log(): string {
    return readFileSync(join(this.dir, 'log'), 'utf8');
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private async startServer(): Promise<void> {
    await runPg('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'log'),
      '-o',
      [
        `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        '-c max_connections=300',
        ...Object.entries(this.settings).map(([k, v]) => `-c ${k}=${v}`),
      ].join(' '),
      '-w',
      'start',
    ]);
    await until('PostgreSQL', () => this.ready());
  }

  async ready(): Promise<boolean> {
    const c = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 1000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /** `pg_ctl stop -m fast`: every connection is dropped. */
  async stop(): Promise<void> {
    await runPg('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }

  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs > 0) await sleep(downMs);
    await this.startServer();
  }

  async destroy(): Promise<void> {
    try {
      if (existsSync(join(this.dir, 'data', 'postmaster.pid'))) {
        await runPg('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      }
    } catch {
      // already down
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class ThrowawayRedis {
  private process: ChildProcess | null = null;
  readonly dir: string;
  private constructor(
    readonly port: number,
    private readonly appendOnly: boolean,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'reloop-faults-redis-'));
  }

  static async start(opts: { appendOnly?: boolean } = {}): Promise<ThrowawayRedis> {
    const r = new ThrowawayRedis(await freePort(), opts.appendOnly ?? false);
    await r.startServer();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async startServer(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--appendonly',
      this.appendOnly ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
    ];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.process = child;
    child.on('exit', () => {
      if (this.process === child) this.process = null;
    });
    await until('Redis', () => this.ready());
  }

  async ready(): Promise<boolean> {
    const c = this.client({ lazyConnect: true, retryStrategy: () => null });
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      c.disconnect();
    }
  }

  client(opts: Record<string, unknown> = {}): Redis {
    const c = new Redis(this.url, { maxRetriesPerRequest: 1, ...opts });
    c.on('error', () => undefined);
    return c;
  }

  /** Graceful: `SHUTDOWN NOSAVE` (nothing kept unless append-only is on), then start again. */
  async restartGraceful(downMs = 500): Promise<void> {
    const c = this.client();
    await c.call('SHUTDOWN', this.appendOnly ? 'SAVE' : 'NOSAVE').catch(() => undefined);
    c.disconnect();
    await this.waitExit();
    await sleep(downMs);
    await this.startServer();
  }

  /** `kill -9`, then start again. */
  async restartKilled(downMs = 500): Promise<void> {
    this.process?.kill('SIGKILL');
    await this.waitExit();
    await sleep(downMs);
    await this.startServer();
  }

  private async waitExit(): Promise<void> {
    const p = this.process;
    if (!p) return;
    if (p.exitCode === null && p.signalCode === null) {
      await new Promise<void>((r) => p.once('exit', () => r()));
    }
    this.process = null;
  }

  async flushAll(): Promise<void> {
    const c = this.client();
    await c.flushall();
    c.disconnect();
  }

  async destroy(): Promise<void> {
    this.process?.kill('SIGKILL');
    await this.waitExit();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
