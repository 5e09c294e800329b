import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { keyIdFor } from './domain/index.js';
import { policyFor } from './erasure.service.js';

describe('erasure settings', () => {
  it('chooses cn-2027 from 2027-01-01 Beijing time and NIST Purge before, unless configured', () => {
    expect(policyFor('auto', new Date('2026-12-31T15:59:59Z'))).toBe('nist-purge');
    expect(policyFor('auto', new Date('2026-12-31T16:00:00Z'))).toBe('cn-2027');
    expect(policyFor('nist-clear', new Date('2030-01-01T00:00:00Z'))).toBe('nist-clear');
  });

  it('generates a signing key with a warning when none is set', () => {
    const config = loadConfig({});
    expect(keyIdFor(config.erasure.signingKeyPem)).toMatch(/^ed25519-/);
    expect(config.warnings.join()).toContain('ERASURE_SIGNING_KEY is not set');
    expect(config.erasure).toMatchObject({ policy: 'auto', station: 'external' });
  });

  it('takes a PEM key (also with escaped newlines) and refuses anything else without showing it', () => {
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const config = loadConfig({ ERASURE_SIGNING_KEY: pem.replace(/\n/g, '\\n') });
    expect(config.erasure.signingKeyPem).toBe(pem);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    for (const bad of [rsa, 'not a key']) {
      let error: unknown;
      try {
        loadConfig({ ERASURE_SIGNING_KEY: bad });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('ERASURE_SIGNING_KEY=(hidden)');
      expect((error as Error).message).not.toContain('PRIVATE KEY');
    }
    expect(() => loadConfig({ ERASURE_SIM_FAILURE_RATE: '1.5' })).toThrow(ConfigError);
  });
});
