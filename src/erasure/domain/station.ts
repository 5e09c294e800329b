/**
 * Erasure stations: the equipment that runs a plan against a medium. The platform talks to every
 * station through ErasureStation; SimulatedStation stands in for real equipment in development
 * and tests.
 */
import { createHash } from 'node:crypto';
import { techniqueAchieves } from './methods.js';
import type { ErasurePlan } from './policies.js';
import type { ErasureRunRecord, MediaType, Medium, Technique } from './types.js';

export interface StationRunContext {
  /** 1 for the first try; retries pass 2, 3, ... (the simulator derives its randomness from it). */
  attempt?: number;
  operator?: string;
  /** Wall-clock start; defaults to the station's clock. */
  startAt?: Date;
}

export interface StationResult extends ErasureRunRecord {
  attempt: number;
  /** Total simulated/real duration: erase plus verification. */
  durationMs: number;
  eraseDurationMs: number;
  verificationDurationMs: number;
  /** Which phase failed, when status is 'failed'. */
  failedPhase?: 'erase' | 'verify' | 'precheck';
}

export interface ErasureStation {
  readonly name: string;
  readonly version: string;
  start(medium: Medium, plan: ErasurePlan, context?: StationRunContext): Promise<StationResult>;
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** sfc32: small, fast, good statistical quality; 128-bit state seeded from SHA-256. */
export function seededRandom(...seedParts: Array<string | number>): () => number {
  const digest = createHash('sha256').update(seedParts.map(String).join('\u0000')).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // discard the first outputs, as the sfc32 authors advise
  return next;
}

// ---------------------------------------------------------------------------------------------
// Simulated station

/** Sustained sequential write throughput in bytes/s; reads for verification are ~10 % faster. */
export const DEFAULT_THROUGHPUT: Record<MediaType, number> = {
  hdd: 150e6,
  ssd: 450e6,
  flash: 80e6, // a phone wiped over USB by an agent app
  emmc: 60e6,
};

/** Share of the capacity read back by a sample verification (SP 800-88 §4.7 representative sample). */
export const SAMPLE_VERIFICATION_FRACTION = 0.1;

export interface SimulatedStationOptions {
  /** Any seed makes every run reproducible from (seed, serial, attempt). Default: random per station. */
  seed?: string | number;
  /** Probability that the erase phase fails (0..1). Default 0.03. */
  failureRate?: number;
  /** Probability that verification finds residual data after a good erase (0..1). Default 0.01. */
  verificationFailureRate?: number;
  throughput?: Partial<Record<MediaType, number>>;
  /**
   * Real milliseconds waited per simulated millisecond. 0 (default) computes durations without
   * waiting, so tests never sleep; 0.001 turns a 3-hour wipe into ~11 s for a demo.
   */
  timeScale?: number;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  name?: string;
  version?: string;
  host?: string;
}

const ERASE_FAILURES = [
  'write error: I/O error on device',
  'device stopped responding (link reset)',
  'too many reallocated sectors, drive aborted the command',
  'sanitize operation aborted by the device',
  'device disconnected during erase',
];

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SimulatedStation implements ErasureStation {
  readonly name: string;
  readonly version: string;
  private readonly seed: string;
  private readonly failureRate: number;
  private readonly verificationFailureRate: number;
  private readonly throughput: Record<MediaType, number>;
  private readonly timeScale: number;
  private readonly clock: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly host: string;
  /** Attempts seen per serial, used when the caller does not say which attempt this is. */
  private readonly attempts = new Map<string, number>();

  constructor(options: SimulatedStationOptions = {}) {
    this.name = options.name ?? 'reloop-simulated-station';
    this.version = options.version ?? '1.0.0';
    this.seed = String(options.seed ?? `${Date.now()}-${Math.random()}`);
    this.failureRate = clampRate(options.failureRate ?? 0.03, 'failureRate');
    this.verificationFailureRate = clampRate(
      options.verificationFailureRate ?? 0.01,
      'verificationFailureRate',
    );
    this.throughput = { ...DEFAULT_THROUGHPUT, ...options.throughput };
    this.timeScale = options.timeScale ?? 0;
    if (!(this.timeScale >= 0)) throw new Error('timeScale must be >= 0');
    this.clock = options.clock ?? (() => new Date());
    this.sleep = options.sleep ?? defaultSleep;
    this.host = options.host ?? 'sim-station-01';
  }

  /** Duration of the erase itself, before jitter: what a real run would take on this medium. */
  estimateEraseMs(medium: Medium, technique: Technique, passes: number): number {
    const bytesPerMs = this.throughput[medium.mediaType] / 1000;
    const fullPassMs = medium.capacityBytes / bytesPerMs;
    switch (technique) {
      case 'overwrite':
        return fullPassMs * Math.max(1, passes);
      case 'ata-secure-erase':
        return fullPassMs; // the drive overwrites internally at media speed
      case 'ata-sanitize':
      case 'nvme-sanitize':
        // Magnetic drives sanitize by overwrite; flash by block erase (~20 GB/s internally).
        return medium.mediaType === 'hdd' ? fullPassMs : 30_000 + medium.capacityBytes / 20e6;
      case 'block-erase':
        return 30_000 + medium.capacityBytes / 20e6;
      case 'crypto-erase':
        return 5_000;
      case 'degauss':
        return 30_000;
      case 'shred':
      case 'disintegrate':
        return 60_000;
    }
  }

  /** Read-back time of the verification phase. */
  estimateVerificationMs(medium: Medium, method: ErasurePlan['verification'] | 'none'): number {
    if (method === 'none') return 0;
    const fraction = method === 'full' ? 1 : SAMPLE_VERIFICATION_FRACTION;
    return (medium.capacityBytes * fraction) / ((this.throughput[medium.mediaType] * 1.1) / 1000);
  }

  async start(
    medium: Medium,
    plan: ErasurePlan,
    context: StationRunContext = {},
  ): Promise<StationResult> {
    const attempt = context.attempt ?? (this.attempts.get(medium.serial) ?? 0) + 1;
    this.attempts.set(medium.serial, Math.max(attempt, this.attempts.get(medium.serial) ?? 0));
    const random = seededRandom(this.seed, medium.serial, attempt);
    const startedAt = context.startAt ?? this.clock();
    const logs: string[] = [];
    const log = (offsetMs: number, message: string) =>
      logs.push(`[${new Date(startedAt.getTime() + offsetMs).toISOString()}] ${message}`);

    const base = {
      source: 'simulated',
      tool: { name: this.name, version: this.version },
      serial: medium.serial,
      manufacturer: medium.manufacturer,
      model: medium.model,
      capacityBytes: medium.capacityBytes,
      technique: plan.technique,
      methodName: plan.description,
      passesRequested: plan.passes,
      host: this.host,
      operator: context.operator,
      attempt,
      logs,
    };
    log(0, `attempt ${attempt}: ${plan.description}`);

    // Real equipment refuses a command the device does not implement.
    const unsupported =
      techniqueAchieves(medium.mediaType, plan.technique, plan.passes) === null ||
      (medium.supports !== undefined && !medium.supports.includes(plan.technique));
    if (unsupported) {
      const reason = `${plan.technique} is not supported by ${medium.mediaType} ${medium.serial}`;
      log(0, `error: ${reason}`);
      return {
        ...base,
        passesCompleted: 0,
        bytesErased: 0,
        verification: { method: 'none', outcome: 'not-run' },
        status: 'failed',
        failedPhase: 'precheck',
        failureReason: reason,
        startedAt: startedAt.toISOString(),
        finishedAt: startedAt.toISOString(),
        durationMs: 0,
        eraseDurationMs: 0,
        verificationDurationMs: 0,
      };
    }

    const jitter = () => 0.9 + random() * 0.2; // ±10 %: thermal throttling, bus contention
    const plannedEraseMs = this.estimateEraseMs(medium, plan.technique, plan.passes) * jitter();
    const eraseFails = random() < this.failureRate;
    const progressAtFailure = random();
    const verifyFails = random() < this.verificationFailureRate;
    const reason = ERASE_FAILURES[Math.floor(random() * ERASE_FAILURES.length)];
    const verificationMs = this.estimateVerificationMs(medium, plan.verification) * jitter();

    let eraseMs: number;
    let passesCompleted: number;
    let bytesErased: number;
    if (eraseFails) {
      eraseMs = Math.round(plannedEraseMs * progressAtFailure);
      const passesDone = plan.passes * progressAtFailure;
      passesCompleted = Math.floor(passesDone);
      bytesErased =
        passesDone >= 1 ? medium.capacityBytes : Math.floor(medium.capacityBytes * passesDone);
      for (let p = 1; p <= passesCompleted; p++) {
        log((eraseMs * p) / Math.max(passesDone, 1), `pass ${p}/${plan.passes} complete`);
      }
      log(eraseMs, `error: ${reason}`);
      await this.wait(eraseMs);
      return {
        ...base,
        passesCompleted,
        bytesErased,
        verification: { method: 'none', outcome: 'not-run' },
        status: 'failed',
        failedPhase: 'erase',
        failureReason: reason,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date(startedAt.getTime() + eraseMs).toISOString(),
        durationMs: eraseMs,
        eraseDurationMs: eraseMs,
        verificationDurationMs: 0,
      };
    }

    eraseMs = Math.round(plannedEraseMs);
    passesCompleted = plan.passes;
    bytesErased = medium.capacityBytes;
    for (let p = 1; p <= plan.passes; p++) {
      log((eraseMs * p) / plan.passes, `pass ${p}/${plan.passes} complete`);
    }
    const verifyMs = Math.round(verificationMs);
    const durationMs = eraseMs + verifyMs;
    log(eraseMs, `verifying (${plan.verification})`);
    const verificationFailure = verifyFails
      ? `verification found ${1 + Math.floor(random() * 4096)} sector(s) not matching the expected pattern`
      : undefined;
    log(durationMs, verificationFailure ? `error: ${verificationFailure}` : 'verification passed');
    await this.wait(durationMs);
    return {
      ...base,
      passesCompleted,
      bytesErased,
      verification: { method: plan.verification, outcome: verifyFails ? 'failed' : 'passed' },
      status: verifyFails ? 'failed' : 'succeeded',
      ...(verifyFails
        ? { failedPhase: 'verify' as const, failureReason: verificationFailure }
        : {}),
      startedAt: startedAt.toISOString(),
      finishedAt: new Date(startedAt.getTime() + durationMs).toISOString(),
      durationMs,
      eraseDurationMs: eraseMs,
      verificationDurationMs: verifyMs,
    };
  }

  private async wait(simulatedMs: number): Promise<void> {
    if (this.timeScale > 0 && simulatedMs > 0) await this.sleep(simulatedMs * this.timeScale);
  }
}

function clampRate(rate: number, name: string): number {
  if (!(rate >= 0 && rate <= 1)) throw new Error(`${name} must be between 0 and 1`);
  return rate;
}
