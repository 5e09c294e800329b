import { describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { boundHeapGrowth, releaseBootMemory } from './boot-memory.js';

/** Allocates about 60 MB that is garbage as soon as this returns; the heap it grew to. */
function leaveGarbage(): number {
  const garbage: Array<{ i: number; s: string }> = [];
  for (let i = 0; i < 1_000_000; i++) garbage.push({ i, s: `x${i}` });
  return process.memoryUsage().heapUsed;
}

/**
 * Requests in flight, as the heap sees them: ~30 MB alive at any time, each batch living long
 * enough to be promoted to the old generation, then dropped. How far the heap grew (MB).
 */
async function promotedGarbage(): Promise<number> {
  releaseBootMemory();
  const start = process.memoryUsage().heapTotal;
  const live: Array<Array<{ round: number; i: number; s: string }>> = [];
  let peak = start;
  for (let round = 0; round < 300; round++) {
    const batch: (typeof live)[number] = [];
    for (let i = 0; i < 20_000; i++) batch.push({ round, i, s: `v${round}-${i}` });
    live.push(batch);
    if (live.length > 20) live.shift();
    await new Promise((resolve) => setImmediate(resolve));
    peak = Math.max(peak, process.memoryUsage().heapTotal);
  }
  return (peak - start) / 1024 / 1024;
}

describe('releaseBootMemory', () => {
  it('gives back the heap that garbage left behind, without exposing gc to the program', () => {
    const grown = leaveGarbage();
    releaseBootMemory();
    expect(process.memoryUsage().heapUsed).toBeLessThan(grown - 30 * 1024 * 1024);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});

describe('boundHeapGrowth', () => {
  it('collects promoted garbage before the heap doubles, where V8 alone lets it grow further', async () => {
    const unbounded = await promotedGarbage();
    try {
      boundHeapGrowth();
      const bounded = await promotedGarbage();
      expect(bounded).toBeLessThan(unbounded * 0.7);
    } finally {
      setFlagsFromString('--heap-growing-percent=0'); // V8's own choice again, for other tests
    }
  });
});
