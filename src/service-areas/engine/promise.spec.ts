import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEMO_CITY, demoArea } from './demo-areas.js';
import {
  NoPickupCapacityError,
  checkWindowBookable,
  isBeforeCutoff,
  pickupOptions,
  promisePickup,
  type BookedCounts,
} from './promise.js';
import { defineServiceArea, standardWindows, type ServiceArea } from './service-area.js';
import { localParts } from './time-zone.js';

const iso = (d: Date): string => d.toISOString();
const nothingBooked: BookedCounts = () => 0;

/** Booked counts from a table: { '2025-06-10#3': 2 }. */
const bookedFrom =
  (table: Record<string, number>): BookedCounts =>
  (date, windowIndex) =>
    table[`${date}#${windowIndex}`] ?? 0;

const shanghai: ServiceArea = defineServiceArea({
  cityCode: '310100',
  cityName: 'Shanghai',
  timeZone: 'Asia/Shanghai',
  sameDay: true,
  windows: standardWindows(2),
  districts: [{ code: '310106', name: "Jing'an" }],
});

describe('promisePickup: cut-off in Asia/Shanghai', () => {
  it('14:59 local is before the cut-off: same day', () => {
    const orderedAt = new Date('2025-06-10T06:59:00Z'); // 14:59 Beijing time
    expect(isBeforeCutoff(shanghai, orderedAt)).toBe(true);
    const p = promisePickup(shanghai, orderedAt, nothingBooked);
    // 14:59 + 60 min lead → the 15:00 window is too soon, 17:00–19:00 is the first.
    expect(p).toEqual({
      date: '2025-06-10',
      windowIndex: 4,
      windowStart: new Date('2025-06-10T09:00:00Z'),
      windowEnd: new Date('2025-06-10T11:00:00Z'),
      sameDay: true,
    });
  });

  it('14:59:59 is still before the cut-off', () => {
    const p = promisePickup(shanghai, new Date('2025-06-10T06:59:59Z'), nothingBooked);
    expect(p.sameDay).toBe(true);
  });

  it('15:00 local is at the cut-off: next day, first window', () => {
    const orderedAt = new Date('2025-06-10T07:00:00Z'); // 15:00 Beijing time
    expect(isBeforeCutoff(shanghai, orderedAt)).toBe(false);
    expect(promisePickup(shanghai, orderedAt, nothingBooked)).toEqual({
      date: '2025-06-11',
      windowIndex: 0,
      windowStart: new Date('2025-06-11T01:00:00Z'), // 09:00 local
      windowEnd: new Date('2025-06-11T03:00:00Z'),
      sameDay: false,
    });
  });

  it('honours the lead time exactly (08:00 → 09:00 window, 08:01 → 11:00 window)', () => {
    expect(promisePickup(shanghai, new Date('2025-06-10T00:00:00Z'), nothingBooked)).toMatchObject({
      date: '2025-06-10',
      windowIndex: 0,
      sameDay: true,
    });
    expect(promisePickup(shanghai, new Date('2025-06-10T00:01:00Z'), nothingBooked)).toMatchObject({
      date: '2025-06-10',
      windowIndex: 1,
    });
    // A shorter lead (option) lets 08:30 catch the 09:00 window.
    expect(
      promisePickup(shanghai, new Date('2025-06-10T00:30:00Z'), nothingBooked, {
        minLeadMinutes: 30,
      }).windowIndex,
    ).toBe(0);
  });

  it('uses the local date: 01:00 on the 11th in Beijing is still the 10th in UTC', () => {
    const p = promisePickup(shanghai, new Date('2025-06-10T17:00:00Z'), nothingBooked);
    expect(p).toMatchObject({ date: '2025-06-11', windowIndex: 0, sameDay: true });
    expect(iso(p.windowStart)).toBe('2025-06-11T01:00:00.000Z');
  });

  it('before the cut-off but no same-day window left in time: next day', () => {
    // 14:30 + 60 = 15:30: only the 17:00 window remains today, and it is full.
    const p = promisePickup(
      shanghai,
      new Date('2025-06-10T06:30:00Z'),
      bookedFrom({ '2025-06-10#4': 2 }),
    );
    expect(p).toMatchObject({ date: '2025-06-11', windowIndex: 0, sameDay: false });
  });

  it('a later cut-off hour (Chengdu, 16:00) keeps 15:30 same-day', () => {
    const chengdu = demoArea(DEMO_CITY.chengdu);
    expect(chengdu.cutoffHour).toBe(16);
    const p = promisePickup(chengdu, new Date('2025-06-10T07:30:00Z'), nothingBooked);
    expect(p).toMatchObject({ date: '2025-06-10', windowIndex: 4, sameDay: true });
  });
});

