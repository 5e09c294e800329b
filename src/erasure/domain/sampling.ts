/**
 * Sampling verification: a share of finished wipes (at least 5 % by default) is re-verified by a
 * different operator, as quality control of both the equipment and the people.
 *
 * Selection is hash-based, so it is deterministic (auditors can recompute it from the salt) and
 * unpredictable to operators who do not know the salt. Two rules combine:
 *  1. at wipe time, a wipe whose score is below `rate` is picked immediately (shouldSample);
 *  2. when a batch closes, the lowest-scoring wipes are added until ceil(rate · N) are picked.
 * Rule 1 picks are always among the lowest scores, so closing a batch never un-picks a wipe an
 * operator was already told to re-verify, and every batch of N has at least ceil(rate · N).
 */
import { createHash } from 'node:crypto';

export const DEFAULT_SAMPLING_RATE = 0.05;

export interface SampledWipe {
  wipeId: string;
  batchId: string;
  /** Operator who performed the wipe. */
  operatorId: string;
}

export interface SamplingOptions {
  /** Minimum share to re-verify, 0 < rate ≤ 1. Default 0.05. */
  rate?: number;
  /** Secret salt; keep it from operators so they cannot predict which wipes are checked. */
  salt?: string;
}

function checkRate(rate: number): number {
  if (!(rate > 0 && rate <= 1)) throw new Error('sampling rate must be in (0, 1]');
  return rate;
}

/** Uniform score in [0, 1) from the first 52 bits of SHA-256(salt, wipeId). */
export function samplingScore(wipeId: string, salt = ''): number {
  const digest = createHash('sha256').update(`${salt}\u0000${wipeId}`).digest();
  const high = digest.readUInt32BE(0) >>> 0; // 32 bits
  const low = digest.readUInt32BE(4) >>> 12; // 20 bits
  return (high * 2 ** 20 + low) / 2 ** 52;
}

/** Immediate decision at wipe time (rule 1). */
export function shouldSample(wipeId: string, options: SamplingOptions = {}): boolean {
  return samplingScore(wipeId, options.salt) < checkRate(options.rate ?? DEFAULT_SAMPLING_RATE);
}

/** Minimum number of picks for a batch of n wipes. */
export function requiredSampleSize(n: number, rate = DEFAULT_SAMPLING_RATE): number {
  // Guard against float noise such as 0.05 * 100 = 5.000000000000001 → 6.
  return Math.min(n, Math.ceil(Number((checkRate(rate) * n).toFixed(9))));
}

/**
 * The wipes to re-verify, per batch: rule 1 picks plus top-up to ceil(rate · N). Returned in
 * input order. Duplicate wipe ids are counted once.
 */
