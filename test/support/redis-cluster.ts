import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway Redis Cluster of masters on loopback, for one test file. */
export interface RedisClusterFixture {
  /** `127.0.0.1:P1,127.0.0.1:P2,…`, as REDIS_CLUSTER_NODES takes it. */
  nodes: string;
  ports: number[];
  /** Stops every server and removes their data; safe to call twice. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether nothing listens on this loopback port now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port P with P and its cluster bus port P + 10000 both free. Taken from 44000–44999 (other
 * tests use other parts of 40000–46000; the bus ports land in 54000–54999).
 */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 44000 + Math.floor(Math.random() * 1000);
    if (taken.has(port)) continue;
    if ((await portFree(port)) && (await portFree(port + 10000))) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node in 44000-44999');
}

const cli = (port: number, ...args: string[]) =>
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    encoding: 'utf8',
    timeout: 10_000,
  });

/**
 * Starts `masters` redis-server processes with cluster mode on (no persistence, data in a
 * temporary folder), joins them with `redis-cli --cluster create` (no replicas), and waits until
 * every node reports cluster_state:ok. On any failure it stops what it started.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'reloop-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const taken = new Set<number>();
    for (let i = 0; i < masters; i++) {
      const port = await clusterPort(taken);
      taken.add(port);
      ports.push(port);
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--maxmemory-policy',
          'noeviction',
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
    }
    for (const port of ports) {
      for (let i = 0; cli(port, 'ping').stdout.trim() !== 'PONG'; i++) {
        if (i > 100) throw new Error(`redis-server on port ${port} did not answer`);
        await sleep(100);
      }
    }
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0) {
      throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    }
    for (const port of ports) {
      for (let i = 0; !cli(port, 'cluster', 'info').stdout.includes('cluster_state:ok'); i++) {
        if (i > 200) throw new Error(`the cluster node on port ${port} never reported ok`);
        await sleep(100);
      }
    }
    return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), ports, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
