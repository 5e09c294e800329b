import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header that carries a webhook's signature, outbound and inbound alike. */
export const SIGNATURE_HEADER = 'reloop-signature';
/** A signed request older (or newer) than this is refused: a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/** HMAC-SHA256 over `<t>.<body>`, hex. */
export function signPayload(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** `t=<unix seconds>,v1=<hex>` */
export function signatureHeader(secret: string, body: string | Buffer, timestamp: number): string {
  return `t=${timestamp},v1=${signPayload(secret, timestamp, body)}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Checks a `t=...,v1=...` header against the raw body: the timestamp within the tolerance and
 * any one `v1` matching (several are allowed while a secret is being rotated).
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string | Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'signature header missing' };
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string?]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const given = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v as string);
  if (!Number.isInteger(t) || given.length === 0) {
    return { ok: false, reason: 'signature header malformed' };
  }
  if (Math.abs(nowSeconds - t) > toleranceSeconds) {
    return { ok: false, reason: 'signature timestamp outside the tolerance' };
  }
  const expected = Buffer.from(signPayload(secret, t, body), 'hex');
  const match = given.some((v) => {
    const candidate = Buffer.from(v, 'hex');
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
  return match ? { ok: true, timestamp: t } : { ok: false, reason: 'signature does not match' };
}