export function selectForReverification<T extends SampledWipe>(
  wipes: readonly T[],
  options: SamplingOptions = {},
): T[] {
  const rate = checkRate(options.rate ?? DEFAULT_SAMPLING_RATE);
  const byBatch = new Map<string, Map<string, T>>();
  for (const wipe of wipes) {
    const batch = byBatch.get(wipe.batchId) ?? new Map<string, T>();
    if (!batch.has(wipe.wipeId)) batch.set(wipe.wipeId, wipe);
    byBatch.set(wipe.batchId, batch);
  }
  const picked = new Set<string>();
  for (const batch of byBatch.values()) {
    const scored = [...batch.values()]
      .map((wipe) => ({ wipe, score: samplingScore(wipe.wipeId, options.salt) }))
      .sort((a, b) => a.score - b.score || (a.wipe.wipeId < b.wipe.wipeId ? -1 : 1));
    const immediate = scored.filter((s) => s.score < rate).length;
    const count = Math.max(immediate, requiredSampleSize(scored.length, rate));
    for (const { wipe } of scored.slice(0, count))
      picked.add(`${wipe.batchId}\u0000${wipe.wipeId}`);
  }
  const seen = new Set<string>();
  return wipes.filter((w) => {
    const key = `${w.batchId}\u0000${w.wipeId}`;
    if (!picked.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export class NoEligibleReverifierError extends Error {
  constructor(readonly wipeId: string) {
    super(`no operator other than the one who wiped ${wipeId} is available to re-verify it`);
    this.name = 'NoEligibleReverifierError';
  }
}

/**
 * A re-verifier for the wipe, never its own operator; deterministic (rendezvous hashing), so a
 * retried job assigns the same person and load spreads evenly.
 */
export function assignReverifier(
  wipe: SampledWipe,
  operators: readonly string[],
  salt = '',
): string {
  let best: string | undefined;
  let bestScore = -1;
  for (const op of operators) {
    if (op === wipe.operatorId) continue;
    const score = samplingScore(`${wipe.wipeId}\u0000${op}`, salt);
    if (score > bestScore) {
      best = op;
      bestScore = score;
    }
  }
  if (best === undefined) throw new NoEligibleReverifierError(wipe.wipeId);
  return best;
}

export interface Reverification {
  wipeId: string;
  reverifierId: string;
  outcome: 'passed' | 'failed';
}

export interface SamplingGroupStats {
  total: number;
  sampled: number;
  /** sampled / total (0 when total is 0). */
  rate: number;
  reverified: number;
  /** Re-verifications that found the wipe deficient. */
  failed: number;
}

export interface SamplingReport {
  targetRate: number;
  overall: SamplingGroupStats;
  byBatch: Array<SamplingGroupStats & { batchId: string; required: number; meetsTarget: boolean }>;
  byOperator: Array<SamplingGroupStats & { operatorId: string; meetsTarget: boolean }>;
  /** Re-verifications done by the wipe's own operator: they do not count. */
  selfReverifications: string[];
  /** Sampled wipes still waiting for their re-verification. */
  pending: string[];
}

/**
 * Sampling rate per batch and per operator. A batch meets the target when it has at least
 * ceil(rate · N) picks; an operator's rate is informative (small per-operator counts vary).
 */
export function samplingReport(
  wipes: readonly SampledWipe[],
  sampled: readonly Pick<SampledWipe, 'wipeId'>[],
  reverifications: readonly Reverification[] = [],
  rate = DEFAULT_SAMPLING_RATE,
): SamplingReport {
  checkRate(rate);
  const sampledIds = new Set(sampled.map((s) => s.wipeId));
  const operatorOf = new Map(wipes.map((w) => [w.wipeId, w.operatorId]));
  const selfReverifications: string[] = [];
  const validChecks = new Map<string, Reverification>();
  for (const r of reverifications) {
    if (operatorOf.get(r.wipeId) === r.reverifierId) selfReverifications.push(r.wipeId);
    else if (!validChecks.has(r.wipeId) || r.outcome === 'failed') validChecks.set(r.wipeId, r);
  }

  const empty = (): SamplingGroupStats => ({
    total: 0,
    sampled: 0,
    rate: 0,
    reverified: 0,
    failed: 0,
  });
  const overall = empty();
  const batches = new Map<string, SamplingGroupStats>();
  const operators = new Map<string, SamplingGroupStats>();
  const pending: string[] = [];
  const seen = new Set<string>();
  for (const wipe of wipes) {
    if (seen.has(wipe.wipeId)) continue;
    seen.add(wipe.wipeId);
    const groups = [
      overall,
      getOr(batches, wipe.batchId, empty),
      getOr(operators, wipe.operatorId, empty),
    ];
    const isSampled = sampledIds.has(wipe.wipeId);
    const check = validChecks.get(wipe.wipeId);
    if (isSampled && !check) pending.push(wipe.wipeId);
    for (const g of groups) {
      g.total++;
      if (isSampled) g.sampled++;
      if (check) g.reverified++;
      if (check?.outcome === 'failed') g.failed++;
    }
  }
  const withRate = <T extends SamplingGroupStats>(g: T): T => ({
    ...g,
    rate: g.total ? g.sampled / g.total : 0,
  });
  return {
    targetRate: rate,
    overall: withRate(overall),
    byBatch: [...batches].map(([batchId, g]) => {
      const required = requiredSampleSize(g.total, rate);
      return { batchId, ...withRate(g), required, meetsTarget: g.sampled >= required };
    }),
    byOperator: [...operators].map(([operatorId, g]) => ({
      operatorId,
      ...withRate(g),
      meetsTarget: g.total === 0 || g.sampled / g.total >= rate,
    })),
    selfReverifications,
    pending,
  };
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
