import type { Grade } from './types.js';

/**
 * Fraud signals are advisory: they lower a valuation's confidence or hold an order for human
 * review. They never change a price (the caller passes `confidencePenalty` to `valuate`).
 */
export type FraudSeverity = 'hold' | 'lower-confidence';

export type FraudSignalCode =
  | 'duplicate-identifier'
  | 'blocklisted-identifier'
  | 'invalid-imei'
  | 'declared-condition-overstated';

export interface FraudSignal {
  code: FraudSignalCode;
  severity: FraudSeverity;
  detail: string;
  /** Confidence penalty (0..1) this signal contributes. */
  penalty: number;
  /** Normalised identifier involved, when there is one. */
  identifier?: string;
  /** Other orders involved (for duplicates). */
  orderIds?: string[];
}

/** An item of a live (not finished, not cancelled) trade-in order. */
export interface LiveOrderItem {
  orderId: string;
  itemId?: string;
  serialNumber?: string | null;
  imei?: string | null;
}

export interface BlocklistEntry {
  identifier: string;
  reason?: string;
}

export interface DeclarationRecord {
  declaredGrade: Grade;
  inspectedGrade: Grade;
}

export const DEFAULT_FRAUD_PENALTIES = {
  duplicate: 0.5,
  blocklisted: 0.8,
  invalidImei: 0.2,
  overstated: 0.25,
} as const;

/** Upper-cases and strips spaces, dashes, slashes and dots so 'ab-12 34' matches 'AB1234'. */
export function normaliseIdentifier(id: string): string {
  return id.toUpperCase().replace(/[\s\-_/.]/g, '');
}

