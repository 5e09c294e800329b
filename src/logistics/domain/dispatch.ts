/**
 * Courier dispatch: assigns scheduled pickups to the couriers of their area, never over a
 * courier's capacity per window, spreading the work evenly. Deterministic (same input → same
 * output, whatever the input order), so the `dispatch` job can be re-run idempotently.
 */

export interface PickupToAssign {
  id: string;
  /** Service area (city) code. */
  areaCode: string;
  /** Local pickup date, `YYYY-MM-DD`. */
  date: string;
  windowIndex: number;
  /** Couriers who handed this pickup back: never chosen for it again by a dispatch run. */
  excludedCourierIds?: readonly string[];
}

export interface CourierLoad {
  id: string;
  /** Areas the courier serves. */
  areaCodes: readonly string[];
  /** Most pickups the courier takes in one window. */
  capacityPerWindow: number;
  /** Pickups already assigned, by {@link windowKey}. Not mutated. */
  assignedCounts: ReadonlyMap<string, number>;
}

export interface Assignment {
  pickupId: string;
  courierId: string;
  key: string;
}

export type UnassignedReason = 'no-courier-for-area' | 'couriers-full' | 'duplicate-pickup';

export interface Unassigned {
  pickupId: string;
  reason: UnassignedReason;
  message: string;
}

export interface DispatchResult {
  assignments: Assignment[];
  unassigned: Unassigned[];
  /** Each courier's counts after this run (input counts plus new assignments). */
  loads: Map<string, Map<string, number>>;
}

/**
 * Key of one courier time slot: a local date and window index. A courier serving two areas has
 * one slot per (date, window), whichever area the pickup is in.
 */
export function windowKey(date: string, windowIndex: number): string {
  return `${date}#${windowIndex}`;
}

function dayTotal(counts: ReadonlyMap<string, number>, date: string): number {
  let total = 0;
  const prefix = `${date}#`;
  for (const [key, n] of counts) if (key.startsWith(prefix)) total += n;
  return total;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Assigns each pickup to the eligible courier (serves the area, has room in that window) with
 * the fewest pickups in that window; ties go to the one with the fewest that day, then to the
 * lowest id. Pickups are processed by date, window, then id, so results do not depend on order.
 */
export function assignPickups(
  pickups: readonly PickupToAssign[],
  couriers: readonly CourierLoad[],
): DispatchResult {
  const loads = new Map<string, Map<string, number>>();
  for (const c of couriers) loads.set(c.id, new Map(c.assignedCounts));
  const sortedCouriers = [...couriers].sort((a, b) => byString(a.id, b.id));

  const ordered = [...pickups].sort(
    (a, b) => byString(a.date, b.date) || a.windowIndex - b.windowIndex || byString(a.id, b.id),
  );

  const assignments: Assignment[] = [];
  const unassigned: Unassigned[] = [];
  const seen = new Set<string>();

  for (const p of ordered) {
    if (seen.has(p.id)) {
      unassigned.push({
        pickupId: p.id,
        reason: 'duplicate-pickup',
        message: `Pickup ${p.id} appears more than once`,
      });
      continue;
    }
    seen.add(p.id);
    const key = windowKey(p.date, p.windowIndex);
    const inArea = sortedCouriers.filter(
      (c) => c.areaCodes.includes(p.areaCode) && !(p.excludedCourierIds ?? []).includes(c.id),
    );
    if (inArea.length === 0) {
      unassigned.push({
        pickupId: p.id,
        reason: 'no-courier-for-area',
        message: `No courier serves area ${p.areaCode}`,
      });
      continue;
    }
    let best: { courier: CourierLoad; inWindow: number; inDay: number } | undefined;
    for (const c of inArea) {
      const counts = loads.get(c.id)!;
      const inWindow = counts.get(key) ?? 0;
      if (inWindow >= c.capacityPerWindow) continue;
      const inDay = dayTotal(counts, p.date);
      // Couriers are visited in id order, so strict "<" keeps the lowest id on a full tie.
      if (!best || inWindow < best.inWindow || (inWindow === best.inWindow && inDay < best.inDay)) {
        best = { courier: c, inWindow, inDay };
      }
    }
    if (!best) {
      unassigned.push({
        pickupId: p.id,
        reason: 'couriers-full',
        message: `All couriers of area ${p.areaCode} are full on ${p.date} window ${p.windowIndex}`,
      });
      continue;
    }
    loads.get(best.courier.id)!.set(key, best.inWindow + 1);
    assignments.push({ pickupId: p.id, courierId: best.courier.id, key });
  }
  return { assignments, unassigned, loads };
}

/**
 * Checks an admin's manual assignment. Over capacity is refused unless `allowOverCapacity`
 * (an admin may knowingly overload a courier in an emergency).
 */
export function checkManualAssignment(
  pickup: PickupToAssign,
  courier: CourierLoad,
  options: { allowOverCapacity?: boolean } = {},
): { ok: true } | { ok: false; reason: 'courier-not-in-area' | 'courier-full'; message: string } {
  if (!courier.areaCodes.includes(pickup.areaCode)) {
    return {
      ok: false,
      reason: 'courier-not-in-area',
      message: `Courier ${courier.id} does not serve area ${pickup.areaCode}`,
    };
  }
  const inWindow = courier.assignedCounts.get(windowKey(pickup.date, pickup.windowIndex)) ?? 0;
  if (!options.allowOverCapacity && inWindow >= courier.capacityPerWindow) {
    return {
      ok: false,
      reason: 'courier-full',
      message: `Courier ${courier.id} already has ${inWindow} of ${courier.capacityPerWindow} pickups in that window`,
    };
  }
  return { ok: true };
}