describe('promisePickup: Ürümqi in its own time zone (Asia/Urumqi, UTC+6)', () => {
  const urumqi = demoArea(DEMO_CITY.urumqi);

  it('is configured in Xinjiang time', () => {
    expect(urumqi.timeZone).toBe('Asia/Urumqi');
    expect(urumqi.cutoffHour).toBe(15);
    expect(urumqi.sameDay).toBe(true);
  });

  it('15:30 Beijing time is 13:30 in Ürümqi: same day there, next day in Shanghai', () => {
    const orderedAt = new Date('2025-06-10T07:30:00Z');
    expect(promisePickup(shanghai, orderedAt, nothingBooked).sameDay).toBe(false);
    const p = promisePickup(urumqi, orderedAt, nothingBooked);
    // 13:30 + 60 → 14:30: the 16:00–18:00 local window (index 3), i.e. 10:00–12:00 UTC.
    expect(p).toEqual({
      date: '2025-06-10',
      windowIndex: 3,
      windowStart: new Date('2025-06-10T10:00:00Z'),
      windowEnd: new Date('2025-06-10T12:00:00Z'),
      sameDay: true,
    });
  });

  it('14:59 vs 15:00 Ürümqi local time', () => {
    const before = promisePickup(urumqi, new Date('2025-06-10T08:59:00Z'), nothingBooked);
    expect(before).toMatchObject({ date: '2025-06-10', windowIndex: 3, sameDay: true });
    const at = promisePickup(urumqi, new Date('2025-06-10T09:00:00Z'), nothingBooked);
    expect(at).toMatchObject({ date: '2025-06-11', windowIndex: 0, sameDay: false });
    expect(iso(at.windowStart)).toBe('2025-06-11T03:00:00.000Z'); // 09:00 UTC+6
  });
});

describe('promisePickup: next-day-only area', () => {
  const wuhan = demoArea(DEMO_CITY.wuhan);

  it('an early morning order is still collected the next day', () => {
    expect(wuhan.sameDay).toBe(false);
    const p = promisePickup(wuhan, new Date('2025-06-10T00:00:00Z'), nothingBooked); // 08:00
    expect(p).toMatchObject({ date: '2025-06-11', windowIndex: 0, sameDay: false });
    expect(iso(p.windowStart)).toBe('2025-06-11T01:00:00.000Z');
  });

  it('after the cut-off too', () => {
    const p = promisePickup(wuhan, new Date('2025-06-10T12:00:00Z'), nothingBooked); // 20:00
    expect(p).toMatchObject({ date: '2025-06-11', windowIndex: 0 });
  });
});

describe('promisePickup: capacity', () => {
  it('a full window rolls over to the next window', () => {
    const orderedAt = new Date('2025-06-10T00:00:00Z'); // 08:00
    const p = promisePickup(shanghai, orderedAt, bookedFrom({ '2025-06-10#0': 2 }));
    expect(p).toMatchObject({ date: '2025-06-10', windowIndex: 1, sameDay: true });
    expect(iso(p.windowStart)).toBe('2025-06-10T03:00:00.000Z');
  });

  it('several full windows roll to the first with room; a partly booked one still counts', () => {
    const p = promisePickup(
      shanghai,
      new Date('2025-06-10T00:00:00Z'),
      bookedFrom({ '2025-06-10#0': 2, '2025-06-10#1': 2, '2025-06-10#2': 1 }),
    );
    expect(p.windowIndex).toBe(2);
  });

  it('all windows of the day full rolls to the next day', () => {
    const full = bookedFrom({
      '2025-06-10#0': 2,
      '2025-06-10#1': 2,
      '2025-06-10#2': 2,
      '2025-06-10#3': 2,
      '2025-06-10#4': 2,
      '2025-06-11#0': 2,
    });
    const p = promisePickup(shanghai, new Date('2025-06-10T00:00:00Z'), full);
    expect(p).toMatchObject({ date: '2025-06-11', windowIndex: 1, sameDay: false });
  });

  it('all windows of the next day full (after cut-off) rolls to the day after', () => {
    const table: Record<string, number> = {};
    for (let i = 0; i < 5; i++) table[`2025-06-11#${i}`] = 2;
    const p = promisePickup(shanghai, new Date('2025-06-10T08:00:00Z'), bookedFrom(table));
    expect(p).toMatchObject({ date: '2025-06-12', windowIndex: 0, sameDay: false });
  });

  it('a zero-capacity window is skipped', () => {
    const area = defineServiceArea({
      ...shanghai,
      windows: [
        { start: '09:00', end: '11:00', capacity: 0 },
        { start: '11:00', end: '13:00', capacity: 1 },
      ],
    });
    expect(promisePickup(area, new Date('2025-06-10T00:00:00Z'), nothingBooked).windowIndex).toBe(
      1,
    );
  });

  it('throws when the whole booking horizon is full', () => {
    const area = defineServiceArea({ ...shanghai, bookingDaysAhead: 2 });
    expect(() => promisePickup(area, new Date('2025-06-10T00:00:00Z'), () => 2)).toThrow(
      NoPickupCapacityError,
    );
    try {
      promisePickup(area, new Date('2025-06-10T00:00:00Z'), () => 2);
    } catch (e) {
      expect(e).toMatchObject({ cityCode: '310100', fromDate: '2025-06-10', toDate: '2025-06-12' });
    }
  });

  it('books no further than bookingDaysAhead', () => {
    const area = defineServiceArea({ ...shanghai, bookingDaysAhead: 2 });
    const options = pickupOptions(area, new Date('2025-06-10T08:00:00Z'), nothingBooked);
    expect(new Set(options.map((o) => o.date))).toEqual(new Set(['2025-06-11', '2025-06-12']));
    expect(options[0]).toMatchObject({ remaining: 2 });
  });
});