/** IMEIs are 15 digits with a Luhn check digit; typos and made-up numbers fail it. */
export function isValidImei(imei: string): boolean {
  const d = normaliseIdentifier(imei);
  if (!/^\d{15}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    let n = d.charCodeAt(i) - 48;
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

function identifiersOf(item: LiveOrderItem): Array<{ kind: 'serial' | 'IMEI'; value: string }> {
  const out: Array<{ kind: 'serial' | 'IMEI'; value: string }> = [];
  if (item.imei) out.push({ kind: 'IMEI', value: normaliseIdentifier(item.imei) });
  if (item.serialNumber)
    out.push({ kind: 'serial', value: normaliseIdentifier(item.serialNumber) });
  return out.filter((x) => x.value.length > 0);
}

/**
 * Every identifier (IMEI or serial) that appears in two or more different live orders. One signal
 * per identifier; the same identifier twice in one order is also suspicious and reported.
 * Holds the order: the same phone cannot be sold twice.
 */
export function findDuplicateIdentifiers(items: readonly LiveOrderItem[]): FraudSignal[] {
  const seen = new Map<string, { kind: string; orders: string[]; count: number }>();
  for (const item of items) {
    for (const { kind, value } of identifiersOf(item)) {
      const e = seen.get(value) ?? { kind, orders: [], count: 0 };
      e.count++;
      if (!e.orders.includes(item.orderId)) e.orders.push(item.orderId);
      seen.set(value, e);
    }
  }
  const signals: FraudSignal[] = [];
  for (const [value, e] of seen) {
    if (e.count < 2) continue;
    signals.push({
      code: 'duplicate-identifier',
      severity: 'hold',
      detail:
        e.orders.length > 1
          ? `${e.kind} ${value} appears in ${e.orders.length} live orders: ${e.orders.join(', ')}`
          : `${e.kind} ${value} appears ${e.count} times in order ${e.orders[0]}`,
      penalty: DEFAULT_FRAUD_PENALTIES.duplicate,
      identifier: value,
      orderIds: [...e.orders].sort(),
    });
  }
  return signals;
}

/** Identifiers of `items` found on the blocklist (reported lost/stolen, financed, …): hold. */
export function checkBlocklist(
  items: readonly LiveOrderItem[],
  blocklist: readonly (BlocklistEntry | string)[],
): FraudSignal[] {
  const reasons = new Map<string, string | undefined>();
  for (const b of blocklist) {
    const entry = typeof b === 'string' ? { identifier: b } : b;
    reasons.set(normaliseIdentifier(entry.identifier), entry.reason);
  }
  const signals: FraudSignal[] = [];
  const reported = new Set<string>();
  for (const item of items) {
    for (const { kind, value } of identifiersOf(item)) {
      if (!reasons.has(value) || reported.has(value)) continue;
      reported.add(value);
      const reason = reasons.get(value);
      signals.push({
        code: 'blocklisted-identifier',
        severity: 'hold',
        detail: `${kind} ${value} is on the blocklist${reason ? ` (${reason})` : ''}`,
        penalty: DEFAULT_FRAUD_PENALTIES.blocklisted,
        identifier: value,
        orderIds: [item.orderId],
      });
    }
  }
  return signals;
}

/** IMEIs failing the Luhn check: probably a typo, possibly made up; lowers confidence. */
export function checkImeiFormat(items: readonly LiveOrderItem[]): FraudSignal[] {
  return items
    .filter((i) => i.imei && normaliseIdentifier(i.imei).length > 0 && !isValidImei(i.imei))
    .map((i) => ({
      code: 'invalid-imei' as const,
      severity: 'lower-confidence' as const,
      detail: `IMEI ${normaliseIdentifier(i.imei!)} is not a valid 15-digit IMEI`,
      penalty: DEFAULT_FRAUD_PENALTIES.invalidImei,
      identifier: normaliseIdentifier(i.imei!),
      orderIds: [i.orderId],
    }));
}

const RANK: Record<Grade, number> = { premium: 2, good: 1, scrap: 0 };

export interface DeclarationCheckOptions {
  /** History shorter than this is not judged. Default 3. */
  minHistory?: number;
  /** Overstated share at or above which confidence is lowered. Default 0.5. */
  lowerShare?: number;
  /** Overstated by two grades (declared premium, inspected scrap) this often → hold. Default 2. */
  holdFarCount?: number;
}

/**
 * An owner whose declared condition was repeatedly better than what inspection found. Being one
 * grade optimistic now and then is normal; doing it in most orders lowers confidence in their
 * quotes, and repeatedly claiming premium for scrap holds the order for review.
 */
export function checkDeclarationHistory(
  history: readonly DeclarationRecord[],
  options: DeclarationCheckOptions = {},
): FraudSignal[] {
  const minHistory = options.minHistory ?? 3;
  const lowerShare = options.lowerShare ?? 0.5;
  const holdFarCount = options.holdFarCount ?? 2;
  if (history.length < minHistory) return [];
  let overstated = 0;
  let far = 0;
  for (const h of history) {
    const gap = RANK[h.declaredGrade] - RANK[h.inspectedGrade];
    if (gap >= 1) overstated++;
    if (gap >= 2) far++;
  }
  const share = overstated / history.length;
  if (far >= holdFarCount) {
    return [
      {
        code: 'declared-condition-overstated',
        severity: 'hold',
        detail: `declared premium but inspected scrap in ${far} of ${history.length} past items`,
        penalty: DEFAULT_FRAUD_PENALTIES.overstated,
      },
    ];
  }
  if (overstated >= 2 && share >= lowerShare) {
    return [
      {
        code: 'declared-condition-overstated',
        severity: 'lower-confidence',
        detail: `declared condition better than inspected in ${overstated} of ${history.length} past items`,
        penalty: DEFAULT_FRAUD_PENALTIES.overstated,
      },
    ];
  }
  return [];
}

export interface FraudAssessment {
  signals: FraudSignal[];
  /** 1 − Π(1 − penalty): independent signals compound, never exceeding 1. */
  confidencePenalty: number;
  /** True when any signal asks for a human review before the order proceeds. */
  hold: boolean;
}

/** Combines signals into one penalty and a hold flag. */
export function combineSignals(signals: readonly FraudSignal[]): FraudAssessment {
  const keep = 1 - signals.reduce((k, s) => k * (1 - Math.min(1, Math.max(0, s.penalty))), 1);
  return {
    signals: [...signals],
    confidencePenalty: Math.min(1, Math.max(0, keep)),
    hold: signals.some((s) => s.severity === 'hold'),
  };
}

export interface FraudCheckInput {
  /** The items of the order being assessed. */
  orderItems: readonly LiveOrderItem[];
  /** Items of the other live orders (the order's own items may be included; they are ignored). */
  otherLiveItems?: readonly LiveOrderItem[];
  blocklist?: readonly (BlocklistEntry | string)[];
  /** The owner's past declared vs inspected grades. */
  ownerHistory?: readonly DeclarationRecord[];
}

/**
 * All checks for one order: duplicates of its identifiers among live orders (and within itself),
 * the blocklist, IMEI validity and the owner's declaration history.
 */
export function assessOrder(input: FraudCheckInput): FraudAssessment {
  const orderIds = new Set(input.orderItems.map((i) => i.orderId));
  const own = new Set(input.orderItems.flatMap((i) => identifiersOf(i).map((x) => x.value)));
  const relevantOthers = (input.otherLiveItems ?? []).filter(
    (i) => !orderIds.has(i.orderId) && identifiersOf(i).some((x) => own.has(x.value)),
  );
  const duplicates = findDuplicateIdentifiers([...input.orderItems, ...relevantOthers]).filter(
    (s) => s.identifier !== undefined && own.has(s.identifier),
  );
  return combineSignals([
    ...duplicates,
    ...checkBlocklist(input.orderItems, input.blocklist ?? []),
    ...checkImeiFormat(input.orderItems),
    ...checkDeclarationHistory(input.ownerHistory ?? []),
  ]);
}
