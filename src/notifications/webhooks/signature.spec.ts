import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { signatureHeader, verifySignature } from './signature.js';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"evt_1","type":"x.y"}';
  const now = 1_760_000_000;

  it('signs HMAC-SHA256 over <t>.<body> in the t=,v1= header', () => {
    const header = signatureHeader(secret, body, now);
    const hex = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(header).toBe(`t=${now},v1=${hex}`);
    expect(verifySignature(secret, header, body, now)).toEqual({ ok: true, timestamp: now });
  });

  it('refuses another body, another secret, an old timestamp and garbage', () => {
    const header = signatureHeader(secret, body, now);
    expect(verifySignature(secret, header, `${body} `, now).ok).toBe(false);
    expect(verifySignature('other', header, body, now).ok).toBe(false);
    expect(verifySignature(secret, header, body, now + 301)).toEqual({
      ok: false,
      reason: 'signature timestamp outside the tolerance',
    });
    expect(verifySignature(secret, 'v1=abc', body, now).ok).toBe(false);
    expect(verifySignature(secret, undefined, body, now).ok).toBe(false);
  });

  it('accepts any one of several v1 signatures (secret rotation)', () => {
    const good = signatureHeader(secret, body, now).split(',')[1];
    expect(verifySignature(secret, `t=${now},v1=${'0'.repeat(64)},${good}`, body, now).ok).toBe(
      true,
    );
  });
});
