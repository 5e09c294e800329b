/**
 * Policy profiles: which techniques an organisation accepts per medium, how many passes, and
 * what verification, plus the planner and the checker that hold a run against a profile.
 */
import { operatorData } from '../../config/operator-data.js';
import { TECHNIQUE_LABELS, techniqueAchieves } from './methods.js';
import {
  type ErasureRunRecord,
  levelAtLeast,
  type MediaType,
  type Medium,
  normaliseSerial,
  type SanitizationLevel,
  type Technique,
  type VerificationMethod,
} from './types.js';

export const POLICY_IDS = ['nist-clear', 'nist-purge', 'cn-2027'] as const;
export type PolicyId = (typeof POLICY_IDS)[number];

export interface TechniqueRule {
  technique: Technique;
  /** Minimum overwrite passes (overwrite only). */
  minPasses?: number;
}

export interface PolicyProfile {
  id: PolicyId;
  name: string;
  description: string;
  /** ISO date (inclusive) from which the profile is mandatory, if it is a regulation. */
  effectiveFrom?: string;
  minLevel: SanitizationLevel;
  /** Accepted techniques per medium, most preferred first (the planner takes the first one the device supports). */
  rules: Record<MediaType, readonly TechniqueRule[]>;
  /** Weakest verification accepted before the medium may be resold. */
  verification: Exclude<VerificationMethod, 'none'>;
}

/** Strength order of verification methods. */
const VERIFICATION_RANK: Record<VerificationMethod, number> = { none: 0, sample: 1, full: 2 };

/** `config/erasure-policies.yaml` as its schema describes it. */
export interface ErasurePoliciesFile {
  policies: PolicyProfile[];
}

/** Every policy id exactly once (the ids are part of the API; their content is operator data). */
function checkPolicies(file: ErasurePoliciesFile) {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const seen = new Set<string>();
  file.policies.forEach((p, i) => {
    if (seen.has(p.id)) problems.push({ path: ['policies', i, 'id'], message: 'is listed twice' });
    seen.add(p.id);
  });
  for (const id of POLICY_IDS) {
    if (!seen.has(id)) problems.push({ path: ['policies'], message: `policy ${id} is missing` });
  }
  return problems;
}

// Destroy techniques and degauss are deliberately absent from every profile (the schema refuses
// them): these profiles govern wipes of devices that will be resold; destruction has its own
// path (destruction.ts). The profiles are operator data in config/erasure-policies.yaml.
export const POLICIES: Record<PolicyId, PolicyProfile> = Object.fromEntries(
  operatorData<ErasurePoliciesFile>('erasure-policies', checkPolicies).policies.map((p) => [
    p.id,
    p,
  ]),
) as Record<PolicyId, PolicyProfile>;

export function getPolicy(policy: PolicyId | PolicyProfile): PolicyProfile {
  if (typeof policy !== 'string') return policy;
  const found = POLICIES[policy];
  if (!found) throw new Error(`unknown erasure policy ${String(policy)}`);
  return found;
}

/** True when the profile is mandatory at `at` (profiles without a date always are). */
export function isPolicyInForce(policy: PolicyId | PolicyProfile, at: Date): boolean {
  const { effectiveFrom } = getPolicy(policy);
  // Regulations take effect at local midnight in China (UTC+8).
  return !effectiveFrom || at.getTime() >= Date.parse(`${effectiveFrom}T00:00:00+08:00`);
}

export interface ErasurePlan {
  policy: PolicyId;
  technique: Technique;
  passes: number;
  level: SanitizationLevel;
  verification: Exclude<VerificationMethod, 'none'>;
  description: string;
}

export class NoCompliantTechniqueError extends Error {
  constructor(
    readonly policy: PolicyId,
    readonly medium: Pick<Medium, 'mediaType' | 'serial'>,
  ) {
    super(
      `no technique supported by ${medium.mediaType} ${medium.serial} satisfies policy ${policy}`,
    );
    this.name = 'NoCompliantTechniqueError';
  }
}

/**
 * The first technique of the policy that the device supports and that reaches the policy's
 * level on this medium. Throws NoCompliantTechniqueError when there is none (route the medium
 * to destruction or to a station that can do better).
 */
