import { readFileSync } from 'node:fs';
import { Client } from './lib/http.js';
import { startProcess, stopProcess, waitForHealth } from './lib/processes.js';
import { runPool, sleep } from './lib/stats.js';

/** One burst against an API started with `API_WORKERS=processes`. */
export interface ApiProcessesRound {
  processes: number;
  transitions: number;
  errors: number;
  seconds: number;
  perSecond: number;
  /** CPU the API processes (supervisor and workers) used per transition, and in cores. */
  cpuMsPerTransition: number;
  cores: number;
}

/** CPU seconds (user + system) of a process and its children, from /proc (Linux). */
function cpuSecondsOfTree(pid: number): number {
  const ticks = (p: number) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    } catch {
      return 0;
    }
  };
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    // not Linux, or gone
  }
  return [pid, ...children].reduce((sum, p) => sum + ticks(p), 0) / 100;
}

export interface ApiProcessesResult {
  cases: number;
  concurrency: number;
  rounds: ApiProcessesRound[];
  /** The mean of the rounds per process count, and 2 over 1. */
  perSecond: { one: number; two: number; ratio: number };
}

/**
 * Issue 27 point 3: the same transition burst against `main.js api` with API_WORKERS=1 and
 * API_WORKERS=2 (the supervisor and its workers on one port), in the order 1, 2, 2, 1 so that a
 * drift of the machine's load over the run weighs on both alike. Each case is four support-case
 * transitions over HTTP (open, assign, resolve, close) by the demo support user: the API's
 * transition path (token check, validation, one transaction with history and outbox) without
 * depending on the queues, so the job workers' load does not blur the comparison.
 */
export async function measureApiProcesses(opts: {
  env: Record<string, string>;
  freePort: () => Promise<number>;
  cases: number;
  concurrency: number;
  log: (line: string) => void;
}): Promise<ApiProcessesResult> {
  const rounds: ApiProcessesRound[] = [];
  for (const processes of [1, 2, 2, 1]) {
    const port = await opts.freePort();
    const opsPort = await opts.freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const api = startProcess(`api×${processes}`, 'api', {
      ...opts.env,
      API_WORKERS: String(processes),
      PORT: String(port),
      HOST: '127.0.0.1',
      METRICS_PORT: String(opsPort),
      METRICS_HOST: '127.0.0.1',
    });
    try {
      await waitForHealth(baseUrl, api, 120_000);
      // Every worker serving (the supervisor's health), not only the first one up.
      const opsHealth = `http://127.0.0.1:${opsPort}/health`;
      for (let i = 0; i < 240; i++) {
        if ((await fetch(opsHealth).catch(() => null))?.ok) break;
        await sleep(250);
      }
      const client = new Client(baseUrl, opts.concurrency);
      const { accessToken } = (
        await client.call<{ accessToken: string }>('POST', '/api/v1/auth/login', {
          body: { email: 'support@reloop.demo', password: 'reloop-demo-2026' },
        })
      ).body;
      const me = (await client.call<{ id: string }>('GET', '/api/v1/me', { token: accessToken }))
        .body;
      let errors = 0;
      const oneCase = async (i: number) => {
        try {
          const opened = await client.call<{ id: string; version: number }>(
            'POST',
            '/api/v1/support/cases',
            {
              token: accessToken,
              body: { kind: 'general', summary: `bench ${processes} process(es), case ${i}` },
            },
          );
          const path = `/api/v1/support/cases/${opened.body.id}`;
          const assigned = await client.call<{ version: number }>('POST', `${path}/assign`, {
            token: accessToken,
            body: { assigneeId: me.id, version: opened.body.version },
          });
          const resolved = await client.call<{ version: number }>('POST', `${path}/resolve`, {
            token: accessToken,
            body: { resolution: 'answered by the bench', version: assigned.body.version },
          });
          await client.call('POST', `${path}/close`, {
            token: accessToken,
            body: { version: resolved.body.version },
          });
        } catch {
          errors++;
        }
      };
      // A warm-up that is not counted: each process's JIT compiles its hot paths over its first
      // ~2 000 transitions (measured: CPU per transition falls by ~40 % over them), and with
      // two processes each pays it on half the requests. A short warm-up made the comparison
      // one of cold processes (issue 27 point 3).
      await runPool(
        Array.from({ length: opts.cases * 2 * processes }, (_, i) => i),
        opts.concurrency,
        (i) => oneCase(-1 - i),
      );
      errors = 0;
      const cpuBefore = cpuSecondsOfTree(api.child.pid ?? 0);
      const ms = await runPool(
        Array.from({ length: opts.cases }, (_, i) => i),
        opts.concurrency,
        (i) => oneCase(i),
      );
      const cpu = cpuSecondsOfTree(api.child.pid ?? 0) - cpuBefore;
      await client.close();
      const transitions = (opts.cases - errors) * 4;
      const round = {
        processes,
        transitions,
        errors,
        seconds: ms / 1000,
        perSecond: transitions / (ms / 1000),
        cpuMsPerTransition: (cpu * 1000) / Math.max(1, transitions),
        cores: cpu / (ms / 1000),
      };
      opts.log(
        `  API_WORKERS=${processes}: ${transitions} transitions in ${round.seconds.toFixed(1)} s = ${round.perSecond.toFixed(0)}/s, API CPU ${round.cpuMsPerTransition.toFixed(1)} ms each, ${round.cores.toFixed(2)} cores (${errors} errors)`,
      );
      rounds.push(round);
    } finally {
      await stopProcess(api);
    }
  }
  const mean = (n: number) => {
    const of = rounds.filter((r) => r.processes === n);
    return of.reduce((sum, r) => sum + r.perSecond, 0) / of.length;
  };
  const one = mean(1);
  const two = mean(2);
  return {
    cases: opts.cases,
    concurrency: opts.concurrency,
    rounds,
    perSecond: { one, two, ratio: two / one },
  };
}
