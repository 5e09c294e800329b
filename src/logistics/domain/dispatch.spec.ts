import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  assignPickups,
  checkManualAssignment,
  windowKey,
  type CourierLoad,
  type PickupToAssign,
} from './dispatch.js';

const SH = '310100';
const BJ = '110100';
const D = '2025-06-11';

const courier = (
  id: string,
  capacityPerWindow: number,
  areaCodes: string[] = [SH],
  assigned: Record<string, number> = {},
): CourierLoad => ({
  id,
  areaCodes,
  capacityPerWindow,
  assignedCounts: new Map(Object.entries(assigned)),
});

const pickups = (n: number, windowIndex = 0, areaCode = SH, date = D): PickupToAssign[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `p-${areaCode}-${date}-${windowIndex}-${String(i).padStart(2, '0')}`,
    areaCode,
    date,
    windowIndex,
  }));

describe('assignPickups', () => {
  it('never exceeds a courier capacity per window; the rest are listed with a reason', () => {
    const r = assignPickups(pickups(5), [courier('c-a', 2), courier('c-b', 2)]);
    expect(r.assignments).toHaveLength(4);
    expect(r.unassigned).toEqual([
      expect.objectContaining({ pickupId: 'p-310100-2025-06-11-0-04', reason: 'couriers-full' }),
    ]);
    expect(r.loads.get('c-a')!.get(windowKey(D, 0))).toBe(2);
    expect(r.loads.get('c-b')!.get(windowKey(D, 0))).toBe(2);
  });

  it('balances: least-loaded courier first, ties by id', () => {
    const r = assignPickups(pickups(4), [courier('c-b', 5), courier('c-a', 5)]);
    expect(r.assignments.map((a) => a.courierId)).toEqual(['c-a', 'c-b', 'c-a', 'c-b']);
  });

  it('counts pickups already assigned', () => {
    const key = windowKey(D, 0);
    const r = assignPickups(pickups(3), [courier('c-a', 3, [SH], { [key]: 2 }), courier('c-b', 3)]);
    expect(r.assignments.map((a) => a.courierId)).toEqual(['c-b', 'c-b', 'c-a']);
    expect(r.loads.get('c-a')!.get(key)).toBe(3);
  });

  it('breaks a window tie by the load of the day, spreading windows across couriers', () => {
    const ps = [...pickups(1, 0), ...pickups(1, 1), ...pickups(1, 2)];
    const r = assignPickups(ps, [courier('c-a', 2), courier('c-b', 2), courier('c-c', 2)]);
    expect(r.assignments.map((a) => a.courierId)).toEqual(['c-a', 'c-b', 'c-c']);
  });

  it('only uses couriers of the pickup area', () => {
    const r = assignPickups(
      [...pickups(2, 0, SH), ...pickups(1, 0, BJ), ...pickups(1, 0, '500100')],
      [courier('c-bj', 5, [BJ]), courier('c-sh', 5, [SH])],
    );
    const byPickup = Object.fromEntries(r.assignments.map((a) => [a.pickupId, a.courierId]));
    expect(Object.values(byPickup).sort()).toEqual(['c-bj', 'c-sh', 'c-sh']);
    expect(r.unassigned).toEqual([
      expect.objectContaining({
        reason: 'no-courier-for-area',
        message: 'No courier serves area 500100',
      }),
    ]);
  });

  it('never gives a pickup back to a courier who handed it back', () => {
    const [p] = pickups(1);
    const handedBack = { ...p, excludedCourierIds: ['c-a'] };
    const r = assignPickups([handedBack], [courier('c-a', 5), courier('c-b', 5)]);
    expect(r.assignments).toEqual([expect.objectContaining({ pickupId: p.id, courierId: 'c-b' })]);
    const alone = assignPickups([handedBack], [courier('c-a', 5)]);
    expect(alone.assignments).toEqual([]);
    expect(alone.unassigned).toEqual([expect.objectContaining({ pickupId: p.id })]);
  });

  it('a courier serving two areas has one capacity per time slot', () => {
    const r = assignPickups(
      [...pickups(1, 0, SH), ...pickups(1, 0, '320500')],
      [courier('c-x', 1, [SH, '320500'])],
    );
    expect(r.assignments).toHaveLength(1);
    expect(r.unassigned[0].reason).toBe('couriers-full');
  });

  it('keeps windows and days apart', () => {
    const r = assignPickups(
      [...pickups(1, 0), ...pickups(1, 1), ...pickups(1, 0, SH, '2025-06-12')],
      [courier('c-a', 1)],
    );
    expect(r.assignments).toHaveLength(3);
  });

  it('is deterministic whatever the input order, and does not mutate inputs', () => {
    const ps = [...pickups(3, 0), ...pickups(3, 1)];
    const couriers = [courier('c-a', 2, [SH], { [windowKey(D, 1)]: 1 }), courier('c-b', 2)];
    const first = assignPickups(ps, couriers);
    const second = assignPickups([...ps].reverse(), [...couriers].reverse());
    expect(second.assignments).toEqual(first.assignments);
    expect(second.unassigned).toEqual(first.unassigned);
    expect(couriers[0].assignedCounts.get(windowKey(D, 1))).toBe(1);
    expect(couriers[1].assignedCounts.size).toBe(0);
  });

  it('flags a pickup listed twice', () => {
    const p = pickups(1)[0];
    const r = assignPickups([p, p], [courier('c-a', 5)]);
    expect(r.assignments).toHaveLength(1);
    expect(r.unassigned).toEqual([expect.objectContaining({ reason: 'duplicate-pickup' })]);
  });

  it('property: capacity respected, every pickup accounted for once, load spread within 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 5 }),
        (n, caps) => {
          const couriers = caps.map((c, i) => courier(`c-${i}`, c));
          const r = assignPickups(pickups(n), couriers);
          expect(r.assignments.length + r.unassigned.length).toBe(n);
          const total = caps.reduce((a, b) => a + b, 0);
          expect(r.assignments.length).toBe(Math.min(n, total));
          const key = windowKey(D, 0);
          const counts = couriers.map((c) => r.loads.get(c.id)!.get(key) ?? 0);
          counts.forEach((k, i) => expect(k).toBeLessThanOrEqual(caps[i]));
          // Among couriers not at capacity, no one has more than 1 over another.
          const open = counts.filter((k, i) => k < caps[i]);
          for (const k of counts) for (const o of open) expect(k - o).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe('checkManualAssignment', () => {
  const p: PickupToAssign = { id: 'p1', areaCode: SH, date: D, windowIndex: 2 };

  it('accepts a courier of the area with room', () => {
    expect(checkManualAssignment(p, courier('c-a', 1))).toEqual({ ok: true });
  });

  it('refuses another area and a full courier unless overridden', () => {
    expect(checkManualAssignment(p, courier('c-bj', 5, [BJ]))).toMatchObject({
      ok: false,
      reason: 'courier-not-in-area',
    });
    const full = courier('c-a', 1, [SH], { [windowKey(D, 2)]: 1 });
    expect(checkManualAssignment(p, full)).toMatchObject({ ok: false, reason: 'courier-full' });
    expect(checkManualAssignment(p, full, { allowOverCapacity: true })).toEqual({ ok: true });
  });
});
