import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('accounts and access', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('registers, logs in and reads /me', async () => {
    const reg = await t.http
      .post('/api/v1/auth/register')
      .send({
        email: 'Ling@Example.cn',
        password: 'long enough pw',
        name: 'Ling',
        phone: '138 0013 8000',
      })
      .expect(201);
    expect(reg.body.user).toMatchObject({
      email: 'ling@example.cn',
      role: 'customer',
      phone: '+8613800138000',
    });
    expect(reg.body.user.passwordHash).toBeUndefined();

    const login = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'ling@example.cn', password: 'long enough pw' })
      .expect(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

    const me = await t.http
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${login.body.accessToken}`)
      .expect(200);
    expect(me.body).toMatchObject({ id: reg.body.user.id, email: 'ling@example.cn' });
  });

  it('refuses a wrong password with 401 and the same message as an unknown e-mail', async () => {
    await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'w@x.cn', password: 'long enough pw', name: 'W' });
    const wrong = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'w@x.cn', password: 'nope nope nope' })
      .expect(401);
    const unknown = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@x.cn', password: 'nope nope nope' })
      .expect(401);
    expect(wrong.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'not_signed_in',
      message: 'E-mail or password is wrong',
    });
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  it('answers 400 naming every field at fault, unknown fields included', async () => {
    const res = await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'not-an-email', password: 'short', name: 'X', role: 'admin' })
      .expect(400);
    const fields = res.body.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(['email', 'password', 'role']);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('answers 400 for malformed JSON and for a malformed id', async () => {
    await t.http
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email":')
      .expect(400);
    const admin = await t.user('admin');
    const res = await t.http.get('/api/v1/users/not-a-uuid').set(admin.auth).expect(400);
    expect(res.body.statusCode).toBe(400);
  });

  it('needs a valid token: none 401, tampered 401', async () => {
    await t.http.get('/api/v1/me').expect(401);
    const customer = await t.user('customer');
    const [h, p, s] = customer.token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'admin' }),
    ).toString('base64url');
    await t.http.get('/api/v1/me').set('Authorization', `Bearer ${h}.${forged}.${s}`).expect(401);
    await t.http.get('/api/v1/me').set('Authorization', `Bearer ${h}.${p}.${s}x`).expect(401);
  });

  it("refuses a staff-only route to a customer (403) and another user's object (404)", async () => {
    const customer = await t.user('customer');
    const other = await t.user('customer');
    await t.http.get('/api/v1/users').set(customer.auth).expect(403);
    await t.http
      .post('/api/v1/organisations')
      .set(customer.auth)
      .send({ kind: 'merchant', name: 'Mine' })
      .expect(403);
    const res = await t.http.get(`/api/v1/users/${other.id}`).set(customer.auth).expect(404);
    expect(res.body.message).toContain('not found');
    await t.http.get(`/api/v1/users/${customer.id}`).set(customer.auth).expect(200);
  });

  it('lets an admin create organisations and staff, and staff see only their own organisation', async () => {
    const admin = await t.user('admin');
    const org = await t.http
      .post('/api/v1/organisations')
      .set(admin.auth)
      .send({ kind: 'warehouse', name: 'Shanghai DC' })
      .expect(201);
    const staff = await t.http
      .post('/api/v1/users')
      .set(admin.auth)
      .send({
        email: 'grader@dc.cn',
        password: 'long enough pw',
        name: 'Grader',
        role: 'warehouse',
        organisationId: org.body.id,
      })
      .expect(201);
    expect(staff.body).toMatchObject({ role: 'warehouse', organisationId: org.body.id });
    await t.http
      .post('/api/v1/users')
      .set(admin.auth)
      .send({
        email: 'm@dc.cn',
        password: 'long enough pw',
        name: 'M',
        role: 'merchant',
        organisationId: org.body.id,
      })
      .expect(400);
    const login = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'grader@dc.cn', password: 'long enough pw' })
      .expect(200);
    const auth = { Authorization: `Bearer ${login.body.accessToken}` };
    await t.http.get(`/api/v1/organisations/${org.body.id}`).set(auth).expect(200);
    const otherOrg = await t.organisation('warehouse');
    await t.http.get(`/api/v1/organisations/${otherOrg}`).set(auth).expect(404);
  });

  it('reports health of database and Redis, and serves the OpenAPI document', async () => {
    const health = await t.http.get('/health').expect(200);
    expect(health.body.details).toMatchObject({
      database: { status: 'up' },
      redis: { status: 'up' },
    });
    const doc = await t.http.get('/api/docs-json').expect(200);
    expect(doc.body.paths['/api/v1/auth/login']).toBeDefined();
  });

  it('sends security headers and a request id', async () => {
    const res = await t.http.get('/health').set('X-Request-Id', 'abc-123');
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps the queue dashboard for admins', async () => {
    const customer = await t.user('customer');
    const admin = await t.user('admin');
    await t.http.get('/admin/queues').expect(401);
    await t.http.get('/admin/queues').set(customer.auth).expect(403);
    await t.http.get('/admin/queues').set(admin.auth).expect(200);
  });
});

describe('login rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => t.close());

  it('answers 429 after too many login attempts', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push(
        (await t.http.post('/api/v1/auth/login').send({ email: 'x@y.cn', password: 'guess guess' }))
          .status,
      );
    }
    expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
    expect(codes.slice(3)).toEqual([429, 429]);
    // other routes are not affected by the login limit
    await t.http.get('/health').expect(200);
  });
});
