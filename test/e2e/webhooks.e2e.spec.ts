import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeliverWebhook } from '../../src/core/jobs/job-catalogue.js';
import { QueueService } from '../../src/core/jobs/queue.service.js';
import { InboundWebhookHandlers } from '../../src/notifications/webhooks/inbound-handlers.registry.js';
import { WebhookEvents } from '../../src/notifications/webhooks/webhook-events.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What a partner would do: recompute HMAC-SHA256 over `<t>.<raw body>` with its secret. */
function receiverVerifies(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(String(parts.v1), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhooks', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  const received: Received[] = [];
  /** Status codes the receiver answers per path, in order (then 200). */
  const script = new Map<string, number[]>();
  let admin: TestUser;
  let support: TestUser;
  let merchant: TestUser;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const path = req.url ?? '/';
        received.push({ path, headers: req.headers, body });
        const status = script.get(path)?.shift() ?? 200;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The receiver runs on this machine: loopback is allowed for this test app only.
    t = await createTestApp({ WEBHOOKS_ALLOW_PRIVATE: 'true' });
    admin = await t.user('admin');
    support = await t.user('support');
    merchant = await t.user('merchant');
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => server.close(r));
  });

  const subscribe = async (user: TestUser, path: string, eventTypes: string[]) =>
    (
      await t.http
        .post('/api/v1/webhooks/subscriptions')
        .set(user.auth)
        .send({ url: `${base}${path}`, eventTypes })
        .expect(201)
    ).body as { id: string; secret: string; organisationId: string | null };

  it('signs a support-case event so that the receiver can verify it', async () => {
    const sub = await subscribe(merchant, '/merchant', ['support-case.opened']);
    expect(sub.organisationId).toBe(merchant.organisationId);
    expect(sub.secret).toMatch(/^whsec_/);

    const opened = await t.http
      .post('/api/v1/support/cases')
      .set(support.auth)
      .send({
        kind: 'buyer-return-dispute',
        summary: 'Buyer says the screen is scratched',
        organisationId: merchant.organisationId,
      })
      .expect(201);

    const got = await eventually(() =>
      Promise.resolve(received.find((r) => r.path === '/merchant')),
    );
    const signature = String(got.headers['reloop-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(receiverVerifies(sub.secret, signature, got.body)).toBe(true);
    expect(receiverVerifies(sub.secret, signature, got.body.replace('scratched', 'perfect'))).toBe(
      false,
    );
    expect(receiverVerifies('whsec_wrong', signature, got.body)).toBe(false);
    const event = JSON.parse(got.body) as Record<string, unknown>;
    expect(event).toMatchObject({
      type: 'support-case.opened',
      organisationId: merchant.organisationId,
      data: { caseId: opened.body.id, kind: 'buyer-return-dispute', state: 'OPEN' },
    });
    expect(got.headers['reloop-event-id']).toBe(event.id);

    // The delivery log shows the attempt; another merchant sees neither subscription nor log.
    const list = await t.http
      .get(`/api/v1/webhooks/deliveries?subscriptionId=${sub.id}`)
      .set(merchant.auth)
      .expect(200);
    expect(list.body.items).toHaveLength(1);
    const deliveryId = list.body.items[0].id as string;
    const delivery = await eventually(async () => {
      const r = await t.http.get(`/api/v1/webhooks/deliveries/${deliveryId}`).set(merchant.auth);
      return r.body.status === 'delivered' ? r.body : null;
    });
    expect(delivery.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, statusCode: 200, durationMs: expect.any(Number) }),
    ]);
    const other = await t.user('merchant');
    await t.http.get(`/api/v1/webhooks/subscriptions/${sub.id}`).set(other.auth).expect(404);
    await t.http.get(`/api/v1/webhooks/deliveries/${deliveryId}`).set(other.auth).expect(404);
    await t.http
      .post(`/api/v1/webhooks/deliveries/${deliveryId}/replay`)
      .set(other.auth)
      .expect(404);
    const customer = await t.user('customer');
    await t.http.get('/api/v1/webhooks/subscriptions').set(customer.auth).expect(403);
  });

  it('retries a failed delivery with backoff, logs every attempt, and replays by hand', async () => {
    // Backoff over at least 24 h: BullMQ's exponential delay doubles per retry.
    const { attempts, backoff } = DeliverWebhook.options as {
      attempts: number;
      backoff: { type: string; delay: number };
    };
    const span = Array.from({ length: attempts - 1 }, (_, i) => backoff.delay * 2 ** i).reduce(
      (a, b) => a + b,
      0,
    );
    expect(backoff.type).toBe('exponential');
    expect(span).toBeGreaterThanOrEqual(24 * 3_600_000);

    script.set('/flaky', [500]);
    const sub = await subscribe(admin, '/flaky', ['parcel.delayed']);
    expect(sub.organisationId).toBeNull(); // platform-wide: hears every organisation's events
    await t.dataSource.transaction((m) =>
      WebhookEvents.publish(m, {
        organisationId: merchant.organisationId,
        type: 'parcel.delayed',
        data: { parcel: 'P-1' },
      }),
    );
    const first = await eventually(async () => {
      const r = await t.http
        .get(`/api/v1/webhooks/deliveries?subscriptionId=${sub.id}`)
        .set(admin.auth);
      const d = r.body.items?.[0] as { id: string; attempts: number } | undefined;
      return d && d.attempts === 1 ? d : null;
    });
    const failed = await t.http.get(`/api/v1/webhooks/deliveries/${first.id}`).set(admin.auth);
    expect(failed.body).toMatchObject({ status: 'pending', lastStatusCode: 500 });

    // The job waits for its backoff (a minute); make the minute pass.
    const queue = t.app.get(QueueService).queue('notifications');
    const waiting = await eventually(async () =>
      (await queue.getDelayed()).find(
        (j) => (j.data as { payload: { deliveryId: string } }).payload.deliveryId === first.id,
      ),
    );
    expect(waiting.opts.attempts).toBe(attempts);
    await waiting.promote();

    const done = await eventually(async () => {
      const r = await t.http.get(`/api/v1/webhooks/deliveries/${first.id}`).set(admin.auth);
      return r.body.status === 'delivered' ? r.body : null;
    });
    expect(done.attempts).toBe(2);
    expect(
      done.attemptLog.map((a: { attempt: number; statusCode: number }) => [
        a.attempt,
        a.statusCode,
      ]),
    ).toEqual([
      [1, 500],
      [2, 200],
    ]);
    const flaky = received.filter((r) => r.path === '/flaky');
    expect(flaky).toHaveLength(2);
    expect(flaky[0].headers['reloop-event-id']).toBe(flaky[1].headers['reloop-event-id']);

    const replay = await t.http
      .post(`/api/v1/webhooks/deliveries/${first.id}/replay`)
      .set(admin.auth)
      .expect(201);
    expect(replay.body).toMatchObject({ replayOf: first.id, status: 'pending' });
    await eventually(() =>
      Promise.resolve(received.filter((r) => r.path === '/flaky').length === 3),
    );
    const again = received.filter((r) => r.path === '/flaky')[2];
    expect(again.headers['reloop-event-id']).toBe(flaky[0].headers['reloop-event-id']);
    expect(
      receiverVerifies(sub.secret, String(again.headers['reloop-signature']), again.body),
    ).toBe(true);
  });

  it('fans an event out once even when the publish job runs twice', async () => {
    await subscribe(merchant, '/twice', ['lot.sealed']);
    const { PublishWebhookEvent } = await import('../../src/core/jobs/job-catalogue.js');
    const { JobHandlerRegistry } = await import('../../src/core/jobs/job-handler.registry.js');
    const handler = t.app.get(JobHandlerRegistry).get(PublishWebhookEvent.name);
    const payload = {
      eventId: randomUUID(),
      organisationId: merchant.organisationId,
      type: 'lot.sealed',
      occurredAt: new Date().toISOString(),
      data: {},
    };
    const ctx = { jobId: 'x', attempt: 1, maxAttempts: 8 };
    await handler?.run(payload, ctx);
    await handler?.run(payload, ctx);
    const rows = await t.dataSource.query('SELECT 1 FROM webhook_deliveries WHERE event_id = $1', [
      payload.eventId,
    ]);
    expect(rows).toHaveLength(1);
  });

  describe('inbound', () => {
    const secret = 'courier-secret-0123456789';
    let applied: string[] = [];

    beforeAll(async () => {
      await t.http
        .put('/api/v1/webhooks/providers/courier-sf')
        .set(admin.auth)
        .send({ secret })
        .expect(200);
      t.app.get(InboundWebhookHandlers).register('courier-sf', 'parcel.collected', async (m, e) => {
        applied.push(e.eventId);
        // Inside the same transaction as the stored event.
        await m.query('SELECT 1 FROM inbound_webhooks WHERE event_id = $1', [e.eventId]);
      });
    });

    const signed = (body: string, at = Math.floor(Date.now() / 1000), key = secret) =>
      `t=${at},v1=${createHmac('sha256', key).update(`${at}.${body}`).digest('hex')}`;

    it('applies a duplicated inbound webhook once', async () => {
      applied = [];
      // Deliberately not the canonical JSON form: the signature covers the bytes as sent.
      const body = '{ "id": "evt_123",  "type": "parcel.collected", "data": {"waybill": "SF1"} }';
      const send = () =>
        t.http
          .post('/api/v1/webhooks/inbound/courier-sf')
          .set('content-type', 'application/json')
          .set('reloop-signature', signed(body))
          .send(body);
      const [a, b] = await Promise.all([send(), send()]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect([a.body.duplicate, b.body.duplicate].sort()).toEqual([false, true]);
      const c = await send().expect(200);
      expect(c.body).toMatchObject({ received: true, duplicate: true, eventId: 'evt_123' });
      expect(applied).toEqual(['evt_123']);
      const stored = await t.dataSource.query(
        `SELECT handled_by FROM inbound_webhooks WHERE provider = 'courier-sf' AND event_id = 'evt_123'`,
      );
      expect(stored).toEqual([{ handled_by: 1 }]);
      const list = await t.http
        .get('/api/v1/webhooks/inbound?provider=courier-sf')
        .set(support.auth)
        .expect(200);
      expect(list.body.items).toHaveLength(1);
    });

    it('refuses a bad or stale signature and an unknown provider', async () => {
      applied = [];
      const body = JSON.stringify({ id: 'evt_9', type: 'parcel.collected', data: {} });
      const post = (sig: string, provider = 'courier-sf') =>
        t.http
          .post(`/api/v1/webhooks/inbound/${provider}`)
          .set('content-type', 'application/json')
          .set('reloop-signature', sig)
          .send(body);
      await post(signed(body, undefined, 'another-secret-123456')).expect(401);
      await post(signed(body, Math.floor(Date.now() / 1000) - 3600)).expect(401);
      await post(signed(body.replace('evt_9', 'evt_10'))).expect(401);
      await post('garbage').expect(401);
      await post(signed(body), 'nobody').expect(404);
      expect(applied).toEqual([]);
      const bad = '{"type":"parcel.collected"}';
      await t.http
        .post('/api/v1/webhooks/inbound/courier-sf')
        .set('content-type', 'application/json')
        .set('reloop-signature', signed(bad))
        .send(bad)
        .expect(400);
    });
  });
});
