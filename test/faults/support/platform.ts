// The platform as real, separate processes (`node dist/src/main.js api|worker`), started,
// killed and restarted by the fault tests. The build is made once by scripts/test-faults.mjs.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, sleep } from './servers.js';

const DIST = resolve(process.env.FAULTS_DIST ?? 'dist');
const LOGS = resolve('test-results', 'faults', 'logs');

export interface PlatformEnv {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  jwtSecret: string;
  extra?: Record<string, string>;
}

export function platformEnv(databaseUrl: string, redisUrl: string): PlatformEnv {
  return {
    databaseUrl,
    redisUrl,
    queuePrefix: `f${randomBytes(4).toString('hex')}`,
    jwtSecret: randomBytes(32).toString('hex'),
  };
}

let counter = 0;

/** One platform process. `crashed` counts exits we did not cause. */
export class PlatformProcess {
  private child: ChildProcess | null = null;
  private log: WriteStream;
  readonly name: string;
  port = 0;
  crashes = 0;
  starts = 0;
  private expectingExit = false;
  private output = '';

  constructor(
    readonly mode: 'api' | 'worker',
    private readonly env: PlatformEnv,
    private readonly extra: Record<string, string> = {},
  ) {
    this.name = `${mode}-${++counter}`;
    mkdirSync(LOGS, { recursive: true });
    this.log = createWriteStream(join(LOGS, `${this.name}.log`), { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    if (port) this.port = port;
    if (!this.port && this.mode === 'api') this.port = await freePort();
    this.expectingExit = false;
    this.output = '';
    const child = spawn(process.execPath, [join(DIST, 'src', 'main.js'), this.mode], {
      cwd: resolve('.'),
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        // The journey needs wipes; no real station runs here (the simulator, marked as such).
        ERASURE_STATION: 'simulated',
        LOG_LEVEL: 'info',
        DATABASE_URL: this.env.databaseUrl,
        REDIS_URL: this.env.redisUrl,
        QUEUE_PREFIX: this.env.queuePrefix,
        JWT_SECRET: this.env.jwtSecret,
        HOST: '127.0.0.1',
        PORT: String(this.port),
        ...this.env.extra,
        ...this.extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts++;
    const onData = (chunk: Buffer) => {
      this.log.write(chunk);
      if (this.output.length < 200_000) this.output += chunk.toString();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code, signal) => {
      this.log.write(`\n### exit code=${code} signal=${signal}\n`);
      if (!this.expectingExit) this.crashes++;
    });
    const ready = this.mode === 'api' ? /listening on http/ : /Reloop workers started/;
    const deadline = Date.now() + 60_000;
    while (!ready.test(this.output)) {
      if (!this.alive) throw new Error(`${this.name} exited while starting:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not start:\n${this.output}`);
      await sleep(50);
    }
  }

  /** `kill -9`. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    this.expectingExit = true;
    child.kill('SIGKILL');
    await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    this.child = null;
  }

  /** SIGTERM, and wait for the graceful shutdown. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    this.expectingExit = true;
    child.kill('SIGTERM');
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    await Promise.race([exited, sleep(15_000)]);
    if (this.alive) child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  close(): Promise<void> {
    return this.stop().finally(() => this.log.end());
  }
}
