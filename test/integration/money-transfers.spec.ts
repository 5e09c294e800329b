import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ExecuteTransfer } from '../../src/core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { type RefundOrder, TransfersService } from '../../src/money/transfers/transfers.service.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

jest.setTimeout(60_000);

/**
 * Issue 23, point 3: refunds and payouts are outbox jobs with the provider's idempotency key
 * derived from our record; a job run twice pays once at the provider; errors are retried and,
 * after the last try, end in a support case.
 */
describe('money: refunds and payouts as jobs', () => {
  let t: TestApp;
  let transfers: TransfersService;
  const run = (transferId: string, attempt = 1, maxAttempts = 10) =>
    t.app
      .get(JobHandlerRegistry)
      .get(ExecuteTransfer.name)!
      .run({ transferId }, { jobId: randomUUID(), attempt, maxAttempts });

  const refundOrder = async (over: Partial<RefundOrder> = {}) => {
    const buyer = await t.user('customer');
    const orderId = randomUUID();
    return {
      buyer,
      order: {
        key: `sale-order:${orderId}:return-refund`,
        provider: 'test-pay',
        buyerId: buyer.id,
        amountMinor: 1234,
        currency: 'CNY',
        paymentRef: `pi_test_${orderId}`,
        paymentTotalMinor: 5000,
        source: { kind: 'test-order', id: orderId },
        reason: 'buyer return',
        context: { customerId: buyer.id },
        ...over,
      } satisfies RefundOrder,
    };
  };

  beforeAll(async () => {
    t = await createTestApp();
    transfers = t.app.get(TransfersService);
  });
  afterAll(() => t?.close());

  it('writes the job with the request; asked again, the first request stands', async () => {
    const { order } = await refundOrder();
    const [a, b] = await t.dataSource.transaction(async (m) => [
      await transfers.requestRefund(m, order),
      await transfers.requestRefund(m, { ...order, amountMinor: 9999 }),
    ]);
    expect(b.id).toBe(a.id);
    expect(b.amountMinor).toBe(1234);
    const jobs = await t.dataSource.query<unknown[]>(
      `SELECT 1 FROM outbox WHERE name = 'execute-transfer' AND payload->>'transferId' = $1`,
      [a.id],
    );
    expect(jobs).toHaveLength(1);
    // A rolled-back decision asks for nothing.
    const { order: other } = await refundOrder();
    await expect(
      t.dataSource.transaction(async (m) => {
        await transfers.requestRefund(m, other);
        throw new Error('the decision failed');
      }),
    ).rejects.toThrow('the decision failed');
    expect(await transfers.byKey(other.key)).toBeNull();
  });

  it('refunds once at the provider however often the job runs, and posts once', async () => {
    const { order } = await refundOrder();
    const asked = await t.dataSource.transaction((m) => transfers.requestRefund(m, order));
    // The relay's job and two more runs, two of them at once.
    await Promise.all([run(asked.id), run(asked.id)]);
    await run(asked.id);
    const done = await eventually(async () => {
      const x = await transfers.get(asked.id);
      return x.state === 'succeeded' ? x : null;
    });
    // A run after a crash that lost our record of the answer asks the provider again under
    // the same number: the provider answers the first refund.
    await t.dataSource.query(`UPDATE money_transfers SET state = 'processing' WHERE id = $1`, [
      asked.id,
    ]);
    await run(asked.id);
    const again = await transfers.get(asked.id);
    expect(again.state).toBe('succeeded');
    expect(again.providerRef).toBe(done.providerRef);
    const atProvider = await t.dataSource.query<unknown[]>(
      'SELECT 1 FROM test_payment_refunds WHERE idempotency_key = $1',
      [asked.id.replace(/-/g, '')],
    );
    expect(atProvider).toHaveLength(1);
    const entries = await t.dataSource.query<unknown[]>(
      `SELECT 1 FROM ledger_entries WHERE key = $1`,
      [`refund:${order.key}`],
    );
    expect(entries).toHaveLength(1);
    // Every answer is recorded.
    const attempts = await transfers.attempts(asked.id);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.every((a) => a.outcome === 'succeeded')).toBe(true);
  });

  it('retries an error with backoff and ends in a support case after the last try', async () => {
    const { order } = await refundOrder({ provider: 'gone-pay' });
    const asked = await t.dataSource.transaction((m) => transfers.requestRefund(m, order));
    // The relayed job fails (and would be retried by BullMQ) ...
    await expect(run(asked.id, 1, 3)).rejects.toThrow(/gone-pay is not configured/);
    expect((await transfers.get(asked.id)).state).toBe('pending');
    // ... until its last try records the failure and opens one case.
    await run(asked.id, 3, 3);
    await run(asked.id, 3, 3);
    const failed = await transfers.get(asked.id);
    expect(failed).toMatchObject({ state: 'failed', failedAt: expect.any(Date) });
    expect(failed.lastError).toMatch(/no answer from gone-pay after 3 tries/);
    const cases = await eventually(async () => {
      const rows = await t.dataSource.query<Array<{ kind: string; detail: { key: string } }>>(
        `SELECT kind, detail FROM support_cases WHERE detail->>'transferId' = $1`,
        [asked.id],
      );
      return rows.length ? rows : null;
    });
    expect(cases).toEqual([
      expect.objectContaining({
        kind: 'payment-failure',
        detail: expect.objectContaining({ key: order.key }),
      }),
    ]);
    // Nothing was posted: the refund stays owed in the ledger.
    const entries = await t.dataSource.query<unknown[]>(
      `SELECT 1 FROM ledger_entries WHERE key = $1`,
      [`refund:${order.key}`],
    );
    expect(entries).toHaveLength(0);
    // The job's retry policy: backoff, several tries.
    expect(ExecuteTransfer.options).toMatchObject({
      attempts: 10,
      backoff: { type: 'exponential', delay: 10_000 },
    });
  });
});
