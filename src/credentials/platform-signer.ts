import { createHash, createPublicKey } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { SigningKeyRepository } from './data/signing-key.repository.js';
import {
  type Credential,
  CredentialIssuer,
  type DidKeyInfo,
  didKeyFor,
  reloopContextUrl,
  VC_V2_CONTEXT,
} from './vc.js';

/** Same key id as the erasure certificates' (`ed25519-` + SHA-256 of the SPKI, 16 chars). */
export function keyIdOf(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return `ed25519-${createHash('sha256').update(der).digest('base64url').slice(0, 16)}`;
}

export interface PublishedKey extends DidKeyInfo {
  keyId: string;
  type: 'Multikey';
  algorithm: 'Ed25519';
  publicKeyPem: string;
  validFrom: Date;
  validUntil: Date | null;
  current: boolean;
}

/**
 * The platform's signing key as a credential issuer: its did:key is the issuer of every
 * certificate, passport snapshot, status list and checkpoint. The key comes from configuration
 * (ERASURE_SIGNING_KEY; production refuses to start without it). Every public key ever used is
 * kept in signing_keys and published, so a rotation never orphans a credential.
 */
@Injectable()
export class PlatformSigner implements OnModuleInit {
  private readonly logger = new Logger(PlatformSigner.name);
  readonly keyId: string;
  private readonly privateKeyPem: string;
  private issuerPromise?: Promise<CredentialIssuer>;
  /** did:keys of the platform's keys as last read; keys are only ever added. */
  private knownDids = new Set<string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: SigningKeyRepository,
  ) {
    this.privateKeyPem = config.erasure.signingKeyPem;
    this.keyId = keyIdOf(this.privateKeyPem);
  }

  async onModuleInit(): Promise<void> {
    const issuer = await this.issuer();
    const publicKeyPem = createPublicKey(this.privateKeyPem)
      .export({ type: 'spki', format: 'pem' })
      .toString();
    await this.keys.record(this.keyId, publicKeyPem);
    this.logger.log(`Issuing credentials as ${issuer.key.did}`);
  }

  issuer(): Promise<CredentialIssuer> {
    this.issuerPromise ??= CredentialIssuer.fromPrivateKeyPem(this.privateKeyPem);
    return this.issuerPromise;
  }

  get publicBaseUrl(): string {
    return this.config.publicBaseUrl;
  }

  /** The two contexts every Reloop credential starts with. */
  contexts(): string[] {
    return [VC_V2_CONTEXT, reloopContextUrl(this.config.publicBaseUrl)];
  }

  /** Signs a credential as Reloop (the issuer is set here). */
  async issue(credential: Credential): Promise<Credential> {
    const issuer = await this.issuer();
    return issuer.issue({ ...credential, issuer: { id: issuer.key.did, name: 'Reloop' } });
  }

  /**
   * Whether a credential issuer is one of the platform's keys, past or present. Keys are never
   * removed, so a known one is answered from memory; an unknown one reads the keys again (another
   * instance may have started with a new key).
   */
  async isPlatformIssuer(did: string | null): Promise<boolean> {
    if (!did) return false;
    if (this.knownDids.has(did)) return true;
    const keys = await this.listKeys();
    this.knownDids = new Set(keys.map((k) => k.did));
    return this.knownDids.has(did);
  }

  /** Every key the platform ever signed with, newest first; validUntil is when the next began. */
  async listKeys(): Promise<PublishedKey[]> {
    const rows = await this.keys.all();
    return Promise.all(
      rows.map(async (r) => ({
        keyId: r.key_id,
        type: 'Multikey' as const,
        algorithm: 'Ed25519' as const,
        ...(await didKeyFor(r.public_key_pem)),
        publicKeyPem: r.public_key_pem,
        validFrom: new Date(r.created_at),
        validUntil: r.key_id === this.keyId || !r.until ? null : new Date(r.until),
        current: r.key_id === this.keyId,
      })),
    );
  }
}
