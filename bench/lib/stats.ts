/** Latency samples (milliseconds) and the few statistics the bench reports. */
export class Samples {
  readonly values: number[] = [];
  errors = 0;

  add(ms: number): void {
    this.values.push(ms);
  }

  get count(): number {
    return this.values.length;
  }

  percentile(p: number): number {
    if (this.values.length === 0) return NaN;
    const sorted = [...this.values].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank];
  }
}

export function percentile(values: readonly number[], p: number): number {
  const s = new Samples();
  for (const v of values) s.add(v);
  return s.percentile(p);
}

/** Runs `tasks` with at most `concurrency` in flight; returns the wall time in ms. */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i], i);
    }
  });
  await Promise.all(lanes);
  return performance.now() - started;
}

/** Total time covered by a set of [start, end] intervals (overlaps counted once). */
export function busyTime(intervals: Array<[number, number]>): number {
  const sorted = intervals.filter(([a, b]) => b >= a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const [a, b] of sorted) {
    if (a > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else if (b > curEnd) {
      curEnd = b;
    }
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

export const fmt = (x: number, digits = 1): string =>
  Number.isFinite(x) ? x.toFixed(digits) : '–';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls the database (the bench observes; only the journey's steps go through HTTP). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null>,
  timeoutMs = 180_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
