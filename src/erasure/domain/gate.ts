/**
 * The erasure gate: an item whose category requires erasure may not be listed, sold, allocated
 * to a merchant or shipped out until every one of its media has a valid certificate. Pure check;
 * the services call it before each of those transitions.
 */
import { type PublicKeyLookup, type SignedCertificate, verifyCertificate } from './certificate.js';
import { levelAtLeast, type Medium, normaliseSerial, type SanitizationLevel } from './types.js';

export interface GateBlocker {
  serial: string;
  mediumId?: string;
  reason: 'no-certificate' | 'invalid-certificate' | 'level-too-low' | 'verification-not-passed';
  detail?: string;
}

export interface GateResult {
  allowed: boolean;
  blockers: GateBlocker[];
}

export interface GateInput {
  requiresErasure: boolean;
  media: ReadonlyArray<Pick<Medium, 'id' | 'serial'>>;
  certificates: readonly SignedCertificate[];
  publicKeys: PublicKeyLookup;
  /** Minimum level accepted; default Clear. */
  minLevel?: SanitizationLevel;
}

export function checkErasureGate(input: GateInput): GateResult {
  if (!input.requiresErasure) return { allowed: true, blockers: [] };
  const minLevel = input.minLevel ?? 'Clear';
  const blockers: GateBlocker[] = [];
  for (const medium of input.media) {
    const serial = normaliseSerial(medium.serial);
    const candidates = input.certificates.filter((c) =>
      medium.id && c.document?.media?.mediumId
        ? c.document.media.mediumId === medium.id
        : normaliseSerial(c.document?.media?.serial ?? '') === serial,
    );
    const base = { serial: medium.serial, ...(medium.id ? { mediumId: medium.id } : {}) };
    if (candidates.length === 0) {
      blockers.push({ ...base, reason: 'no-certificate' });
      continue;
    }
    // One good certificate suffices (a re-wipe issues a new one); report the best failure otherwise.
    let failure: GateBlocker | undefined;
    let ok = false;
    for (const cert of candidates) {
      const check = verifyCertificate(cert, input.publicKeys);
      if (!check.valid)
        failure ??= { ...base, reason: 'invalid-certificate', detail: check.reason };
      else if (!levelAtLeast(cert.document.sanitization.level, minLevel)) {
        failure = { ...base, reason: 'level-too-low', detail: cert.document.sanitization.level };
      } else if (cert.document.sanitization.verification.outcome !== 'passed') {
        failure = { ...base, reason: 'verification-not-passed' };
      } else {
        ok = true;
        break;
      }
    }
    if (!ok && failure) blockers.push(failure);
  }
  return { allowed: blockers.length === 0, blockers };
}
