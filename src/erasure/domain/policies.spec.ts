import { describe, expect, it } from '@jest/globals';
import {
  checkRunAgainstPolicy,
  getPolicy,
  isPolicyInForce,
  NoCompliantTechniqueError,
  planErasure,
  POLICY_IDS,
  type PolicyId,
} from './policies.js';
import type { ErasureRunRecord, Medium } from './types.js';

const hdd: Medium = { mediaType: 'hdd', serial: 'WD-WCAYU1234567', capacityBytes: 500_107_862_016 };
const ssd: Medium = {
  mediaType: 'ssd',
  serial: 'S3Z4NB0K123456P',
  capacityBytes: 1_000_204_886_016,
};
const phone: Medium = { mediaType: 'flash', serial: 'F17ABC123', capacityBytes: 128e9 };

function run(overrides: Partial<ErasureRunRecord> = {}): ErasureRunRecord {
  return {
    source: 'test',
    tool: { name: 'nwipe', version: '0.37' },
    serial: hdd.serial,
    technique: 'overwrite',
    methodName: 'DoD Short',
    passesCompleted: 3,
    verification: { method: 'full', outcome: 'passed' },
    status: 'succeeded',
    startedAt: '2027-02-01T00:00:00.000Z',
    finishedAt: '2027-02-01T03:00:00.000Z',
    logs: [],
    ...overrides,
  };
}

const codes = (v: { code: string }[]) => v.map((x) => x.code).sort();
/** The sorted codes of what the policy finds wrong with `run(overrides)` on the medium. */
const flagged = (policy: PolicyId, medium: Medium, overrides: Partial<ErasureRunRecord> = {}) =>
  codes(checkRunAgainstPolicy(policy, medium, run(overrides)));

describe('planErasure', () => {
  it('plans three overwrite passes for a hard drive under cn-2027, fully verified', () => {
    const plan = planErasure('cn-2027', hdd);
    expect(plan).toMatchObject({
      technique: 'overwrite',
      passes: 3,
      level: 'Clear',
      verification: 'full',
    });
    expect(plan.description).toContain('3-pass overwrite');
  });

  it('prefers block erase on flash under cn-2027, falling back to one overwrite pass', () => {
    expect(planErasure('cn-2027', phone)).toMatchObject({
      technique: 'block-erase',
      passes: 1,
      level: 'Purge',
    });
    expect(planErasure('cn-2027', { ...phone, supports: ['overwrite'] })).toMatchObject({
      technique: 'overwrite',
      passes: 1,
      level: 'Clear',
    });
  });

  it('plans a Purge technique for nist-purge and respects what the device supports', () => {
    expect(planErasure('nist-purge', hdd)).toMatchObject({
      technique: 'ata-sanitize',
      level: 'Purge',
    });
    expect(planErasure('nist-purge', { ...ssd, supports: ['nvme-sanitize'] })).toMatchObject({
      technique: 'nvme-sanitize',
    });
    expect(planErasure('nist-clear', ssd)).toMatchObject({
      technique: 'overwrite',
      verification: 'sample',
    });
  });

  it('throws when no supported technique satisfies the policy', () => {
    // an SSD that only implements the (untrusted) ATA Secure Erase cannot be purged
    expect(() =>
      planErasure('nist-purge', { ...ssd, supports: ['ata-secure-erase', 'overwrite'] }),
    ).toThrow(NoCompliantTechniqueError);
  });

  it('every policy can plan every media type when all techniques are available', () => {
    for (const id of POLICY_IDS) {
      for (const m of [hdd, ssd, phone, { ...phone, mediaType: 'emmc' as const }]) {
        expect(() => planErasure(id, m)).not.toThrow();
      }
    }
  });
});

describe('checkRunAgainstPolicy', () => {
  it('accepts a compliant run', () => {
    expect(checkRunAgainstPolicy('cn-2027', hdd, run())).toEqual([]);
  });

  it('flags too few passes on magnetic media under cn-2027', () => {
    expect(flagged('cn-2027', hdd, { passesCompleted: 1 })).toEqual(['TOO_FEW_PASSES']);
  });

  it('flags a technique that is not allowed or not valid for the media', () => {
    expect(flagged('cn-2027', hdd, { technique: 'ata-sanitize', passesCompleted: 1 })).toEqual([
      'TECHNIQUE_NOT_ALLOWED',
    ]);
    expect(
      flagged('nist-clear', { ...ssd }, { serial: ssd.serial, technique: 'ata-secure-erase' }),
    ).toEqual(['LEVEL_TOO_LOW', 'TECHNIQUE_INVALID_FOR_MEDIA']);
  });

  it('flags an overwrite of flash under nist-purge as too weak', () => {
    expect(flagged('nist-purge', phone, { serial: phone.serial, passesCompleted: 7 })).toEqual([
      'LEVEL_TOO_LOW',
      'TECHNIQUE_NOT_ALLOWED',
    ]);
  });

  it.each<[PolicyId, ErasureRunRecord['verification'], string[]]>([
    ['cn-2027', { method: 'none', outcome: 'not-run' }, ['NO_VERIFICATION']],
    ['cn-2027', { method: 'sample', outcome: 'passed' }, ['VERIFICATION_TOO_WEAK']],
    ['cn-2027', { method: 'full', outcome: 'failed' }, ['VERIFICATION_FAILED']],
    ['nist-clear', { method: 'sample', outcome: 'passed' }, []],
  ])('requires verification, strong enough, and passed (%s, %o)', (policy, verification, found) => {
    expect(flagged(policy, hdd, { verification })).toEqual(found);
  });

  it('flags failed runs, unknown methods, wrong serials and partial coverage', () => {
    expect(flagged('cn-2027', hdd, { status: 'failed' })).toEqual(['RUN_FAILED']);
    expect(flagged('cn-2027', hdd, { technique: null })).toEqual(['UNKNOWN_TECHNIQUE']);
    expect(flagged('cn-2027', hdd, { serial: 'OTHER' })).toEqual(['SERIAL_MISMATCH']);
    expect(flagged('cn-2027', hdd, { serial: ' wd-wcayu1234567 ' })).toEqual([]);
    expect(
      flagged('cn-2027', hdd, { capacityBytes: 500_107_862_016, bytesErased: 499_000_000_000 }),
    ).toEqual(['INCOMPLETE_COVERAGE']);
  });
});

describe('policy dates', () => {
  it('cn-2027 is in force from 2027-01-01 China time', () => {
    expect(getPolicy('cn-2027').effectiveFrom).toBe('2027-01-01');
    expect(isPolicyInForce('cn-2027', new Date('2026-12-31T15:59:59Z'))).toBe(false);
    expect(isPolicyInForce('cn-2027', new Date('2026-12-31T16:00:00Z'))).toBe(true);
    expect(isPolicyInForce('nist-purge', new Date('2000-01-01T00:00:00Z'))).toBe(true);
  });
});
