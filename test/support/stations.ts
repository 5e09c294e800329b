import { generateKeyPairSync } from 'node:crypto';
import { expect } from '@jest/globals';
import { signReport, signStationRequest } from '../../src/erasure/domain/index.js';
import type { TestApp, TestUser } from './test-app.js';

/** A wiping station registered by an admin, holding its own private key (like a real one). */
export interface TestStation {
  id: string;
  name: string;
  organisationId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  /** The import-report body fields that sign `content` for the erasure. */
  signReport(erasureId: string, content: string): { stationId: string; signature: string };
  /** Headers of a signed station API request for this exact body text. */
  headers(method: string, path: string, body: string): Record<string, string>;
  /** A signed POST to the station API, e.g. post('/api/v1/station/claim', {}). */
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

export function stationKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Registers a station of the organisation through the admin API. */
export async function registerStation(
  t: TestApp,
  admin: TestUser,
  organisationId: string,
  name = `station ${Math.random().toString(36).slice(2, 8)}`,
): Promise<TestStation> {
  const keys = stationKeyPair();
  const res = await t.http
    .post('/api/v1/stations')
    .set(admin.auth)
    .send({ name, organisationId, publicKeyPem: keys.publicKeyPem });
  expect(res.status).toBe(201);
  const id = (res.body as { id: string }).id;
  const headers = (method: string, path: string, body: string) =>
    signStationRequest({ stationId: id, privateKey: keys.privateKeyPem, method, path, body });
  return {
    id,
    name,
    organisationId,
    ...keys,
    signReport: (erasureId, content) =>
      signReport({ stationId: id, privateKey: keys.privateKeyPem, erasureId, content }),
    headers,
    post: async (path, body) => {
      const text = JSON.stringify(body);
      const r = await t.http
        .post(path)
        .set({ ...headers('POST', path, text), 'content-type': 'application/json' })
        .send(text);
      return { status: r.status, body: r.body as Record<string, unknown> };
    },
  };
}
