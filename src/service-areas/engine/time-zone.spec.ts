import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  addDaysIso,
  isValidTimeZone,
  localParts,
  parseLocalTime,
  zoneOffsetMs,
  zonedTimeToUtc,
} from './time-zone.js';

const iso = (d: Date): string => d.toISOString();

describe('localParts', () => {
  it('reads Beijing time (UTC+8) and Xinjiang time (UTC+6) for the same instant', () => {
    const t = new Date('2025-06-10T06:59:30Z');
    const sh = localParts(t, 'Asia/Shanghai');
    expect(sh).toMatchObject({ date: '2025-06-10', time: '14:59', second: 30, minutesOfDay: 899 });
    expect(localParts(t, 'Asia/Urumqi')).toMatchObject({ date: '2025-06-10', time: '12:59' });
  });

  it('uses the local calendar date, not the UTC one', () => {
    const t = new Date('2025-12-31T16:30:00Z');
    expect(localParts(t, 'Asia/Shanghai')).toMatchObject({
      date: '2026-01-01',
      time: '00:30',
      hour: 0,
    });
    expect(localParts(t, 'Asia/Urumqi')).toMatchObject({ date: '2025-12-31', time: '22:30' });
  });

  it('follows Berlin across the spring DST change', () => {
    expect(localParts(new Date('2025-03-30T00:59:00Z'), 'Europe/Berlin').time).toBe('01:59');
    expect(localParts(new Date('2025-03-30T01:00:00Z'), 'Europe/Berlin').time).toBe('03:00');
  });

  it('rejects invalid dates and zones', () => {
    expect(() => localParts(new Date('nope'), 'Asia/Shanghai')).toThrow(RangeError);
    expect(() => localParts(new Date(), 'Mars/Olympus')).toThrow(RangeError);
    expect(isValidTimeZone('Asia/Urumqi')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('zonedTimeToUtc', () => {
  it.each([
    ['2025-06-10', '15:00', 'Asia/Shanghai', '2025-06-10T07:00:00.000Z'],
    ['2025-06-10', '15:00', 'Asia/Urumqi', '2025-06-10T09:00:00.000Z'],
    // Local midnight in Beijing is the previous UTC day.
    ['2025-01-01', '00:00', 'Asia/Shanghai', '2024-12-31T16:00:00.000Z'],
  ])('converts fixed-offset Chinese zones: %s %s %s is %s', (date, time, zone, utc) => {
    expect(iso(zonedTimeToUtc(date, time, zone))).toBe(utc);
  });

  it.each([
    ['2025-03-29', '09:00', '2025-03-29T08:00:00.000Z'],
    ['2025-03-30', '09:00', '2025-03-30T07:00:00.000Z'],
    ['2025-03-30', '01:59', '2025-03-30T00:59:00.000Z'],
    ['2025-10-25', '09:00', '2025-10-25T07:00:00.000Z'],
    ['2025-10-26', '09:00', '2025-10-26T08:00:00.000Z'],
  ])(
    'uses the right Berlin offset on either side of DST changes: %s %s is %s',
    (date, time, utc) => {
      expect(iso(zonedTimeToUtc(date, time, 'Europe/Berlin'))).toBe(utc);
    },
  );

  it('pushes a nonexistent time (spring gap) forward, picks the earlier of a repeated time', () => {
    // 02:30 does not exist on 2025-03-30 in Berlin: it becomes 03:30 CEST.
    const gap = zonedTimeToUtc('2025-03-30', '02:30', 'Europe/Berlin');
    expect(iso(gap)).toBe('2025-03-30T01:30:00.000Z');
    expect(localParts(gap, 'Europe/Berlin').time).toBe('03:30');
    // 02:30 happens twice on 2025-10-26: the first (CEST, UTC+2) is chosen.
    expect(iso(zonedTimeToUtc('2025-10-26', '02:30', 'Europe/Berlin'))).toBe(
      '2025-10-26T00:30:00.000Z',
    );
  });

  it('accepts 24:00 as the end of the day', () => {
    expect(iso(zonedTimeToUtc('2025-06-10', '24:00', 'Asia/Shanghai'))).toBe(
      '2025-06-10T16:00:00.000Z',
    );
  });

  it('rejects malformed input', () => {
    expect(() => zonedTimeToUtc('2025-02-30', '09:00', 'Asia/Shanghai')).toThrow(RangeError);
    expect(() => zonedTimeToUtc('2025-6-1', '09:00', 'Asia/Shanghai')).toThrow(RangeError);
    expect(() => zonedTimeToUtc('2025-06-01', '9:00', 'Asia/Shanghai')).toThrow(RangeError);
    expect(() => parseLocalTime('24:30')).toThrow(RangeError);
  });

  it('round-trips with localParts for any instant (property)', () => {
    const zones = [
      'Asia/Shanghai',
      'Asia/Urumqi',
      'Europe/Berlin',
      'America/New_York',
      'Asia/Kolkata',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const t = Math.floor(ms / 60_000) * 60_000;
          const p = localParts(new Date(t), zone);
          const back = zonedTimeToUtc(p.date, p.time, zone).getTime();
          // Same wall time always; same instant except in a repeated (fall-back) hour, where
          // the earlier instant is returned.
          expect(localParts(new Date(back), zone).time).toBe(p.time);
          expect(back === t || (back < t && t - back <= 3_600_000)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('zoneOffsetMs and addDaysIso', () => {
  it('reports offsets', () => {
    expect(zoneOffsetMs(Date.UTC(2025, 5, 1), 'Asia/Shanghai')).toBe(8 * 3_600_000);
    expect(zoneOffsetMs(Date.UTC(2025, 5, 1), 'Asia/Urumqi')).toBe(6 * 3_600_000);
    expect(zoneOffsetMs(Date.UTC(2025, 0, 1), 'Europe/Berlin')).toBe(3_600_000);
    expect(zoneOffsetMs(Date.UTC(2025, 5, 1), 'Europe/Berlin')).toBe(2 * 3_600_000);
  });

  it('adds calendar days across month, year and leap-day boundaries', () => {
    expect(addDaysIso('2025-01-31', 1)).toBe('2025-02-01');
    expect(addDaysIso('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDaysIso('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDaysIso('2025-03-01', -1)).toBe('2025-02-28');
  });
});
