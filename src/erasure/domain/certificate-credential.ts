import type { Credential } from '../../credentials/vc.js';
import type { CertificatePerson, SanitizationCertificate } from './index.js';

/** A person on a credential: name, title, organisation, place; never a platform user id. */
function person(p: CertificatePerson) {
  return {
    type: 'Person',
    name: p.name,
    ...(p.title ? { title: p.title } : {}),
    ...(p.organisation ? { organisation: p.organisation } : {}),
    ...(p.location ? { location: p.location } : {}),
  };
}

/**
 * The certificate of sanitization (or destruction) as a W3C Verifiable Credential: the same
 * NIST SP 800-88 Appendix G facts as the signed document, under Reloop's context. The subject is
 * the storage medium; the item it came out of is named by its public trace code only.
 */
export function certificateCredential(
  d: SanitizationCertificate,
  opts: {
    contexts: string[];
    id: string;
    credentialStatus: Record<string, unknown>;
    passportUrl: string;
  },
): Credential {
  const s = d.sanitization;
  return {
    '@context': opts.contexts,
    id: opts.id,
    type: [
      'VerifiableCredential',
      d.kind === 'erasure' ? 'ErasureCertificate' : 'DestructionCertificate',
    ],
    name:
      d.kind === 'erasure'
        ? `Certificate of sanitization ${d.certificateId}`
        : `Certificate of destruction ${d.certificateId}`,
    validFrom: d.issuedAt,
    credentialSubject: {
      type: 'StorageMedium',
      manufacturer: d.media.manufacturer,
      model: d.media.model,
      serialNumber: d.media.serial,
      storageType: d.media.mediaType,
      ...(d.media.capacityBytes !== undefined ? { capacityBytes: d.media.capacityBytes } : {}),
      ...(d.media.mediumId ? { mediumId: d.media.mediumId } : {}),
      sourceItem: { id: opts.passportUrl, type: 'Item', traceCode: d.media.source.itemTraceCode },
      sanitization: {
        type: 'Sanitization',
        certificateNumber: d.certificateId,
        level: s.level,
        technique: s.technique,
        methodDescription: s.methodDescription,
        ...(s.passes !== undefined ? { passes: s.passes } : {}),
        ...(s.policy ? { policy: s.policy } : {}),
        toolName: s.tool.name,
        toolVersion: s.tool.version,
        verificationMethodUsed: s.verification.method,
        verificationOutcome: s.verification.outcome,
        ...(s.verification.sample ? { verificationSample: s.verification.sample } : {}),
        startedAt: s.startedAt,
        completedAt: s.completedAt,
        ...(s.runId ? { runId: s.runId } : {}),
        ...(s.notes ? { notes: s.notes } : {}),
        operator: person(d.operator),
        verifier: person(d.verifier),
        destination: d.destination,
        ...(d.simulated ? { simulated: true } : {}),
      },
    },
    credentialStatus: opts.credentialStatus,
  };
}
