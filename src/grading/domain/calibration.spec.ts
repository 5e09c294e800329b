import { describe, expect, it } from '@jest/globals';
import {
  type CalibrationPair,
  calibrationReport,
  cohensKappa,
  confusionMatrix,
  kappaFromMatrix,
  shouldSampleForCalibration,
} from './calibration.js';
import type { Grade } from '../../catalog/standards/standard.js';

/** Expand a confusion matrix (rows A, columns B, order premium/good/scrap) into pairs. */
function pairsFrom(matrix: number[][]): { gradeA: Grade; gradeB: Grade }[] {
  const grades: Grade[] = ['premium', 'good', 'scrap'];
  return matrix.flatMap((row, i) =>
    row.flatMap((count, j) =>
      Array.from({ length: count }, () => ({ gradeA: grades[i], gradeB: grades[j] })),
    ),
  );
}

describe("Cohen's kappa", () => {
  it('matches a hand-computed three-grade example', () => {
    // n = 50, po = 39/50 = 0.78; rows 25/20/5, cols 23/21/6;
    // pe = (25·23 + 20·21 + 5·6) / 2500 = 0.41; kappa = 0.37 / 0.59.
    const pairs = pairsFrom([
      [20, 5, 0],
      [3, 15, 2],
      [0, 1, 4],
    ]);
    expect(confusionMatrix(pairs)).toEqual([
      [20, 5, 0],
      [3, 15, 2],
      [0, 1, 4],
    ]);
    expect(cohensKappa(pairs)).toBeCloseTo(0.37 / 0.59, 12);
  });

  it('matches the classic two-category example (kappa 0.4)', () => {
    // 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: po 0.7, pe 0.5.
    expect(
      kappaFromMatrix([
        [20, 0, 5],
        [0, 0, 0],
        [10, 0, 15],
      ]),
    ).toBeCloseTo(0.4, 12);
  });

  it('has no kappa without pairs', () => {
    expect(cohensKappa([])).toBeNull();
  });

  it.each([
    {
      matrix: [
        [7, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
      kappa: 1,
      // Chance agreement is 1 there too: kappa taken as 1.
      why: 'perfect agreement on a single grade',
    },
    {
      matrix: [
        [3, 0, 0],
        [0, 4, 0],
        [0, 0, 2],
      ],
      kappa: 1,
      why: 'perfect agreement',
    },
    {
      matrix: [
        [0, 0, 6],
        [0, 0, 0],
        [0, 0, 0],
      ],
      kappa: 0,
      why: 'each always says one thing, never the same: no better than chance',
    },
    {
      matrix: [
        [0, 5, 0],
        [5, 0, 0],
        [0, 0, 0],
      ],
      kappa: -1,
      why: 'systematic disagreement: worse than chance',
    },
  ])('handles a degenerate case: $why', ({ matrix, kappa }) => {
    expect(cohensKappa(pairsFrom(matrix))).toBe(kappa);
  });

  it('does not depend on which grader is A', () => {
    const pairs = pairsFrom([
      [10, 2, 1],
      [4, 8, 0],
      [0, 3, 5],
    ]);
    const swapped = pairs.map((p) => ({ gradeA: p.gradeB, gradeB: p.gradeA }));
    expect(cohensKappa(swapped)).toBeCloseTo(cohensKappa(pairs) as number, 12);
  });
});

describe('calibrationReport', () => {
  const pair = (
    gradeA: Grade,
    gradeB: Grade,
    graderA: string,
    graderB: string,
    categoryCode: string,
  ): CalibrationPair => ({
    gradeA,
    gradeB,
    graderA,
    graderB,
    categoryCode,
  });
  const pairs = [
    pair('premium', 'premium', 'alice', 'bob', 'smartphones'),
    pair('good', 'good', 'alice', 'bob', 'smartphones'),
    pair('good', 'premium', 'alice', 'carol', 'laptops'),
    pair('scrap', 'scrap', 'bob', 'carol', 'laptops'),
    pair('premium', 'premium', 'carol', 'alice', 'smartphones'),
  ];

  it('reports agreement overall, per grader and per category', () => {
    const report = calibrationReport(pairs);
    expect(report.overall).toMatchObject({ n: 5, agreements: 4, observedAgreement: 0.8 });
    expect(report.byGrader.map((g) => [g.graderId, g.n, g.agreements])).toEqual([
      ['alice', 4, 3],
      ['bob', 3, 3],
      ['carol', 3, 2],
    ]);
    expect(report.byGrader.find((g) => g.graderId === 'bob')?.kappa).toBe(1);
    expect(report.byCategory.map((c) => [c.categoryCode, c.n, c.agreements, c.kappa])).toEqual([
      ['laptops', 2, 1, expect.any(Number)],
      ['smartphones', 3, 3, 1],
    ]);
    // laptops: A = good, scrap; B = premium, scrap → po 0.5, pe 0.25 → kappa 1/3.
    expect(report.byCategory[0].kappa).toBeCloseTo(1 / 3, 12);
  });

  it('is empty, with null figures, for no data', () => {
    expect(calibrationReport([])).toEqual({
      overall: { n: 0, agreements: 0, observedAgreement: null, kappa: null },
      byGrader: [],
      byCategory: [],
    });
  });
});

describe('shouldSampleForCalibration', () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => `item-${i}`);

  it('picks about the given share of items', () => {
    const picked = ids.filter((id) => shouldSampleForCalibration(id, 0.05)).length;
    expect(picked / ids.length).toBeGreaterThan(0.044);
    expect(picked / ids.length).toBeLessThan(0.056);
    const quarter = ids.filter((id) => shouldSampleForCalibration(id, 0.25)).length;
    expect(quarter / ids.length).toBeGreaterThan(0.24);
    expect(quarter / ids.length).toBeLessThan(0.26);
  });

  it('is stable across calls and defaults to 5 %', () => {
    for (const id of ids.slice(0, 500)) {
      expect(shouldSampleForCalibration(id)).toBe(shouldSampleForCalibration(id, 0.05));
    }
  });

  it('nests: an item picked at a low rate is picked at any higher rate', () => {
    for (const id of ids.slice(0, 2000)) {
      if (shouldSampleForCalibration(id, 0.05))
        expect(shouldSampleForCalibration(id, 0.2)).toBe(true);
    }
  });

  it('draws an independent sample with another salt', () => {
    const a = ids.filter((id) => shouldSampleForCalibration(id, 0.1));
    const b = new Set(ids.filter((id) => shouldSampleForCalibration(id, 0.1, 'campaign-2')));
    const overlap = a.filter((id) => b.has(id)).length / a.length;
    expect(overlap).toBeLessThan(0.2);
  });

  it('handles the edges and rejects bad rates', () => {
    expect(ids.slice(0, 100).some((id) => shouldSampleForCalibration(id, 0))).toBe(false);
    expect(ids.slice(0, 100).every((id) => shouldSampleForCalibration(id, 1))).toBe(true);
    expect(() => shouldSampleForCalibration('x', -0.1)).toThrow(RangeError);
    expect(() => shouldSampleForCalibration('x', 1.5)).toThrow(RangeError);
    expect(() => shouldSampleForCalibration('x', Number.NaN)).toThrow(RangeError);
  });
});
