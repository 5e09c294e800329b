import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { Clock } from '../../src/core/clock.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { PruneRetention } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { QueueService } from '../../src/core/jobs/queue.service.js';
import { MetricsService } from '../../src/core/metrics/metrics.service.js';
import { OutboxRelay } from '../../src/core/outbox/outbox-relay.js';
import { OutboxService } from '../../src/core/outbox/outbox.service.js';
import {
  RETENTION_SCHEDULER_ID,
  RetentionService,
} from '../../src/core/retention/retention.service.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

describe('retention: pruning finished rows (issue 25, point 5)', () => {
  let t: TestApp;
  let retention: RetentionService;

  const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    t.dataSource.query<T[]>(sql, params);
  const exists = async (table: string, id: string) =>
    (await q(`SELECT 1 FROM ${table} WHERE id = $1`, [id])).length === 1;

  /** An outbox row with its life's instants given as ages in days (null: not happened). */
  const outboxRow = async (ages: {
    created: number;
    published: number | null;
    completed?: number | null;
    failed?: number | null;
  }) => {
    const at = (days: number | null | undefined) =>
      days === null || days === undefined ? null : `${days} days`;
    const [row] = await q<{ id: string }>(
      `INSERT INTO outbox (queue, name, payload, run_at, created_at, published_at, completed_at, failed_at)
       VALUES ('workflow', 'sweep-stuck-work', '{"trigger":"test"}',
               now() - $1::interval, now() - $1::interval, now() - $2::interval,
               now() - $3::interval, now() - $4::interval)
       RETURNING id`,
      [at(ages.created), at(ages.published), at(ages.completed), at(ages.failed)],
    );
    return row.id;
  };

  beforeAll(async () => {
    t = await createTestApp();
    retention = t.app.get(RetentionService);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs as the prune-retention job, and is scheduled daily by the workers', async () => {
    const old = await outboxRow({ created: 9, published: 9, completed: 8 });
    await t.dataSource.transaction((m) =>
      t.app.get(OutboxService).write(m, [job(PruneRetention, { trigger: 'test' })]),
    );
    await eventually(async () => !(await exists('outbox', old)));

    await retention.schedule();
    const queue = t.app.get(QueueService).queue(PruneRetention.queue);
    const schedulers = await queue.getJobSchedulers();
    const scheduler = schedulers.find((s) => s.key === RETENTION_SCHEDULER_ID);
    expect(scheduler?.pattern).toBe('30 4 * * *');
    expect(scheduler?.name).toBe(PruneRetention.name);
    await queue.removeJobScheduler(RETENTION_SCHEDULER_ID);
  });

  it('removes old finished rows and keeps unpublished, in-flight, pending and recent ones', async () => {
    // The relay would publish the unpublished rows this test wants to see kept.
    await t.app.get(OutboxRelay).onApplicationShutdown();

    const outbox = {
      oldCompleted: await outboxRow({ created: 10, published: 10, completed: 8 }),
      recentCompleted: await outboxRow({ created: 2, published: 2, completed: 1 }),
      oldUnpublished: await outboxRow({ created: 30, published: null }),
      oldInFlight: await outboxRow({ created: 30, published: 30 }),
      oldFailed: await outboxRow({ created: 100, published: 100, failed: 91 }),
      recentFailed: await outboxRow({ created: 10, published: 10, failed: 10 }),
    };

    await q(
      `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response, created_at)
       VALUES ('retention', 'old', 'h', 201, '{}', now() - interval '25 hours'),
              ('retention', 'recent', 'h', 201, '{}', now() - interval '23 hours')`,
    );

    const [subscription] = await q<{ id: string }>(
      `INSERT INTO webhook_subscriptions (url, event_types, secret)
       VALUES ('https://partner.example/hook', '{item.graded}', 'secret') RETURNING id`,
    );
    const delivery = async (status: string, ageDays: number, replayOf: string | null = null) => {
      const [row] = await q<{ id: string }>(
        `INSERT INTO webhook_deliveries
           (subscription_id, event_id, event_type, payload, status, attempts, delivered_at,
            replay_of, created_at)
         VALUES ($1, $2, 'item.graded', '{}', $3, 1,
                 CASE WHEN $3 = 'delivered' THEN now() - $4::interval END, $5, now() - $4::interval)
         RETURNING id`,
        [subscription.id, randomUUID(), status, `${ageDays} days`, replayOf],
      );
      await q(
        `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code)
         VALUES ($1, 1, now() - $2::interval, 12, 200)`,
        [row.id, `${ageDays} days`],
      );
      return row.id;
    };
    const chainStart = await delivery('delivered', 60);
    const webhooks = {
      oldDelivered: await delivery('delivered', 31),
      recentDelivered: await delivery('delivered', 29),
      oldFailed: await delivery('failed', 60),
      oldPending: await delivery('pending', 60),
      // An old delivery replayed recently stays while its replay does.
      replayedOriginal: await delivery('delivered', 60),
      chainStart,
      chainEnd: await delivery('delivered', 40, chainStart),
    };
    const recentReplay = await delivery('delivered', 1, webhooks.replayedOriginal);

    const notice = async (status: string, ageDays: number) => {
      const [row] = await q<{ id: string }>(
        `INSERT INTO owner_notifications (job_id, user_id, channel, template, params, status, created_at)
         VALUES ($1, $2, 'database', 'trade-in-quoted', '{}', $3, now() - $4::interval)
         RETURNING id`,
        [randomUUID(), randomUUID(), status, `${ageDays} days`],
      );
      return row.id;
    };
    const notices = {
      oldSent: await notice('sent', 181),
      oldUndeliverable: await notice('undeliverable', 200),
      oldPending: await notice('pending', 200),
      recentSent: await notice('sent', 179),
    };

    // The item history and the ledger are never pruned, however old.
    const item = await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        custodian: { kind: 'warehouse', id: null },
        erasureStatus: 'not_required',
      }),
    );
    const counts = async () =>
      (
        await q<{ history: number; item: number; ledger: number }>(
          `SELECT (SELECT count(*)::int FROM item_events) AS history,
                  (SELECT count(*)::int FROM item_events WHERE item_id = $1) AS item,
                  (SELECT count(*)::int FROM ledger_lines) + (SELECT count(*)::int FROM ledger_entries) AS ledger`,
          [item.id],
        )
      )[0];
    const before = await counts();
    expect(before.item).toBeGreaterThan(0);

    const metrics = t.app.get(MetricsService);
    const prunedOutbox = async () =>
      (await metrics.pruned.get()).values.find((v) => v.labels.table === 'outbox')?.value ?? 0;
    const outboxCounted = await prunedOutbox();

    const report = await retention.prune();
    expect(report.ran).toBe(true);

    expect(await exists('outbox', outbox.oldCompleted)).toBe(false);
    expect(await exists('outbox', outbox.oldFailed)).toBe(false);
    expect(await exists('outbox', outbox.recentCompleted)).toBe(true);
    expect(await exists('outbox', outbox.oldUnpublished)).toBe(true);
    expect(await exists('outbox', outbox.oldInFlight)).toBe(true);
    expect(await exists('outbox', outbox.recentFailed)).toBe(true);
    expect(await prunedOutbox()).toBeGreaterThanOrEqual(outboxCounted + 2);

    const keys = await q<{ key: string }>(
      `SELECT key FROM idempotency_keys WHERE scope = 'retention' ORDER BY key`,
    );
    expect(keys.map((k) => k.key)).toEqual(['recent']);

    expect(await exists('webhook_deliveries', webhooks.oldDelivered)).toBe(false);
    expect(await exists('webhook_deliveries', webhooks.chainStart)).toBe(false);
    expect(await exists('webhook_deliveries', webhooks.chainEnd)).toBe(false);
    expect(await exists('webhook_deliveries', webhooks.recentDelivered)).toBe(true);
    expect(await exists('webhook_deliveries', webhooks.oldFailed)).toBe(true);
    expect(await exists('webhook_deliveries', webhooks.oldPending)).toBe(true);
    expect(await exists('webhook_deliveries', webhooks.replayedOriginal)).toBe(true);
    expect(await exists('webhook_deliveries', recentReplay)).toBe(true);
    const attempts = await q<{ delivery_id: string }>(
      'SELECT delivery_id FROM webhook_delivery_attempts WHERE delivery_id = ANY($1::uuid[])',
      [[webhooks.oldDelivered, webhooks.recentDelivered]],
    );
    expect(attempts.map((a) => a.delivery_id)).toEqual([webhooks.recentDelivered]);

    expect(await exists('owner_notifications', notices.oldSent)).toBe(false);
    expect(await exists('owner_notifications', notices.oldUndeliverable)).toBe(false);
    expect(await exists('owner_notifications', notices.oldPending)).toBe(true);
    expect(await exists('owner_notifications', notices.recentSent)).toBe(true);

    expect(await counts()).toEqual(before);

    // A second run finds nothing more to do.
    const again = await retention.prune();
    expect(Object.values(again.pruned).every((n) => n === 0)).toBe(true);
  });

  it('removes jobs BullMQ keeps as failed once they are older than the period', async () => {
    const queue = t.app.get(QueueService).queue('workflow');
    // A job no handler knows fails for good at once (UnrecoverableError).
    const failed = await queue.add('no-such-job', { payload: {} }, { jobId: randomUUID() });
    await eventually(async () => (await queue.getJobState(failed.id!)) === 'failed');

    await retention.prune();
    expect(await queue.getJobState(failed.id!)).toBe('failed');

    const clock = t.app.get(Clock);
    const later = new Date(Date.now() + 31 * 86_400_000);
    clock.now = () => later;
    try {
      const report = await retention.prune();
      expect(report.pruned.bullmq_failed_jobs).toBeGreaterThanOrEqual(1);
    } finally {
      clock.now = () => new Date();
    }
    expect(await queue.getJobState(failed.id!)).toBe('unknown');
  });
});
