import { loadConfig } from '../config/app-config.js';

/** An address to reach a server bound to `host` from this machine. */
function local(host: string, port: number, path: string): string {
  const h = host.replace(/^(0\.0\.0\.0|::)$/, '127.0.0.1');
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}${path}`;
}

async function ask(url: string): Promise<{ ok: boolean; body: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return { ok: res.status === 200, body: await res.text() };
  } catch (err) {
    return { ok: false, body: `no answer from ${url} (${(err as Error).message})` };
  }
}

/**
 * `node dist/src/main.js health [api]`: asks this machine's running process whether it is
 * healthy and exits 0 (yes) or 1 (no, or no answer) — what the image's HEALTHCHECK runs, for
 * every mode. Without an argument it asks the operations port (PostgreSQL, Redis and, for a
 * worker, its queues) and, when that process serves the API (api and all modes), the API's own
 * `/health` too; with `api`, only the API's `/health` (for METRICS_PORT=0).
 */
export async function healthCli(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<number> {
  const config = loadConfig(env);
  if (args[0] === 'api') {
    const api = await ask(local(config.host, config.port, '/health'));
    (api.ok ? console.log : console.error)(api.body);
    return api.ok ? 0 : 1;
  }
  if (config.metrics.port === 0) {
    console.error('reloop health: METRICS_PORT=0 turns the health port off; use `health api`');
    return 1;
  }
  const ops = await ask(local(config.metrics.host, config.metrics.port, '/health'));
  (ops.ok ? console.log : console.error)(ops.body);
  let apiPort: number | null = null;
  try {
    apiPort = (JSON.parse(ops.body) as { apiPort?: number | null }).apiPort ?? null;
  } catch {
    // no JSON: no answer, already reported
  }
  if (!ops.ok || apiPort === null) return ops.ok ? 0 : 1;
  const api = await ask(local(config.host, apiPort, '/health'));
  (api.ok ? console.log : console.error)(api.body);
  return api.ok ? 0 : 1;
}
