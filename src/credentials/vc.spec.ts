import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { CredentialIssuer, reloopContextUrl, VC_V2_CONTEXT, verifyCredentialProof } from './vc.js';

const privateKeyPem = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

async function signed(subject: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const issuer = await CredentialIssuer.fromPrivateKeyPem(privateKeyPem);
  return issuer.issue({
    '@context': [VC_V2_CONTEXT, reloopContextUrl('https://reloop.example')],
    type: ['VerifiableCredential'],
    issuer: issuer.key.did,
    credentialSubject: subject,
    ...extra,
  });
}

describe('verifyCredentialProof', () => {
  it('answers a credential it has checked before the same way, and a changed copy on its own', async () => {
    const credential = await signed({ id: 'urn:reloop:item:1', grade: 'good' });
    expect((await verifyCredentialProof(credential)).verified).toBe(true);
    expect((await verifyCredentialProof(credential)).verified).toBe(true);

    const changed = {
      ...credential,
      credentialSubject: { id: 'urn:reloop:item:1', grade: 'premium' },
    };
    const check = await verifyCredentialProof(changed);
    expect(check.verified).toBe(false);
    expect(check.errors.length).toBeGreaterThan(0);
    // The remembered answer for the original is untouched by the failed copy, and vice versa.
    expect((await verifyCredentialProof(credential)).verified).toBe(true);
    expect((await verifyCredentialProof(changed)).verified).toBe(false);
  });

  it('does not let a caller change the remembered answer', async () => {
    const credential = await signed({ id: 'urn:reloop:item:2', grade: 'scrap' });
    const changed = { ...credential, credentialSubject: { id: 'urn:reloop:item:2' } };
    (await verifyCredentialProof(changed)).errors.length = 0;
    expect((await verifyCredentialProof(changed)).errors.length).toBeGreaterThan(0);
  });

  it('refuses an expired credential every time', async () => {
    const expired = await signed(
      { id: 'urn:reloop:item:3' },
      { validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' },
    );
    expect((await verifyCredentialProof(expired)).verified).toBe(false);
    expect((await verifyCredentialProof(expired)).verified).toBe(false);
  });
});
