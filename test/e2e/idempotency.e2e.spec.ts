import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('Idempotency-Key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const users = async (email: string) =>
    Number(
      (
        await t.dataSource.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email])
      )[0].n,
    );

  it('replays the first response to a retry and creates nothing new', async () => {
    const body = { email: 'retry@x.cn', password: 'long enough pw', name: 'R' };
    const first = await t.http
      .post('/api/v1/auth/register')
      .set('Idempotency-Key', 'k-1')
      .send(body)
      .expect(201);
    const second = await t.http
      .post('/api/v1/auth/register')
      .set('Idempotency-Key', 'k-1')
      .send(body)
      .expect(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await users('retry@x.cn')).toBe(1);
  });

  it('refuses the same key with a different body (422)', async () => {
    await t.http
      .post('/api/v1/auth/register')
      .set('Idempotency-Key', 'k-2')
      .send({ email: 'a2@x.cn', password: 'long enough pw', name: 'A' })
      .expect(201);
    const res = await t.http
      .post('/api/v1/auth/register')
      .set('Idempotency-Key', 'k-2')
      .send({ email: 'b2@x.cn', password: 'long enough pw', name: 'B' })
      .expect(422);
    expect(res.body.message).toContain('different request');
    expect(await users('b2@x.cn')).toBe(0);
  });

  it('creates one thing for concurrent requests with one key', async () => {
    const body = { email: 'race@x.cn', password: 'long enough pw', name: 'Race' };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.http.post('/api/v1/auth/register').set('Idempotency-Key', 'k-3').send(body),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    const ids = new Set(responses.map((r) => r.body.user.id));
    expect(ids.size).toBe(1);
    expect(await users('race@x.cn')).toBe(1);
  });

  it('scopes keys to the user', async () => {
    const a = await t.user('admin');
    const b = await t.user('admin');
    const org = (auth: Record<string, string>, name: string) =>
      t.http
        .post('/api/v1/organisations')
        .set(auth)
        .set('Idempotency-Key', 'shared')
        .send({ kind: 'merchant', name });
    const ra = await org(a.auth, 'Shop A').expect(201);
    const rb = await org(b.auth, 'Shop B').expect(201);
    expect(ra.body.id).not.toBe(rb.body.id);
  });

  it('replays a stored client error instead of running the request again', async () => {
    const body = { email: 'bad', password: 'long enough pw', name: 'X' };
    const first = await t.http
      .post('/api/v1/auth/register')
      .set('Idempotency-Key', 'k-4')
      .send(body)
      .expect(400);
    const again = await t.http
      .post('/api/v1/auth/register')
      .set('Idempotency-Key', 'k-4')
      .send(body)
      .expect(400);
    expect(again.body).toEqual(first.body);
  });

  it('refuses a malformed key', async () => {
    await t.http
      .post('/api/v1/auth/register')
      .set('Idempotency-Key', 'has space')
      .send({})
      .expect(400);
  });
});
