/**
 * Failed pickup attempts (spec §3: FAILED (reason) → SCHEDULED again, at most 3 attempts, then
 * CANCELLED and the owner is told).
 */

export const FAILURE_REASONS = [
  'owner-absent',
  'address-wrong',
  'item-not-ready',
  'refused',
  'other',
] as const;

export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Labels for couriers' and owners' screens. */
export const FAILURE_REASON_LABELS: Readonly<Record<FailureReason, { en: string; zh: string }>> = {
  'owner-absent': { en: 'Owner not present', zh: '用户不在' },
  'address-wrong': { en: 'Address wrong or not found', zh: '地址错误' },
  'item-not-ready': { en: 'Item not ready', zh: '物品未准备好' },
  refused: { en: 'Owner refused the pickup', zh: '用户拒绝交付' },
  other: { en: 'Other', zh: '其他' },
};

/** Attempts allowed in total; the failure of the last one cancels the pickup. */
export const MAX_PICKUP_ATTEMPTS = 3;
export const MAX_FAILURE_NOTE_LENGTH = 500;

export interface FailedAttempt {
  reason: FailureReason;
  /** Free text; required for `other`. Trimmed; absent when empty. */
  note?: string;
}

export interface FieldError {
  field: string;
  message: string;
}

export function isFailureReason(value: unknown): value is FailureReason {
  return typeof value === 'string' && (FAILURE_REASONS as readonly string[]).includes(value);
}

/** Validates a courier's failure report; `other` needs a note so support can act on it. */
export function validateFailedAttempt(input: {
  reason: unknown;
  note?: unknown;
}): { ok: true; attempt: FailedAttempt } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!isFailureReason(input.reason)) {
    errors.push({
      field: 'reason',
      message: `reason must be one of ${FAILURE_REASONS.join(', ')}`,
    });
  }
  let note: string | undefined;
  if (input.note !== undefined && input.note !== null) {
    if (typeof input.note !== 'string')
      errors.push({ field: 'note', message: 'note must be text' });
    else note = input.note.trim() || undefined;
  }
  if (note !== undefined && note.length > MAX_FAILURE_NOTE_LENGTH) {
    errors.push({
      field: 'note',
      message: `note must be at most ${MAX_FAILURE_NOTE_LENGTH} characters`,
    });
  }
  if (input.reason === 'other' && note === undefined) {
    errors.push({ field: 'note', message: "a note is required when the reason is 'other'" });
  }
  if (errors.length > 0) return { ok: false, errors };
  const attempt: FailedAttempt = { reason: input.reason as FailureReason };
  if (note !== undefined) attempt.note = note;
  return { ok: true, attempt };
}

/**
 * What to do after a failed attempt. `attemptsSoFar` counts attempts made, including the one
 * that just failed: 1 or 2 → reschedule, 3 (or more) → cancel.
 */
export function afterFailure(attemptsSoFar: number): 'reschedule' | 'cancel' {
  if (!Number.isInteger(attemptsSoFar) || attemptsSoFar < 1) {
    throw new RangeError(`attemptsSoFar must be an integer >= 1, got ${attemptsSoFar}`);
  }
  return attemptsSoFar >= MAX_PICKUP_ATTEMPTS ? 'cancel' : 'reschedule';
}

/** Attempts still available after `attemptsSoFar` (never negative). */
export function attemptsRemaining(attemptsSoFar: number): number {
  return Math.max(0, MAX_PICKUP_ATTEMPTS - attemptsSoFar);
}
