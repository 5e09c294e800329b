import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import {
  type ErasureStation,
  keyIdFor,
  loadPrivateKey,
  loadPublicKey,
  type SanitizationCertificate,
  signCertificate,
  type SignedCertificate,
  SimulatedStation,
  type VerificationResult,
  verifyCertificate,
} from './domain/index.js';
import { CertificateRepository } from './data/certificate.repository.js';

/**
 * The station unattended wipes run on. The built-in simulator by default; null when wipes are
 * done with external tools and reported by importing their reports (ERASURE_STATION=external).
 * `use` swaps in a real station driver, or a simulator with other failure rates (tests).
 */
@Injectable()
export class ErasureStations {
  private station: ErasureStation | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const sim = config.erasure.simulator;
    this.station =
      config.erasure.station === 'simulated'
        ? new SimulatedStation({
            ...(sim.seed !== null ? { seed: sim.seed } : {}),
            failureRate: sim.failureRate,
            verificationFailureRate: sim.verificationFailureRate,
          })
        : null;
  }

  automatic(): ErasureStation | null {
    return this.station;
  }

  use(station: ErasureStation | null): void {
    this.station = station;
  }
}

/**
 * Signs certificates with the configured Ed25519 key and verifies them against every public key
 * the platform ever signed with (signing_keys), so a key change never orphans old certificates.
 */
@Injectable()
export class CertificateSigner implements OnModuleInit {
  private readonly logger = new Logger(CertificateSigner.name);
  readonly keyId: string;
  private readonly privateKeyPem: string;
  private readonly known = new Map<string, string>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly certificates: CertificateRepository,
  ) {
    this.privateKeyPem = config.erasure.signingKeyPem;
    loadPrivateKey(this.privateKeyPem);
    this.keyId = keyIdFor(this.privateKeyPem);
  }

  async onModuleInit(): Promise<void> {
    const publicKeyPem = loadPublicKey(this.privateKeyPem)
      .export({ type: 'spki', format: 'pem' })
      .toString();
    await this.certificates.recordSigningKey({
      keyId: this.keyId,
      algorithm: 'Ed25519',
      publicKeyPem,
    });
    this.known.set(this.keyId, publicKeyPem);
    this.logger.log(`Signing erasure certificates with key ${this.keyId}`);
  }

  sign(document: SanitizationCertificate): SignedCertificate {
    return signCertificate(document, { keyId: this.keyId, privateKey: this.privateKeyPem });
  }

  /** Signature check of a signed certificate (any key the platform has used). */
  async verify(signed: unknown): Promise<VerificationResult> {
    const keyId =
      signed && typeof signed === 'object' ? (signed as { keyId?: unknown }).keyId : undefined;
    if (typeof keyId === 'string' && !this.known.has(keyId)) {
      const row = await this.certificates.signingKey(keyId);
      if (row) this.known.set(keyId, row.publicKeyPem);
    }
    return verifyCertificate(signed, (id) => this.known.get(id));
  }

  /** Salt for sampling picks: secret (derived from the signing key), stable across restarts. */
  samplingSalt(): string {
    return createHash('sha256').update(`sampling\u0000${this.privateKeyPem}`).digest('hex');
  }
}
