import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { DataSource } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { mapPage } from '../core/http/pagination.js';
import type { AppConfig } from '../config/app-config.js';
import { type CjkFont, openCjkFont } from '../config/cjk-font.js';
import { APP_CONFIG } from '../config/config.module.js';
import { renderCertificatePdf, type SignedCertificate } from './domain/index.js';
import { CertificateAccess } from './domain/certificate-access.js';
import { CertificateRepository } from './data/certificate.repository.js';
import type { Certificate } from './data/erasure.entities.js';
import { issuerId, verifyCredentialProof } from '../credentials/vc.js';
import { CertificateSigner } from './stations.js';

export function signedCertificate(c: Certificate): SignedCertificate {
  return { document: c.document, signature: c.signature, keyId: c.keyId, algorithm: 'Ed25519' };
}

/**
 * What the public verify answers add for a certificate of a simulated run (issue 17): it may be
 * authentic, but nothing was erased.
 */
export function simulationNotice(document: { simulated?: unknown } | null | undefined) {
  const simulated = document?.simulated === true;
  return {
    simulated,
    realSanitization: !simulated,
    ...(simulated
      ? {
          notice:
            'SIMULATED \u2014 no data was erased: this certificate comes from the erasure simulator (development and demos) and is not a real sanitization',
        }
      : {}),
  };
}

/** What the PDF prints of the credential: its address, issuer and proof. */
function printedCredential(vc: Record<string, unknown>) {
  const proof = (vc.proof ?? {}) as Record<string, unknown>;
  const status = (vc.credentialStatus ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    url: str(vc.id),
    issuer: issuerId(vc) ?? '',
    verificationMethod: str(proof.verificationMethod),
    cryptosuite: str(proof.cryptosuite),
    proofValue: str(proof.proofValue),
    ...(typeof status.statusListCredential === 'string'
      ? { statusListCredential: status.statusListCredential }
      : {}),
  };
}

export function certificateSummary(c: Certificate) {
  return {
    id: c.id,
    certificateId: c.number,
    kind: c.kind,
    erasureId: c.erasureId,
    mediumId: c.mediumId,
    itemId: c.itemId,
    level: c.document.sanitization.level,
    mediaType: c.document.media.mediaType,
    serial: c.document.media.serial,
    issuedAt: c.issuedAt,
    keyId: c.keyId,
    revokedAt: c.revokedAt,
    revocationReason: c.revocationReason,
    simulated: c.document.simulated === true,
  };
}

/**
 * Certificates of sanitization: owners read their own items', staff of the wiping (or holding)
 * warehouse theirs, support and admin all. Verification is public and needs no account.
 */
@Injectable()
export class CertificatesService {
  /** The Chinese font, parsed once on first use (see openCjkFont). */
  private cjkFont?: Promise<CjkFont | undefined>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly certificates: CertificateRepository,
    private readonly signer: CertificateSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Loads the certificate font (production does at start, so a wrong file stops the start). */
  font(): Promise<CjkFont | undefined> {
    const path = this.config.erasure.certificateFont;
    this.cjkFont ??= path ? openCjkFont(path) : Promise.resolve(undefined);
    // A failed load is not kept: the next PDF tries again and says why.
    this.cjkFont.catch(() => (this.cjkFont = undefined));
    return this.cjkFont;
  }

  async get(actor: Actor, id: string): Promise<Certificate> {
    const c = await this.certificates.byId(id);
    return CertificateAccess.assertVisibleTo(this.dataSource.manager, c, actor, id);
  }

  async list(actor: Actor, query: { itemId?: string; limit?: number; cursor?: string }) {
    return mapPage(await this.certificates.page(actor, query), certificateSummary);
  }

  /** The stored W3C credential of a certificate (public by its id: the PDF's QR code). */
  async credential(id: string): Promise<Record<string, unknown>> {
    const c = await this.certificates.byId(id);
    if (!c?.credential) throw new NotFound('Certificate credential', id);
    return c.credential;
  }

  async pdf(c: Certificate, verifyUrl: string): Promise<Buffer> {
    return renderCertificatePdf(signedCertificate(c), {
      verifyUrl,
      issuer: 'Reloop',
      font: await this.font(),
      ...(c.credential ? { credential: printedCredential(c.credential) } : {}),
    });
  }

  /** Public: the stored certificate's signature still checks out, and whether it is revoked. */
  async verifyStored(id: string) {
    const c = await this.certificates.byId(id);
    if (!c) throw new NotFound('Certificate', id);
    const check = await this.signer.verify(signedCertificate(c));
    const credential = c.credential ? await verifyCredentialProof(c.credential) : null;
    return {
      certificateId: c.number,
      valid: check.valid && c.revokedAt === null && (credential === null || credential.verified),
      credentialProof: credential === null ? null : credential.verified ? 'ok' : 'invalid',
      credentialUrl: c.credential ? `/api/v1/certificates/${c.id}/credential` : null,
      signature: check.reason,
      revoked: c.revokedAt !== null,
      kind: c.kind,
      level: c.document.sanitization.level,
      mediaType: c.document.media.mediaType,
      serial: c.document.media.serial,
      itemTraceCode: c.document.media.source.itemTraceCode,
      issuedAt: c.document.issuedAt,
      keyId: c.keyId,
      ...simulationNotice(c.document),
    };
  }

  /**
   * Public: a certificate someone holds (the signed JSON). Valid when the signature checks with
   * one of the platform's keys AND the content equals the certificate on record, not revoked.
   */
  async verifyPresented(presented: SignedCertificate) {
    const check = await this.signer.verify(presented);
    const number = (presented.document as { certificateId?: unknown }).certificateId;
    const stored = typeof number === 'string' ? await this.certificates.byNumber(number) : null;
    const matchesRecord =
      stored !== null &&
      canonicalize(stored.document) === canonicalize(presented.document) &&
      stored.signature === presented.signature &&
      stored.keyId === presented.keyId;
    const revoked = stored?.revokedAt != null;
    return {
      certificateId: typeof number === 'string' ? number : null,
      valid: check.valid && matchesRecord && !revoked,
      signature: check.reason,
      recordFound: stored !== null,
      matchesRecord,
      revoked,
      ...(stored?.revokedAt ? { revokedAt: stored.revokedAt } : {}),
      ...simulationNotice(stored?.document ?? presented.document),
    };
  }
}
