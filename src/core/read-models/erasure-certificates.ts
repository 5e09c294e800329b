import type { EntityManager } from 'typeorm';

/**
 * The erasure certificates that still speak for an item's media, for the stages that show them
 * (resale's listings and market, tracking's passport). Erasure implements it with the same rule as its gate and
 * provides it under ERASURE_CERTIFICATES (issue 20: no other stage reads erasure's tables or copies
 * the rule).
 */
export const ERASURE_CERTIFICATES = Symbol('ErasureCertificates');

export interface ErasureCertificates {
  /** Valid certificates of the item, oldest first, read in the caller's transaction. */
  validFor(manager: EntityManager, itemId: string): Promise<CertificateRef[]>;
  /**
   * Every certificate of the item issued as a verifiable credential, revoked ones included
   * (the passport lists them with their state), oldest first.
   */
  credentialsOf(manager: EntityManager, itemId: string): Promise<CertificateCredentialRef[]>;
}

export interface CertificateCredentialRef {
  id: string;
  number: string;
  /** erasure or destruction. */
  kind: string;
  revoked: boolean;
}

export interface CertificateRef {
  number: string;
  /** NIST SP 800-88 level (Clear, Purge, Destroy). */
  level: string | null;
  issuedAt: string;
}
