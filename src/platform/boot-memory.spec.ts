import { describe, expect, it } from '@jest/globals';
import { releaseBootMemory } from './boot-memory.js';

/** Allocates about 60 MB that is garbage as soon as this returns; the heap it grew to. */
function leaveGarbage(): number {
  const garbage: Array<{ i: number; s: string }> = [];
  for (let i = 0; i < 1_000_000; i++) garbage.push({ i, s: `x${i}` });
  return process.memoryUsage().heapUsed;
}

describe('releaseBootMemory', () => {
  it('gives back the heap that garbage left behind, without exposing gc to the program', () => {
    const grown = leaveGarbage();
    releaseBootMemory();
    expect(process.memoryUsage().heapUsed).toBeLessThan(grown - 30 * 1024 * 1024);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
