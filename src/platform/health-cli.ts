import { loadConfig } from '../config/app-config.js';

/**
 * `node dist/src/main.js health [api]`: asks this machine's running process whether it is
 * healthy and exits 0 (yes) or 1 (no, or no answer) — what a container HEALTHCHECK runs.
 * Without an argument it asks the operations port (PostgreSQL, Redis and, for a worker, its
 * queues); with `api`, the API's own `/health`.
 */
export async function healthCli(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<number> {
  const config = loadConfig(env);
  const api = args[0] === 'api';
  if (!api && config.metrics.port === 0) {
    console.error('reloop health: METRICS_PORT=0 turns the health port off; use `health api`');
    return 1;
  }
  const host = (api ? config.host : config.metrics.host).replace(/^(0\.0\.0\.0|::)$/, '127.0.0.1');
  const port = api ? config.port : config.metrics.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/health`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    console.log(body);
    return res.status === 200 ? 0 : 1;
  } catch (err) {
    console.error(`reloop health: no answer from ${url} (${(err as Error).message})`);
    return 1;
  }
}
