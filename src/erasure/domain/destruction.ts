/**
 * What happens after a failed wipe: retry with backoff, and after the last failed try route the
 * medium to physical destruction — which is certified too (NIST level Destroy).
 */
import { TECHNIQUE_LABELS, techniqueAchieves } from './methods.js';
import {
  CERTIFICATE_SCHEMA,
  type CertificatePerson,
  CertificateRefusedError,
  certificateIdFor,
  certificateMedia,
  type SanitizationCertificate,
} from './certificate.js';
import type { MediaType, Medium, Technique } from './types.js';

export type DestructionTechnique = Extract<Technique, 'shred' | 'disintegrate'>;

export interface RetryPolicy {
  /** Total tries including the first. Default 3. */
  maxAttempts: number;
  /** Delay before the 2nd try; doubles each time. Default 5 minutes. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 5 * 60_000,
  maxDelayMs: 60 * 60_000,
};

/**
 * Destruction technique per medium. Flash stores data in tiny dies that survive a hard-drive
 * shredder's strips (NSA/CSS EPL: particles ≤ 2 mm), so flash media are disintegrated; platters
 * are shredded.
 */
export const DESTRUCTION_TECHNIQUE: Record<MediaType, DestructionTechnique> = {
  hdd: 'shred',
  ssd: 'disintegrate',
  flash: 'disintegrate',
  emmc: 'disintegrate',
};

export interface FailedAttempt {
  /** 1-based number of the try that just failed. */
  attempt: number;
  /** Phase reported by the station; 'precheck' means the device cannot run the technique at all. */
  failedPhase?: 'erase' | 'verify' | 'precheck';
  reason?: string;
}

export type FailureRouting =
  | { action: 'retry'; nextAttempt: number; delayMs: number; reason: string }
  | { action: 'destroy'; technique: DestructionTechnique; reason: string };

/**
 * Retry or destroy. Destroy right away when retrying cannot help: the device is physically
 * damaged or cannot run any compliant technique (`unwipeable`); otherwise retry with
 * exponential backoff until `maxAttempts` tries have failed.
 */
export function routeAfterFailure(
  medium: Pick<Medium, 'mediaType' | 'serial'>,
  failure: FailedAttempt,
  options: { retry?: Partial<RetryPolicy>; unwipeable?: boolean; physicallyDamaged?: boolean } = {},
): FailureRouting {
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  if (!(retry.maxAttempts >= 1)) throw new Error('maxAttempts must be at least 1');
  const technique = DESTRUCTION_TECHNIQUE[medium.mediaType];
  if (options.physicallyDamaged) {
    return { action: 'destroy', technique, reason: 'medium is physically damaged' };
  }
  if (options.unwipeable) {
    return {
      action: 'destroy',
      technique,
      reason: `no compliant technique can sanitize ${medium.mediaType} ${medium.serial}`,
    };
  }
  if (failure.attempt >= retry.maxAttempts) {
    return {
      action: 'destroy',
      technique,
      reason: `wipe failed ${failure.attempt} time(s)${failure.reason ? `; last error: ${failure.reason}` : ''}`,
    };
  }
  const delayMs = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (failure.attempt - 1));
  return {
    action: 'retry',
    nextAttempt: failure.attempt + 1,
    delayMs,
    reason: failure.reason ?? `attempt ${failure.attempt} failed`,
  };
}

export interface DestructionRecord {
  technique: DestructionTechnique;
  /** Shredder/disintegrator make and model, and its firmware or service-record version. */
  equipment: { name: string; version: string };
  /** Particle size achieved, in millimetres, when measured. */
  particleSizeMm?: number;
  /** Facility where it happened (Appendix G "Location"). */
  facility?: string;
  startedAt: Date;
  completedAt: Date;
  /** Why the medium was destroyed (e.g. the routing reason). */
  reason: string;
  /** Id of the destruction event/batch, used for the deterministic certificate id. */
  destructionId: string;
}

export interface DestructionCertificateInput {
  medium: Medium & { itemTraceCode: string };
  destruction: DestructionRecord;
  operator: CertificatePerson;
  /** Witness who inspected the remains; must differ from the operator. */
  verifier: CertificatePerson;
  issuedAt?: Date;
  certificateId?: string;
}

/** Particle size above which flash destruction is not accepted (NSA/CSS EPL for SSDs). */
export const MAX_FLASH_PARTICLE_MM = 2;

/** Certificate of destruction: level Destroy, destination destroy, verified by visual inspection. */
export function buildDestructionCertificate(
  input: DestructionCertificateInput,
): SanitizationCertificate {
  const { medium, destruction } = input;
  if (techniqueAchieves(medium.mediaType, destruction.technique) !== 'Destroy') {
    throw new CertificateRefusedError(`${destruction.technique} is not a destruction technique`);
  }
  if (
    medium.mediaType !== 'hdd' &&
    destruction.particleSizeMm !== undefined &&
    destruction.particleSizeMm > MAX_FLASH_PARTICLE_MM
  ) {
    throw new CertificateRefusedError(
      `flash particles of ${destruction.particleSizeMm} mm can still hold readable dies (max ${MAX_FLASH_PARTICLE_MM} mm)`,
    );
  }
  if (destruction.completedAt.getTime() < destruction.startedAt.getTime()) {
    throw new CertificateRefusedError('destruction completes before it starts');
  }
  if (sameOperator(input.operator, input.verifier)) {
    throw new CertificateRefusedError('the witness of a destruction must not be its operator');
  }
  const details = [
    TECHNIQUE_LABELS[destruction.technique],
    destruction.particleSizeMm !== undefined
      ? `particles ≤ ${destruction.particleSizeMm} mm`
      : undefined,
    destruction.facility ? `at ${destruction.facility}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    schema: CERTIFICATE_SCHEMA,
    certificateId:
      input.certificateId ??
      certificateIdFor(
        medium.id ?? medium.serial,
        `destruction:${destruction.destructionId}`,
        'DC',
      ),
    kind: 'destruction',
    issuedAt: (input.issuedAt ?? new Date()).toISOString(),
    media: certificateMedia(medium),
    sanitization: {
      level: 'Destroy',
      technique: destruction.technique,
      methodDescription: details,
      tool: { ...destruction.equipment },
      verification: { method: 'visual', outcome: 'passed' },
      startedAt: destruction.startedAt.toISOString(),
      completedAt: destruction.completedAt.toISOString(),
      runId: destruction.destructionId,
      notes: destruction.reason,
    },
    operator: { ...input.operator },
    verifier: { ...input.verifier },
    destination: 'destroy',
  };
}

function sameOperator(a: CertificatePerson, b: CertificatePerson): boolean {
  if (a.id && b.id) return a.id === b.id;
  return a.name.trim().toLowerCase() === b.name.trim().toLowerCase();
}
