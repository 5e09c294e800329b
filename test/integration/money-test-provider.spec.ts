import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { TestPaymentProvider } from '../../src/money/providers/test-provider.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

jest.setTimeout(60_000);

/**
 * The built-in test payment provider keeps its refunds by their number, as a real provider's
 * ledger would (moved whole from the resale e2e file: its subject is the provider, not a route).
 */
describe('money: the test payment provider', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  }, 120_000);
  afterAll(() => t.close());

  it('gives every refund a stable idempotency key: asked twice, the provider refunds once', async () => {
    const provider = t.app.get(TestPaymentProvider);
    const refundNo = randomUUID().replace(/-/g, '');
    const ask = (no: string) =>
      provider.refund({
        refundNo: no,
        intentId: 'pi_x',
        amountMinor: 100,
        totalMinor: 100,
        currency: 'CNY',
        reason: 'x',
      });
    const a = await ask(refundNo);
    const b = await ask(refundNo);
    const c = await ask(`${refundNo}x`);
    expect(a.status).toBe('succeeded');
    expect(b.providerRef).toBe(a.providerRef);
    expect(c.providerRef).not.toBe(a.providerRef);
    const rows = await t.dataSource.query<unknown[]>(
      'SELECT 1 FROM test_payment_refunds WHERE idempotency_key = $1',
      [refundNo],
    );
    expect(rows).toHaveLength(1);
  });
});
