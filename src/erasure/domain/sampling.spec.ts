import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  assignReverifier,
  NoEligibleReverifierError,
  requiredSampleSize,
  samplingReport,
  samplingScore,
  selectForReverification,
  shouldSample,
  type SampledWipe,
} from './sampling.js';

function batch(batchId: string, n: number, operators = ['op-a', 'op-b', 'op-c']): SampledWipe[] {
  return Array.from({ length: n }, (_, i) => ({
    wipeId: `${batchId}-w${i}`,
    batchId,
    operatorId: operators[i % operators.length],
  }));
}

describe('selectForReverification', () => {
  it('picks at least ceil(5 % · N) in every batch', () => {
    const wipes = [...batch('b1', 100), ...batch('b2', 7), ...batch('b3', 1), ...batch('b4', 21)];
    const picked = selectForReverification(wipes, { salt: 's' });
    const count = (b: string) => picked.filter((w) => w.batchId === b).length;
    expect(count('b1')).toBeGreaterThanOrEqual(5);
    expect(count('b2')).toBeGreaterThanOrEqual(1);
    expect(count('b3')).toBe(1);
    expect(count('b4')).toBeGreaterThanOrEqual(2);
  });

  it('holds the guarantee for any batch sizes, rates and salts (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 5 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.string(),
        (sizes, rate, salt) => {
          const wipes = sizes.flatMap((n, i) => batch(`b${i}`, n));
          const picked = selectForReverification(wipes, { rate, salt });
          sizes.forEach((n, i) => {
            const inBatch = picked.filter((w) => w.batchId === `b${i}`).length;
            expect(inBatch).toBeGreaterThanOrEqual(Math.ceil(rate * n - 1e-9));
            expect(inBatch).toBeLessThanOrEqual(n);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is deterministic, and never un-picks a wipe picked at wipe time', () => {
    const wipes = batch('b', 400);
    const a = selectForReverification(wipes, { salt: 'k' });
    expect(
      selectForReverification([...wipes].reverse(), { salt: 'k' })
        .map((w) => w.wipeId)
        .sort(),
    ).toEqual(a.map((w) => w.wipeId).sort());
    const immediate = wipes.filter((w) => shouldSample(w.wipeId, { salt: 'k' }));
    const pickedIds = new Set(a.map((w) => w.wipeId));
    for (const w of immediate) expect(pickedIds.has(w.wipeId)).toBe(true);
    // growing the batch keeps earlier picks
    const grown = new Set(
      selectForReverification(batch('b', 800), { salt: 'k' }).map((w) => w.wipeId),
    );
    for (const w of immediate) expect(grown.has(w.wipeId)).toBe(true);
  });

  it('samples close to the rate on large batches, and the salt changes the choice', () => {
    const wipes = batch('big', 10_000);
    const picked = selectForReverification(wipes, { salt: 'x' });
    expect(picked.length / wipes.length).toBeGreaterThanOrEqual(0.05);
    expect(picked.length / wipes.length).toBeLessThan(0.06);
    const other = new Set(selectForReverification(wipes, { salt: 'y' }).map((w) => w.wipeId));
    expect(picked.filter((w) => other.has(w.wipeId)).length).toBeLessThan(picked.length / 2);
  });

  it('ignores duplicate wipes and validates the rate', () => {
    const wipes = batch('b', 10);
    expect(selectForReverification([...wipes, ...wipes], { rate: 0.5, salt: 'd' })).toHaveLength(
      selectForReverification(wipes, { rate: 0.5, salt: 'd' }).length,
    );
    expect(() => selectForReverification(wipes, { rate: 0 })).toThrow();
    expect(() => selectForReverification(wipes, { rate: 1.5 })).toThrow();
  });

  it('computes required sizes without float noise', () => {
    expect(requiredSampleSize(100)).toBe(5);
    expect(requiredSampleSize(101)).toBe(6);
    expect(requiredSampleSize(0)).toBe(0);
    expect(requiredSampleSize(3, 1)).toBe(3);
    expect(samplingScore('a')).toBeGreaterThanOrEqual(0);
    expect(samplingScore('a')).toBeLessThan(1);
  });
});

describe('assignReverifier', () => {
  it('never assigns the wipe operator and is stable', () => {
    const ops = ['op-a', 'op-b', 'op-c'];
    for (const w of batch('b', 200)) {
      const r = assignReverifier(w, ops);
      expect(r).not.toBe(w.operatorId);
      expect(assignReverifier(w, [...ops].reverse())).toBe(r);
    }
  });

  it('throws when only the wipe operator is available', () => {
    expect(() =>
      assignReverifier({ wipeId: 'w', batchId: 'b', operatorId: 'op-a' }, ['op-a']),
    ).toThrow(NoEligibleReverifierError);
  });
});

describe('samplingReport', () => {
  it('reports the rate per batch and per operator', () => {
    const wipes = [...batch('b1', 40, ['op-a', 'op-b']), ...batch('b2', 20, ['op-a'])];
    const picked = selectForReverification(wipes, { salt: 'r' });
    const reverifications = picked.slice(0, 2).map((w, i) => ({
      wipeId: w.wipeId,
      reverifierId: w.operatorId === 'op-a' ? 'op-z' : 'op-a',
      outcome: i === 0 ? ('failed' as const) : ('passed' as const),
    }));
    const self = {
      wipeId: picked[2].wipeId,
      reverifierId: picked[2].operatorId,
      outcome: 'passed' as const,
    };
    const report = samplingReport(wipes, picked, [...reverifications, self]);

    expect(report.targetRate).toBe(0.05);
    expect(report.overall.total).toBe(60);
    expect(report.overall.sampled).toBe(picked.length);
    expect(report.overall.rate).toBeGreaterThanOrEqual(0.05);
    const b1 = report.byBatch.find((b) => b.batchId === 'b1')!;
    expect(b1).toMatchObject({ total: 40, required: 2, meetsTarget: true });
    expect(b1.rate).toBe(b1.sampled / 40);
    expect(report.byBatch.every((b) => b.meetsTarget)).toBe(true);
    expect(report.byOperator.map((o) => o.operatorId).sort()).toEqual(['op-a', 'op-b']);
    expect(report.byOperator.reduce((s, o) => s + o.total, 0)).toBe(60);
    expect(report.overall.reverified).toBe(2);
    expect(report.overall.failed).toBe(1);
    expect(report.selfReverifications).toEqual([picked[2].wipeId]);
    expect(report.pending).toHaveLength(picked.length - 2);
  });

  it('flags batches below target', () => {
    const wipes = batch('b', 100);
    const report = samplingReport(wipes, wipes.slice(0, 4));
    expect(report.byBatch[0]).toMatchObject({
      sampled: 4,
      required: 5,
      meetsTarget: false,
      rate: 0.04,
    });
  });
});
