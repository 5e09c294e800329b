import { describe, expect, it } from '@jest/globals';
import { assessMileage, type MileageReading, parseDealerRecords } from './mileage.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const reading = (
  km: number,
  on: string,
  source: MileageReading['source'],
  sourceRef: string | null = null,
): MileageReading => ({ km, readOn: d(on), source, sourceRef });

describe('assessMileage', () => {
  it('is clear for a steadily rising history', () => {
    const a = assessMileage(
      [
        reading(10_200, '2021-06-01', 'dealer-maintenance'),
        reading(21_000, '2022-06-01', 'dealer-maintenance'),
        reading(33_000, '2023-06-10', 'owner-declaration'),
      ],
      { firstRegisteredOn: d('2020-06-01'), use: 'private' },
    );
    expect(a).toMatchObject({ status: 'clear', flagged: false, credibleKm: 33_000 });
    expect(a.confidencePenalty).toBe(0);
  });

  it('flags a rollback against a dealer record, with both readings as evidence', () => {
    const a = assessMileage(
      [
        reading(58_400, '2022-03-02', 'dealer-maintenance', 'SH-4S-0001/WO-88'),
        reading(31_000, '2023-05-01', 'owner-declaration'),
      ],
      { firstRegisteredOn: d('2019-05-01'), use: 'private' },
    );
    expect(a.status).toBe('rollback-suspected');
    expect(a.evidence).toEqual([
      expect.objectContaining({
        kind: 'rollback',
        dropKm: 27_400,
        earlier: expect.objectContaining({
          km: 58_400,
          source: 'dealer-maintenance',
          trust: 'high',
        }),
        later: expect.objectContaining({ km: 31_000, source: 'owner-declaration', trust: 'low' }),
      }),
    ]);
    // Valuation prices the car at the highest credible reading, not at the wound-back dial.
    expect(a.credibleKm).toBe(58_400);
    expect(a.latestKm).toBe(31_000);
    expect(a.confidencePenalty).toBeGreaterThan(0);
  });

  it('does not flag a small difference or a lower *low-trust* earlier reading', () => {
    const a = assessMileage(
      [
        reading(40_000, '2022-01-01', 'owner-declaration'), // typed wrong: low trust
        reading(30_000, '2022-06-01', 'dealer-maintenance'),
        reading(29_800, '2022-07-01', 'inspection'), // within tolerance
      ],
      { firstRegisteredOn: d('2020-01-01'), use: 'private' },
    );
    expect(a.status).toBe('clear');
  });

  it('flags implausible yearly mileage for a private car and a too-quiet taxi', () => {
    const high = assessMileage([reading(190_000, '2023-01-01', 'inspection')], {
      firstRegisteredOn: d('2021-01-01'),
      use: 'private',
    });
    expect(high.status).toBe('implausible');
    expect(high.evidence[0]).toMatchObject({ kind: 'implausible-high', limitKm: 60_000 });

    const taxi = assessMileage([reading(45_000, '2023-01-01', 'owner-declaration')], {
      firstRegisteredOn: d('2019-01-01'),
      use: 'taxi',
    });
    expect(taxi.evidence[0]).toMatchObject({ kind: 'implausible-low', limitKm: 30_000 });
    // The same history for a private car is normal.
    expect(
      assessMileage([reading(45_000, '2023-01-01', 'owner-declaration')], {
        firstRegisteredOn: d('2019-01-01'),
        use: 'private',
      }).flagged,
    ).toBe(false);
  });
});

describe('parseDealerRecords', () => {
  it('parses CSV and lists every bad field by row', () => {
    const csv = [
      'vin,date,km,dealer,work_order',
      'LRW3E7FA3PC123456,2022-03-02,58400,Shanghai 4S,WO-88',
      'LRW3E7FA3PC123456,2022-13-40,abc,,',
    ].join('\n');
    const { records, problems } = parseDealerRecords(csv);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ km: 58_400, dealer: 'Shanghai 4S', workOrder: 'WO-88' });
    expect(problems.map((p) => `${p.row}:${p.field}`)).toEqual([
      '2:km',
      '2:date',
      '2:dealer',
      '2:work_order',
    ]);
  });

  it('refuses a CSV without the expected header', () => {
    expect(parseDealerRecords('a,b\n1,2').problems[0]).toMatchObject({ field: 'header' });
  });
});
