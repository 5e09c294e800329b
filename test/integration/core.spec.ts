import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR, type Actor } from '../../src/core/actor.js';
import { Item } from '../../src/core/items/item.entity.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { HistoryService } from '../../src/core/history/history.service.js';
import { NotifyOwner } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { QueueService } from '../../src/core/jobs/queue.service.js';
import { Reconciler } from '../../src/core/outbox/reconciler.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { validateMachine } from '../../src/core/state-machine/machine.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

describe('state-machine core', () => {
  let t: TestApp;
  let transitions: TransitionService;
  let items: ItemsService;
  let warehouse: Actor;
  let owner: { id: string };

  beforeAll(async () => {
    t = await createTestApp();
    transitions = t.app.get(TransitionService);
    items = t.app.get(ItemsService);
    const staff = await t.user('warehouse');
    warehouse = { role: 'warehouse', userId: staff.id, organisationId: staff.organisationId };
    owner = await t.user('customer');
  });
  afterAll(() => t.close());

  const newItem = (state: 'DECLARED' | 'RECEIVED' = 'RECEIVED') =>
    t.dataSource.transaction((m) =>
      items.register(m, SYSTEM_ACTOR, {
        ownerId: owner.id,
        custodian:
          state === 'RECEIVED'
            ? { kind: 'warehouse', id: warehouse.organisationId }
            : { kind: 'owner', id: owner.id },
        erasureStatus: 'not_required',
        state,
      }),
    );

  const outboxCount = async (name: string) =>
    Number(
      (await t.dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE name = $1', [name]))[0]
        .n,
    );

  it('lets exactly one of 50 concurrent conflicting transitions win', async () => {
    const item = await newItem();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        transitions.apply(ItemMachine, {
          id: item.id,
          action: 'make-available',
          actor: warehouse,
          expectedVersion: item.version,
        }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const r of lost) expect((r.reason as { getStatus(): number }).getStatus()).toBe(409);
    const after = await t.dataSource.getRepository(Item).findOneByOrFail({ id: item.id });
    expect(after.version).toBe(item.version + 1);
    expect(after.state).toBe('AVAILABLE');
    const events = await t.dataSource.query(
      'SELECT type FROM item_events WHERE item_id = $1 ORDER BY seq',
      [item.id],
    );
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'Item.created',
      'Item.make-available',
    ]);
  });

  it('answers 409 with the current state and allowed actions for an illegal action, 403 for a role', async () => {
    const item = await newItem();
    const err = await transitions
      .apply(ItemMachine, { id: item.id, action: 'hand-back', actor: SYSTEM_ACTOR })
      .catch((e: unknown) => e);
    expect((err as { getStatus(): number }).getStatus()).toBe(409);
    expect((err as { getResponse(): object }).getResponse()).toMatchObject({
      state: 'RECEIVED',
      version: 1,
      allowedActions: expect.arrayContaining(['make-available', 'scrap']),
    });
    const courier: Actor = { role: 'courier', userId: owner.id, organisationId: null };
    const denied = await transitions
      .apply(ItemMachine, { id: item.id, action: 'scrap', actor: courier })
      .catch((e: unknown) => e);
    expect((denied as { getStatus(): number }).getStatus()).toBe(403);
    const stale = await transitions
      .apply(ItemMachine, { id: item.id, action: 'scrap', actor: warehouse, expectedVersion: 7 })
      .catch((e: unknown) => e);
    expect((stale as { getStatus(): number }).getStatus()).toBe(409);
  });

  it('hides an object the actor may not see (404)', async () => {
    const item = await newItem();
    const stranger: Actor = {
      role: 'warehouse',
      userId: '00000000-0000-4000-8000-000000000001',
      organisationId: '00000000-0000-4000-8000-000000000000',
    };
    const err = await transitions
      .apply(ItemMachine, { id: item.id, action: 'scrap', actor: stranger })
      .catch((e: unknown) => e);
    expect((err as { getStatus(): number }).getStatus()).toBe(404);
  });

  it('keeps the erasure gate: an item with unwiped storage cannot be allocated', async () => {
    const item = await t.dataSource.transaction((m) =>
      items.register(m, SYSTEM_ACTOR, {
        custodian: { kind: 'warehouse', id: null },
        erasureStatus: 'pending',
        state: 'AVAILABLE',
      }),
    );
    const err = await transitions
      .apply(ItemMachine, { id: item.id, action: 'allocate', actor: SYSTEM_ACTOR })
      .catch((e: unknown) => e);
    expect((err as { getStatus(): number }).getStatus()).toBe(409);
    expect((err as Error).message).toContain('erasure certificate');
  });

  it('writes no job when the transaction rolls back', async () => {
    const item = await newItem();
    const before = await outboxCount(NotifyOwner.name);
    await expect(
      t.dataSource.transaction(async (manager) => {
        await transitions.apply(ItemMachine, {
          id: item.id,
          action: 'scrap',
          actor: warehouse,
          manager,
          jobs: [job(NotifyOwner, { userId: owner.id, template: 'rolled-back', params: {} })],
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await outboxCount(NotifyOwner.name)).toBe(before);
    const still = await t.dataSource.getRepository(Item).findOneByOrFail({ id: item.id });
    expect(still.state).toBe('RECEIVED');
    await new Promise((r) => setTimeout(r, 500));
    const sent = await t.dataSource.query(
      `SELECT 1 FROM owner_notifications WHERE template = 'rolled-back'`,
    );
    expect(sent).toHaveLength(0);
  });

  it('delivers a committed job through the outbox, BullMQ and its handler', async () => {
    const item = await newItem();
    await transitions.apply(ItemMachine, {
      id: item.id,
      action: 'scrap',
      actor: warehouse,
      jobs: [
        job(NotifyOwner, {
          userId: owner.id,
          template: 'item-scrapped',
          params: { itemId: item.id },
        }),
      ],
    });
    const row = await eventually(async () =>
      (
        await t.dataSource.query(
          `SELECT id, completed_at FROM outbox WHERE payload->'params'->>'itemId' = $1`,
          [item.id],
        )
      )[0]?.completed_at
        ? true
        : null,
    );
    expect(row).toBe(true);
    const sent = await t.dataSource.query(
      `SELECT template FROM owner_notifications WHERE params->>'itemId' = $1`,
      [item.id],
    );
    expect(sent).toEqual([{ template: 'item-scrapped' }]);
  });

  it('runs a job handler twice with one side effect', async () => {
    const handler = t.app.get(JobHandlerRegistry).get(NotifyOwner.name);
    const payload = { userId: owner.id, template: 'twice', params: {} };
    const ctx = { jobId: 'same-job-id', attempt: 1, maxAttempts: 8 };
    await handler?.run(payload, ctx);
    await handler?.run(payload, { ...ctx, attempt: 2 });
    const rows = await t.dataSource.query(
      `SELECT 1 FROM owner_notifications WHERE template = 'twice'`,
    );
    expect(rows).toHaveLength(1);
  });

  it('re-creates a job Redis lost, under the same id', async () => {
    const item = await newItem();
    const runAt = new Date(Date.now() + 3_600_000);
    await transitions.apply(ItemMachine, {
      id: item.id,
      action: 'scrap',
      actor: warehouse,
      jobs: [
        job(
          NotifyOwner,
          { userId: owner.id, template: 'later', params: { itemId: item.id } },
          runAt,
        ),
      ],
    });
    const id = await eventually(
      async () =>
        (
          await t.dataSource.query(
            `SELECT id FROM outbox WHERE payload->'params'->>'itemId' = $1 AND published_at IS NOT NULL`,
            [item.id],
          )
        )[0]?.id as string | undefined,
    );
    const queue = t.app.get(QueueService).queue('notifications');
    expect(await queue.getJob(id)).toBeDefined();
    await (await queue.getJob(id))?.remove();
    expect(await queue.getJob(id)).toBeUndefined();
    const report = await t.app.get(Reconciler).reconcile(0);
    expect(report.republished).toBeGreaterThanOrEqual(1);
    const again = await queue.getJob(id);
    expect(again?.id).toBe(id);
    expect(await again?.isDelayed()).toBe(true);
  });

  it('refuses UPDATE and DELETE on the history, and verify finds a forced change', async () => {
    const item = await newItem();
    await transitions.apply(ItemMachine, {
      id: item.id,
      action: 'scrap',
      actor: warehouse,
      data: { reason: 'cracked' },
    });
    await expect(
      t.dataSource.query(`UPDATE item_events SET data = '{}' WHERE item_id = $1`, [item.id]),
    ).rejects.toThrow(/append-only/);
    await expect(
      t.dataSource.query('DELETE FROM item_events WHERE item_id = $1', [item.id]),
    ).rejects.toThrow(/append-only/);

    const admin = await t.user('admin');
    const ok = await t.http
      .get(`/api/v1/items/${item.id}/history/verify`)
      .set(admin.auth)
      .expect(200);
    expect(ok.body).toMatchObject({ intact: true, events: 2 });
    const pub = await t.http.get(`/api/v1/trace/${item.traceCode}/verify`).expect(200);
    expect(pub.body).toMatchObject({ intact: true, traceCode: item.traceCode });

    // A superuser bypasses the trigger: the chain shows it.
    await t.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(
        `UPDATE item_events SET data = '{"reason":"pristine"}' WHERE item_id = $1 AND seq = 2`,
        [item.id],
      );
    });
    const broken = await t.http.get(`/api/v1/trace/${item.traceCode}/verify`).expect(200);
    expect(broken.body).toMatchObject({ intact: false, firstBrokenSeq: 2 });
  });

  it('chains several entries for one item in one transaction, and after a savepoint rolled back', async () => {
    const item = await newItem();
    const history = t.app.get(HistoryService);
    const entry = (type: string) => ({
      type,
      entity: 'Item',
      entityId: item.id,
      actor: warehouse,
    });
    let statements = 0;
    await t.dataSource.transaction(async (m) => {
      const query = m.queryRunner!.query.bind(m.queryRunner);
      m.queryRunner!.query = ((...args: Parameters<typeof query>) => {
        statements++;
        return query(...args);
      }) as typeof query;
      // The row as read here is reused by the transition: no second read of it.
      const row = await m.getRepository(Item).findOneByOrFail({ id: item.id });
      statements = 0;
      await transitions.apply(ItemMachine, {
        manager: m,
        id: item.id,
        current: row,
        action: 'make-available',
        actor: warehouse,
      });
      expect(statements).toBe(2); // the guarded update (with the head), the history entry
      statements = 0;
      await history.append(m, [item.id], entry('test.first'));
      await history.append(m, [item.id], entry('test.second'));
      expect(statements).toBe(2); // the heads this transaction advanced are not read again
      // A savepoint rolled back takes its entry away: the next one reads the head afresh.
      await m
        .transaction(async (inner) => {
          await history.append(inner, [item.id], entry('test.undone'));
          throw new Error('undo');
        })
        .catch(() => undefined);
      await history.append(m, [item.id], entry('test.third'));
    });
    const types = await t.dataSource.query<Array<{ type: string; seq: number }>>(
      'SELECT type, seq FROM item_events WHERE item_id = $1 ORDER BY seq',
      [item.id],
    );
    expect(types.map((r) => r.type).slice(1)).toEqual([
      'Item.make-available',
      'test.first',
      'test.second',
      'test.third',
    ]);
    expect(await items.verifyHistory(item.id)).toMatchObject({ intact: true, events: 5 });
  });

  it('checks every transition table at start-up', () => {
    expect(validateMachine(ItemMachine)).toEqual([]);
    const broken = {
      ...ItemMachine,
      transitions: [
        ...ItemMachine.transitions,
        { action: 'teleport', from: ['NOWHERE'], to: 'SOLD', roles: ['admin'] },
      ],
    };
    expect(validateMachine(broken as never).join()).toContain('unknown state NOWHERE');
    const unreachable = { ...ItemMachine, states: [...ItemMachine.states, 'LIMBO'] };
    expect(validateMachine(unreachable as never).join()).toContain('LIMBO is unreachable');
    const dup = {
      ...ItemMachine,
      transitions: [...ItemMachine.transitions, ItemMachine.transitions[0]],
    };
    expect(validateMachine(dup as never).join()).toContain('duplicate action');
  });

  it('shows state, version and allowedActions when an item is read', async () => {
    const item = await newItem();
    const admin = await t.user('admin');
    const res = await t.http.get(`/api/v1/items/${item.id}`).set(admin.auth).expect(200);
    expect(res.body).toMatchObject({ state: 'RECEIVED', version: 1, traceCode: item.traceCode });
    expect(res.body.allowedActions).toEqual(expect.arrayContaining(['make-available', 'scrap']));
    const stranger = await t.user('customer');
    await t.http.get(`/api/v1/items/${item.id}`).set(stranger.auth).expect(404);
    const mine = await t.user('customer');
    expect(mine.id).not.toBe(owner.id);
  });
});

describe('outbox while Redis is down', () => {
  const port = 6390 + Math.floor(Math.random() * 50);
  let t: TestApp;
  let redis: import('node:child_process').ChildProcess | undefined;

  beforeAll(async () => {
    t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}/0` });
  });
  afterAll(async () => {
    await t.close();
    redis?.kill('SIGKILL');
  });

  it('keeps a job committed while Redis is down and delivers it once Redis is back', async () => {
    const owner = await t.user('customer');
    const item = await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        ownerId: owner.id,
        custodian: { kind: 'warehouse', id: null },
        erasureStatus: 'not_required',
        state: 'RECEIVED',
      }),
    );
    await t.app.get(TransitionService).apply(ItemMachine, {
      id: item.id,
      action: 'scrap',
      actor: SYSTEM_ACTOR,
      jobs: [job(NotifyOwner, { userId: owner.id, template: 'while-down', params: {} })],
    });
    await new Promise((r) => setTimeout(r, 600));
    const pending = await t.dataSource.query(
      `SELECT published_at FROM outbox WHERE payload->>'template' = 'while-down'`,
    );
    expect(pending).toEqual([{ published_at: null }]);

    const { spawn } = await import('node:child_process');
    redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const probe = new Redis(`redis://127.0.0.1:${port}`, {
      lazyConnect: true,
      retryStrategy: () => 100,
    });
    await eventually(async () => (await probe.ping()) === 'PONG');
    probe.disconnect();

    await eventually(
      async () =>
        (
          await t.dataSource.query(
            `SELECT 1 FROM owner_notifications WHERE template = 'while-down'`,
          )
        ).length === 1,
      20_000,
    );
    // The job is marked completed just after its handler returns.
    const ds = t.app.get(DataSource);
    await eventually(async () => {
      const [row] = await ds.query<Array<{ completed_at: Date | null }>>(
        `SELECT completed_at FROM outbox WHERE payload->>'template' = 'while-down'`,
      );
      return row.completed_at !== null;
    });
  });
});
