import { Pool } from 'undici';
import { Samples } from './stats.js';

export interface Reply<T> {
  status: number;
  body: T;
}

/** A keep-alive HTTP client that records each call's latency under an endpoint label. */
export class Client {
  private readonly pool: Pool;
  readonly latencies = new Map<string, Samples>();

  constructor(
    readonly baseUrl: string,
    connections: number,
  ) {
    this.pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  samples(label: string): Samples {
    let s = this.latencies.get(label);
    if (!s) {
      s = new Samples();
      this.latencies.set(label, s);
    }
    return s;
  }

  async call<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    opts: { token?: string; body?: unknown; label?: string; expect?: number[] } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    const res = await this.pool.request({
      method,
      path,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.body.text();
    const ms = performance.now() - started;
    const ok = (opts.expect ?? [200, 201]).includes(res.statusCode);
    if (opts.label) {
      const s = this.samples(opts.label);
      if (ok) s.add(ms);
      else s.errors++;
    }
    const body = (text ? JSON.parse(text) : null) as T;
    if (!ok) {
      throw new Error(`${method} ${path} → ${res.statusCode}: ${text.slice(0, 300)}`);
    }
    return { status: res.statusCode, body };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
