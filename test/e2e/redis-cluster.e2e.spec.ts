import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ModuleRef } from '@nestjs/core';
import { Cluster, Redis } from 'ioredis';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import { QUEUE_NAMES } from '../../src/core/jobs/job-definition.js';
import { QueueService } from '../../src/core/jobs/queue.service.js';
import { processHealth } from '../../src/platform/ops-server.js';
import { TEST_REDIS_URL } from '../support/databases.js';
import {
  accounts,
  type HttpUser,
  listItem,
  loadReferenceData,
  SHANGHAI,
  shanghaiCourier,
  tradeInPhones,
} from '../support/http-journey.js';
import { startRedisCluster, type RedisClusterFixture } from '../support/redis-cluster.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

jest.setTimeout(240_000);

/**
 * Issue 27 point 5: the platform on a real Redis Cluster of three masters, started here. The
 * journey runs over HTTP — trade-in, valuation, dispatch, pickup, receiving, erasure, inspection,
 * resale to delivery — so every queue, the delayed reservation timer, the rate limiter and the
 * session checks work through the cluster client, and each queue's keys stay in its own slot.
 */
describe('Redis Cluster (issue 27, point 5)', () => {
  let cluster: RedisClusterFixture | undefined;
  let t: TestApp | undefined;
  let admin: HttpUser;
  let owner: HttpUser;
  let courier: HttpUser;
  let grader: HttpUser;
  let merchant: HttpUser;
  let buyer: HttpUser;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    t = await createTestApp({
      REDIS_CLUSTER_NODES: cluster.nodes,
      LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: '3',
      ERASURE_SIM_FAILURE_RATE: '0',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
    });
    await loadReferenceData(t);
    const first = await t.user('admin');
    admin = { ...first, role: 'admin' };
    const a = accounts(t, admin);
    const warehouseId = await a.organisation('warehouse', { cityCode: '310100' });
    const merchantOrg = await a.organisation('merchant');
    [owner, courier, grader, merchant, buyer] = await Promise.all([
      a.user('customer'),
      a.user('courier'),
      a.user('warehouse', { organisationId: warehouseId }),
      a.user('merchant', { organisationId: merchantOrg }),
      a.user('customer'),
    ]);
    await shanghaiCourier(t, admin, courier);
  }, 120_000);

  afterAll(async () => {
    // The cluster goes even when the app never started.
    try {
      await t?.close();
    } finally {
      await cluster?.stop();
    }
  });

  it('runs on the cluster it was given: every master up, health up', async () => {
    const app = t!;
    expect(app.config.redisCluster?.nodes).toHaveLength(3);
    const health = await app.http.get('/health').expect(200);
    expect(health.body.info.redis.status).toBe('up');
  });

  it('takes a phone from trade-in to delivery with its jobs flowing through the cluster', async () => {
    const app = t!;
    const { phones } = await tradeInPhones(
      app,
      { admin, owner, courier, grader },
      { answers: idealAnswers(PHONE_STANDARD) },
    );
    const { itemId } = phones[0];
    const listing = await listItem(app, merchant, itemId);
    // Checkout puts a delayed reservation-expiry job on the cluster.
    const order = await app.http
      .post('/api/v1/sale-orders')
      .set(buyer.auth)
      .send({ listingId: listing.id, shippingAddress: SHANGHAI })
      .expect(201);
    const orderId = order.body.id as string;
    await app.http
      .post(`/api/v1/sale-orders/${orderId}/test-payment`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    await app.http
      .post(`/api/v1/sale-orders/${orderId}/ship`)
      .set(merchant.auth)
      .send({ carrier: 'SF Express', trackingNumber: 'SF3000000027' })
      .expect(200);
    await app.http
      .post(`/api/v1/sale-orders/${orderId}/confirm-delivery`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    const delivered = await app.http.get(`/api/v1/sale-orders/${orderId}`).set(buyer.auth);
    expect(delivered.body.state).toBe('DELIVERED');
    const timeline = await app.http.get(`/api/v1/items/${itemId}/timeline`).set(admin.auth);
    expect((timeline.body.events as Array<{ type: string }>).map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'Item.created',
        'TradeInOrder.accept',
        'Pickup.collect',
        'Item.receive',
        'Erasure.certify',
        'Inspection.complete',
        'Item.make-available',
        'Item.list',
        'Item.sell',
      ]),
    );

    // Every job the journey made was finished by the workers through the cluster: the outbox
    // has no row left unfinished, and the queues that carry a journey report completed jobs.
    await eventually(async () => {
      const [{ open }] = await app.dataSource.query<Array<{ open: number }>>(
        `SELECT count(*)::int AS open FROM outbox
          WHERE completed_at IS NULL AND failed_at IS NULL AND run_at <= now()`,
      );
      return open === 0;
    }, 30_000);
    const queues = app.app.get(QueueService);
    const completed: Record<string, number> = {};
    for (const name of QUEUE_NAMES) {
      completed[name] = (await queues.queue(name).getJobCounts('completed')).completed ?? 0;
    }
    for (const name of ['valuation', 'dispatch', 'erasure', 'workflow'] as const) {
      expect({ name, completed: completed[name] > 0 }).toEqual({ name, completed: true });
    }
    const [{ failed }] = await app.dataSource.query<Array<{ failed: number }>>(
      'SELECT count(*)::int AS failed FROM outbox WHERE failed_at IS NOT NULL',
    );
    expect(failed).toBe(0);
  });

  it("keeps each queue's keys in one slot, spreads the queues, and leaves the plain Redis alone", async () => {
    const app = t!;
    const prefix = app.config.queuePrefix;
    const client = new Cluster(cluster!.ports.map((port) => ({ host: '127.0.0.1', port })));
    try {
      await new Promise<void>((resolve) => client.once('ready', () => resolve()));
      const keys: string[] = [];
      for (const master of client.nodes('master')) {
        keys.push(...(await master.keys(`*${prefix}*`)));
      }
      // BullMQ's keys are hash-tagged per queue: one slot per queue.
      const slots = new Map<string, Set<number>>();
      for (const name of QUEUE_NAMES) {
        const own = keys.filter((k) => k.startsWith(`{${prefix}-${name}}:${name}:`));
        const kept = new Set<number>();
        for (const k of own) kept.add(Number(await client.cluster('KEYSLOT', k)));
        slots.set(name, kept);
      }
      for (const name of ['valuation', 'dispatch', 'erasure', 'workflow']) {
        expect({ name, slots: slots.get(name)!.size }).toEqual({ name, slots: 1 });
      }
      const distinct = new Set([...slots.values()].flatMap((s) => [...s]));
      expect(distinct.size).toBeGreaterThanOrEqual(4);
      // The limiter's counters and the session checks' cache are on the cluster too.
      expect(keys.some((k) => k.startsWith(`${prefix}:rate:`))).toBe(true);
      expect(keys.some((k) => k.startsWith(`${prefix}:auth:user:`))).toBe(true);
    } finally {
      client.disconnect();
    }
    const plain = new Redis(TEST_REDIS_URL);
    try {
      expect(await plain.keys(`*${prefix}*`)).toEqual([]);
    } finally {
      plain.disconnect();
    }
  });

  it("limits logins per account on the cluster, and reports each worker's cluster connection", async () => {
    const app = t!;
    for (let i = 0; i < 3; i++) {
      await app.http
        .post('/api/v1/auth/login')
        .send({ email: buyer.email, password: 'wrong password' })
        .expect(401);
    }
    const limited = await app.http
      .post('/api/v1/auth/login')
      .send({ email: buyer.email, password: 'wrong password' })
      .expect(429);
    expect(limited.body.message).toMatch(/Too many attempts for this account/);

    const health = await processHealth(app.app.get(ModuleRef));
    expect(health.redis.status).toBe('up');
    for (const name of QUEUE_NAMES) {
      expect({ name, status: health.queues[name]?.status }).toEqual({ name, status: 'up' });
    }
    expect(health.status).toBe('ok');
  });
});