describe('promisePickup: an area across a DST change (Europe/Berlin)', () => {
  const berlin = defineServiceArea({
    cityCode: 'DE-BE',
    cityName: 'Berlin',
    timeZone: 'Europe/Berlin',
    sameDay: true,
    windows: standardWindows(5),
    districts: [{ code: 'DE-BE-MITTE', name: 'Mitte' }],
  });

  it('Saturday 16:00 CET → Sunday 09:00 CEST, after clocks went forward', () => {
    const p = promisePickup(berlin, new Date('2025-03-29T15:00:00Z'), nothingBooked);
    expect(p).toMatchObject({ date: '2025-03-30', windowIndex: 0, sameDay: false });
    expect(iso(p.windowStart)).toBe('2025-03-30T07:00:00.000Z');
    expect(iso(p.windowEnd)).toBe('2025-03-30T09:00:00.000Z');
  });

  it('the cut-off is read in local time on the day clocks go back', () => {
    // 2025-10-26 14:59 CET = 13:59Z; 15:00 CET = 14:00Z.
    expect(promisePickup(berlin, new Date('2025-10-26T13:59:00Z'), nothingBooked).sameDay).toBe(
      true,
    );
    expect(promisePickup(berlin, new Date('2025-10-26T14:00:00Z'), nothingBooked).sameDay).toBe(
      false,
    );
  });
});

describe('promisePickup: invariants (property)', () => {
  it('never promises a past window, respects cut-off, lead time and capacity', () => {
    const areas = [shanghai, demoArea(DEMO_CITY.urumqi), demoArea(DEMO_CITY.wuhan)];
    fc.assert(
      fc.property(
        fc.constantFrom(...areas),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2026, 0, 1) }),
        fc.func(fc.nat({ max: 3 })),
        (area, ms, f) => {
          const orderedAt = new Date(ms);
          const table = new Map<string, number>();
          const booked: BookedCounts = (date, i) => {
            const key = `${date}#${i}`;
            if (!table.has(key)) table.set(key, f(key));
            return table.get(key)!;
          };
          let p;
          try {
            p = promisePickup(area, orderedAt, booked);
          } catch (e) {
            expect(e).toBeInstanceOf(NoPickupCapacityError);
            return;
          }
          expect(p.windowStart.getTime()).toBeGreaterThanOrEqual(ms + area.minLeadMinutes * 60_000);
          expect(p.windowEnd.getTime()).toBeGreaterThan(p.windowStart.getTime());
          expect(localParts(p.windowStart, area.timeZone).date).toBe(p.date);
          expect(localParts(p.windowStart, area.timeZone).time).toBe(
            area.windows[p.windowIndex].start,
          );
          expect(booked(p.date, p.windowIndex)).toBeLessThan(area.windows[p.windowIndex].capacity);
          const local = localParts(orderedAt, area.timeZone);
          expect(p.sameDay).toBe(p.date === local.date);
          if (p.sameDay) {
            expect(area.sameDay).toBe(true);
            expect(local.minutesOfDay).toBeLessThan(area.cutoffHour * 60);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('checkWindowBookable', () => {
  const now = new Date('2025-06-10T02:00:00Z'); // 10:00 local

  it('accepts a later window with room', () => {
    const r = checkWindowBookable(shanghai, now, '2025-06-12', 3, nothingBooked);
    expect(r).toMatchObject({
      ok: true,
      promise: { date: '2025-06-12', windowIndex: 3, sameDay: false },
    });
  });

  it('refuses a past or too-soon window, a full one and an unknown index', () => {
    expect(checkWindowBookable(shanghai, now, '2025-06-10', 0, nothingBooked)).toEqual({
      ok: false,
      reason: 'not-bookable',
    });
    expect(checkWindowBookable(shanghai, now, '2025-06-12', 3, () => 2)).toEqual({
      ok: false,
      reason: 'full',
    });
    expect(checkWindowBookable(shanghai, now, '2025-06-12', 7, nothingBooked)).toEqual({
      ok: false,
      reason: 'no-such-window',
    });
    expect(checkWindowBookable(shanghai, now, '2025-07-30', 0, nothingBooked)).toEqual({
      ok: false,
      reason: 'not-bookable',
    });
  });
});
