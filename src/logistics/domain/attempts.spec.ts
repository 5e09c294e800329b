import { describe, expect, it } from '@jest/globals';
import {
  FAILURE_REASONS,
  FAILURE_REASON_LABELS,
  MAX_PICKUP_ATTEMPTS,
  afterFailure,
  attemptsRemaining,
  validateFailedAttempt,
} from './attempts.js';

describe('afterFailure', () => {
  it('reschedules the first and second failures, cancels on the third', () => {
    expect(MAX_PICKUP_ATTEMPTS).toBe(3);
    expect(afterFailure(1)).toBe('reschedule');
    expect(afterFailure(2)).toBe('reschedule');
    expect(afterFailure(3)).toBe('cancel');
    expect(afterFailure(4)).toBe('cancel');
  });

  it('rejects nonsense counts', () => {
    expect(() => afterFailure(0)).toThrow(RangeError);
    expect(() => afterFailure(1.5)).toThrow(RangeError);
  });

  it('counts remaining attempts', () => {
    expect([0, 1, 2, 3, 4].map(attemptsRemaining)).toEqual([3, 2, 1, 0, 0]);
  });
});

describe('validateFailedAttempt', () => {
  it('accepts every listed reason (with a note for other)', () => {
    for (const reason of FAILURE_REASONS) {
      const r = validateFailedAttempt({ reason, note: 'gate code missing' });
      expect(r).toEqual({ ok: true, attempt: { reason, note: 'gate code missing' } });
      expect(FAILURE_REASON_LABELS[reason].zh).toBeTruthy();
    }
    expect(validateFailedAttempt({ reason: 'owner-absent' })).toEqual({
      ok: true,
      attempt: { reason: 'owner-absent' },
    });
  });

  it("requires a note for 'other' (blank does not count)", () => {
    for (const note of [undefined, '', '   ']) {
      const r = validateFailedAttempt({ reason: 'other', note });
      expect(r).toEqual({ ok: false, errors: [expect.objectContaining({ field: 'note' })] });
    }
  });

  it('rejects an unknown reason, a non-text note and an overlong note', () => {
    expect(validateFailedAttempt({ reason: 'dog-bit-courier' })).toMatchObject({
      ok: false,
      errors: [{ field: 'reason' }],
    });
    expect(validateFailedAttempt({ reason: 'refused', note: 42 })).toMatchObject({
      ok: false,
      errors: [{ field: 'note' }],
    });
    expect(validateFailedAttempt({ reason: 'refused', note: 'x'.repeat(501) })).toMatchObject({
      ok: false,
      errors: [{ field: 'note' }],
    });
  });
});
