import { describe, expect, it } from '@jest/globals';
import { generateSigningKeyPair } from './certificate.js';
import {
  reportPayload,
  signReport,
  signStationRequest,
  SIGNATURE_HEADER,
  stationRequestPayload,
  TIMESTAMP_HEADER,
  verifyPayload,
} from './station-signature.js';

describe('station signatures', () => {
  const keys = generateSigningKeyPair();
  const other = generateSigningKeyPair();

  it('binds a request to method, path, time and the exact body bytes', () => {
    const body = '{"attempt":1}';
    const h = signStationRequest({
      stationId: 's1',
      privateKey: keys.privateKeyPem,
      method: 'post',
      path: '/api/v1/station/claim',
      body,
    });
    const payload = (m: string, p: string, b: string) =>
      stationRequestPayload(m, p, h[TIMESTAMP_HEADER], b);
    const ok = (m: string, p: string, b: string, key = keys.publicKeyPem) =>
      verifyPayload(payload(m, p, b), h[SIGNATURE_HEADER], key);
    expect(ok('POST', '/api/v1/station/claim', body)).toBe(true);
    expect(ok('POST', '/api/v1/station/claim', '{"attempt": 1}')).toBe(false); // other bytes
    expect(ok('POST', '/api/v1/station/claim?x=1', body)).toBe(false);
    expect(ok('PUT', '/api/v1/station/claim', body)).toBe(false);
    expect(ok('POST', '/api/v1/station/claim', body, other.publicKeyPem)).toBe(false);
  });

  it('binds a vendor report to its erasure and content, and refuses non-canonical encodings', () => {
    const { signature } = signReport({
      stationId: 's1',
      privateKey: keys.privateKeyPem,
      erasureId: 'E1',
      content: 'report',
    });
    expect(verifyPayload(reportPayload('e1', 'report'), signature, keys.publicKeyPem)).toBe(true);
    expect(verifyPayload(reportPayload('e2', 'report'), signature, keys.publicKeyPem)).toBe(false);
    expect(verifyPayload(reportPayload('e1', 'report '), signature, keys.publicKeyPem)).toBe(false);
    expect(verifyPayload(reportPayload('e1', 'report'), `${signature}=`, keys.publicKeyPem)).toBe(
      false,
    );
    expect(verifyPayload(reportPayload('e1', 'report'), 'garbage', keys.publicKeyPem)).toBe(false);
  });
});
