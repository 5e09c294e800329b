import { createHmac, randomBytes } from 'node:crypto';
import { adminOf } from './reads.js';
import type { TestApp } from './test-app.js';

/**
 * The built-in test payment provider's servers, outside the platform: the operator sets the
 * provider's webhook secret (PUT /webhooks/providers/test-pay, as for any inbound provider) and
 * the "provider" signs its own confirmations with it, as a real provider would. Once per app.
 */
const secrets = new WeakMap<TestApp, Promise<string>>();

function secretOf(t: TestApp): Promise<string> {
  let secret = secrets.get(t);
  if (!secret) {
    secret = (async () => {
      const value = `whsec_${randomBytes(24).toString('base64url')}`;
      await t.http
        .put('/api/v1/webhooks/providers/test-pay')
        .set((await adminOf(t)).auth)
        .send({ secret: value })
        .expect(200);
      return value;
    })();
    secrets.set(t, secret);
  }
  return secret;
}

/**
 * The body and `Reloop-Signature` header of the test provider's `payment.succeeded` for an
 * intent, signed `t=<unix seconds>,v1=<HMAC-SHA256 of "<t>.<body>">`.
 */
export async function signedConfirmation(
  t: TestApp,
  payment: { intentId: string; amountMinor: number; currency: string },
  eventId = `evt_test_${randomBytes(10).toString('hex')}`,
): Promise<{ body: string; signature: string; eventId: string }> {
  const secret = await secretOf(t);
  const body = JSON.stringify({ id: eventId, type: 'payment.succeeded', data: payment });
  const timestamp = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { body, signature: `t=${timestamp},v1=${v1}`, eventId };
}