export function planErasure(policyRef: PolicyId | PolicyProfile, medium: Medium): ErasurePlan {
  const policy = getPolicy(policyRef);
  for (const rule of policy.rules[medium.mediaType] ?? []) {
    if (medium.supports && !medium.supports.includes(rule.technique)) continue;
    const passes = rule.technique === 'overwrite' ? (rule.minPasses ?? 1) : 1;
    const level = techniqueAchieves(medium.mediaType, rule.technique, passes);
    if (!level || !levelAtLeast(level, policy.minLevel)) continue;
    const what =
      rule.technique === 'overwrite'
        ? `${passes}-pass overwrite`
        : TECHNIQUE_LABELS[rule.technique].toLowerCase();
    return {
      policy: policy.id,
      technique: rule.technique,
      passes,
      level,
      verification: policy.verification,
      description: `${policy.name}: ${what} of ${medium.mediaType.toUpperCase()} ${medium.serial} (NIST ${level}), then ${policy.verification} verification`,
    };
  }
  throw new NoCompliantTechniqueError(policy.id, medium);
}

export type ViolationCode =
  | 'SERIAL_MISMATCH'
  | 'RUN_FAILED'
  | 'UNKNOWN_TECHNIQUE'
  | 'TECHNIQUE_INVALID_FOR_MEDIA'
  | 'TECHNIQUE_NOT_ALLOWED'
  | 'TOO_FEW_PASSES'
  | 'LEVEL_TOO_LOW'
  | 'INCOMPLETE_COVERAGE'
  | 'NO_VERIFICATION'
  | 'VERIFICATION_TOO_WEAK'
  | 'VERIFICATION_FAILED';

export interface PolicyViolation {
  code: ViolationCode;
  message: string;
}

/**
 * Every reason the run does not satisfy the policy for this medium; an empty list means the
 * run may back a certificate. Checks are independent so an auditor sees all problems at once.
 */
export function checkRunAgainstPolicy(
  policyRef: PolicyId | PolicyProfile,
  medium: Medium,
  run: ErasureRunRecord,
): PolicyViolation[] {
  const policy = getPolicy(policyRef);
  const violations: PolicyViolation[] = [];
  const add = (code: ViolationCode, message: string) => violations.push({ code, message });

  if (normaliseSerial(run.serial) !== normaliseSerial(medium.serial)) {
    add('SERIAL_MISMATCH', `run is for serial ${run.serial}, medium is ${medium.serial}`);
  }
  if (run.status !== 'succeeded') {
    add(
      'RUN_FAILED',
      `the run did not succeed${run.failureReason ? `: ${run.failureReason}` : ''}`,
    );
  }

  if (run.technique === null) {
    add('UNKNOWN_TECHNIQUE', `method "${run.methodName}" cannot be mapped to a known technique`);
  } else {
    const level = techniqueAchieves(medium.mediaType, run.technique, run.passesCompleted);
    const rule = (policy.rules[medium.mediaType] ?? []).find((r) => r.technique === run.technique);
    if (techniqueAchieves(medium.mediaType, run.technique, Number.POSITIVE_INFINITY) === null) {
      add(
        'TECHNIQUE_INVALID_FOR_MEDIA',
        `${TECHNIQUE_LABELS[run.technique]} does not sanitize ${medium.mediaType} media`,
      );
    } else if (!rule) {
      add(
        'TECHNIQUE_NOT_ALLOWED',
        `${TECHNIQUE_LABELS[run.technique]} is not accepted by ${policy.name} for ${medium.mediaType}`,
      );
    }
    if (rule?.minPasses !== undefined && run.passesCompleted < rule.minPasses) {
      add(
        'TOO_FEW_PASSES',
        `${run.passesCompleted} overwrite pass(es) completed, ${policy.name} requires ${rule.minPasses} on ${medium.mediaType}`,
      );
    }
    if (!levelAtLeast(level, policy.minLevel)) {
      add(
        'LEVEL_TOO_LOW',
        `run achieves ${level ?? 'no sanitization'}, policy needs ${policy.minLevel}`,
      );
    }
    // An overwrite that skipped part of the drive (HPA/DCO hidden area, aborted pass) is no wipe.
    if (
      run.technique === 'overwrite' &&
      run.bytesErased !== undefined &&
      run.capacityBytes !== undefined &&
      run.bytesErased < run.capacityBytes
    ) {
      add(
        'INCOMPLETE_COVERAGE',
        `${run.bytesErased} of ${run.capacityBytes} bytes were overwritten`,
      );
    }
  }

  const verification = run.verification;
  if (verification.method === 'none' || verification.outcome === 'not-run') {
    add('NO_VERIFICATION', `${policy.name} requires ${policy.verification} verification`);
  } else {
    if (VERIFICATION_RANK[verification.method] < VERIFICATION_RANK[policy.verification]) {
      add(
        'VERIFICATION_TOO_WEAK',
        `${verification.method} verification done, ${policy.name} requires ${policy.verification}`,
      );
    }
    if (verification.outcome === 'failed') add('VERIFICATION_FAILED', 'verification failed');
  }
  return violations;
}
