import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

const PASSWORD = 'correct horse battery';

interface Session {
  accessToken: string;
  refreshToken: string;
  auth: { Authorization: string };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function login(t: TestApp, email: string, password = PASSWORD): Promise<Session> {
  const res = await t.http.post('/api/v1/auth/login').send({ email, password }).expect(200);
  expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 43200 });
  expect(typeof res.body.refreshToken).toBe('string');
  return { ...res.body, auth: bearer(res.body.accessToken) };
}

/** The Set-Cookie line for one cookie name. */
function cookieLine(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  const raw = res.headers['set-cookie'];
  const lines = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  return lines.find((l) => l.startsWith(`${name}=`));
}

const cookieValue = (line: string | undefined) => line?.split(';')[0];

describe('sessions that last a shift', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('rotates the refresh token on each use; a rotated token used again ends the whole family', async () => {
    const user = await t.user('warehouse');
    const first = await login(t, user.email);
    await t.http.get('/api/v1/me').set(first.auth).expect(200);

    const second = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: first.refreshToken })
      .expect(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(second.body.accessToken).toBeDefined();
    await t.http.get('/api/v1/me').set(bearer(second.body.accessToken)).expect(200);
    const third = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: second.body.refreshToken })
      .expect(200);

    // Only hashes are stored.
    const stored = await t.dataSource.query<{ token_hash: string; family_id: string }[]>(
      'SELECT token_hash, family_id FROM refresh_tokens WHERE user_id = $1',
      [user.id],
    );
    expect(stored).toHaveLength(3);
    expect(new Set(stored.map((r) => r.family_id)).size).toBe(1);
    const text = JSON.stringify(stored);
    for (const token of [first.refreshToken, second.body.refreshToken, third.body.refreshToken]) {
      expect(text).not.toContain(token);
    }

    // A copy of the first (rotated) token is replayed: the family is revoked.
    const reuse = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: first.refreshToken })
      .expect(401);
    expect(reuse.body.message).toMatch(/already used/);
    // ...so the legitimate latest token no longer works, nor the access token of that session.
    await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: third.body.refreshToken })
      .expect(401);
    await t.http.get('/api/v1/me').set(bearer(third.body.accessToken)).expect(401);
    const live = await t.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL',
      [user.id],
    );
    expect(live[0].n).toBe(0);
    // Another session of the same user is untouched.
    const other = await login(t, user.email);
    await t.http.get('/api/v1/me').set(other.auth).expect(200);
    await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: other.refreshToken })
      .expect(200);
  });

  it('never stores an answer carrying tokens for Idempotency-Key replay', async () => {
    const user = await t.user('customer');
    const res = await t.http
      .post('/api/v1/auth/login')
      .set('Idempotency-Key', 'login-key-1')
      .send({ email: user.email, password: PASSWORD })
      .expect(200);
    await t.http
      .post('/api/v1/auth/refresh')
      .set('Idempotency-Key', 'refresh-key-1')
      .send({ refreshToken: res.body.refreshToken })
      .expect(200);
    const rows = await t.dataSource.query<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM idempotency_keys WHERE key IN ('login-key-1', 'refresh-key-1')",
    );
    expect(rows[0].n).toBe(0);
  });

  it('refuses unknown, malformed and missing refresh tokens with 401 or 400', async () => {
    await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: 'x'.repeat(43) })
      .expect(401);
    await t.http.post('/api/v1/auth/refresh').send({}).expect(401);
    await t.http.post('/api/v1/auth/refresh').send({ refreshToken: 42 }).expect(400);
  });

  it('keeps the console session in an httpOnly SameSite cookie, never in the body', async () => {
    const user = await t.user('courier');
    const res = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: PASSWORD, refreshIn: 'cookie' })
      .expect(200);
    expect(res.body.refreshToken).toBeUndefined();
    expect(res.body.accessToken).toBeDefined();
    const line = cookieLine(res, 'reloop_refresh');
    expect(line).toMatch(/; Path=\/api\/v1\/auth; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    expect(line).not.toMatch(/Secure/); // plain http here; Secure over https (tested below)

    const refreshed = await t.http
      .post('/api/v1/auth/refresh')
      .set('Cookie', cookieValue(line)!)
      .send({})
      .expect(200);
    expect(refreshed.body.refreshToken).toBeUndefined();
    const next = cookieLine(refreshed, 'reloop_refresh');
    expect(cookieValue(next)).not.toBe(cookieValue(line));
    await t.http.get('/api/v1/me').set(bearer(refreshed.body.accessToken)).expect(200);

    // Logout ends the session and clears the cookie.
    const out = await t.http
      .post('/api/v1/auth/logout')
      .set('Cookie', cookieValue(next)!)
      .send({})
      .expect(204);
    expect(cookieLine(out, 'reloop_refresh')).toMatch(/^reloop_refresh=; .*Max-Age=0/);
    await t.http
      .post('/api/v1/auth/refresh')
      .set('Cookie', cookieValue(next)!)
      .send({})
      .expect(401);
    await t.http.get('/api/v1/me').set(bearer(refreshed.body.accessToken)).expect(401);
  });

  it("logging out with a bearer token leaves another user's refresh cookie alone", async () => {
    const first = await t.user('customer');
    const second = await t.user('customer');
    const res = await t.http
      .post('/api/v1/auth/login')
      .send({ email: first.email, password: PASSWORD, refreshIn: 'cookie' })
      .expect(200);
    const cookie = cookieValue(cookieLine(res, 'reloop_refresh'))!;
    const mine = await login(t, second.email);
    const out = await t.http
      .post('/api/v1/auth/logout')
      .set(mine.auth)
      .set('Cookie', cookie)
      .send({})
      .expect(204);
    expect(cookieLine(out, 'reloop_refresh')).toBeUndefined();
    await t.http.get('/api/v1/me').set(mine.auth).expect(401);
    await t.http.post('/api/v1/auth/refresh').set('Cookie', cookie).send({}).expect(200);
  });

  it('logs out an API client: refresh token revoked, its access token refused at once', async () => {
    const user = await t.user('customer');
    const s = await login(t, user.email);
    const kept = await login(t, user.email);
    await t.http.post('/api/v1/auth/logout').send({ refreshToken: s.refreshToken }).expect(204);
    await t.http.get('/api/v1/me').set(s.auth).expect(401);
    await t.http.post('/api/v1/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
    await t.http.get('/api/v1/me').set(kept.auth).expect(200);
    // With only the access token (e.g. a lost refresh token): its session ends too.
    await t.http.post('/api/v1/auth/logout').set(kept.auth).send({}).expect(204);
    await t.http.get('/api/v1/me').set(kept.auth).expect(401);
    await t.http.post('/api/v1/auth/refresh').send({ refreshToken: kept.refreshToken }).expect(401);
  });

  it('changes the password: other sessions end, this one goes on', async () => {
    const user = await t.user('technician');
    const here = await login(t, user.email);
    const elsewhere = await login(t, user.email);

    const wrong = await t.http
      .post('/api/v1/me/password')
      .set(here.auth)
      .send({ currentPassword: 'not my password', newPassword: 'a new long password' })
      .expect(400);
    expect(JSON.stringify(wrong.body)).toContain('currentPassword');
    await t.http
      .post('/api/v1/me/password')
      .set(here.auth)
      .send({ currentPassword: PASSWORD, newPassword: 'short' })
      .expect(400);

    const changed = await t.http
      .post('/api/v1/me/password')
      .set(here.auth)
      .send({ currentPassword: PASSWORD, newPassword: 'a new long password' })
      .expect(200);
    // The old access token of this session is replaced by the one returned.
    await t.http.get('/api/v1/me').set(here.auth).expect(401);
    await t.http.get('/api/v1/me').set(bearer(changed.body.accessToken)).expect(200);
    const renewed = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: here.refreshToken })
      .expect(200);
    await t.http.get('/api/v1/me').set(bearer(renewed.body.accessToken)).expect(200);
    // The other device is out.
    await t.http.get('/api/v1/me').set(elsewhere.auth).expect(401);
    await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: elsewhere.refreshToken })
      .expect(401);
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: PASSWORD })
      .expect(401);
    await login(t, user.email, 'a new long password');
  });

  it('disables a user: their still-valid access token is refused at once; enabling lets them back', async () => {
    const admin = await t.user('admin');
    const user = await t.user('merchant');
    const s = await login(t, user.email);
    // The token works (and its state is now cached).
    await t.http.get('/api/v1/me').set(s.auth).expect(200);
    await t.http.get('/api/v1/me').set(user.auth).expect(200);

    await t.http.post(`/api/v1/users/${user.id}/disable`).set(user.auth).expect(403);
    const disabled = await t.http
      .post(`/api/v1/users/${user.id}/disable`)
      .set(admin.auth)
      .expect(200);
    expect(disabled.body).toMatchObject({ id: user.id, disabled: true });

    await t.http.get('/api/v1/me').set(s.auth).expect(401);
    await t.http.get('/api/v1/me').set(user.auth).expect(401);
    await t.http.get(`/api/v1/users/${user.id}`).set(user.auth).expect(401);
    await t.http.post('/api/v1/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: PASSWORD })
      .expect(401);

    const enabled = await t.http
      .post(`/api/v1/users/${user.id}/enable`)
      .set(admin.auth)
      .expect(200);
    expect(enabled.body.disabled).toBe(false);
    // Old tokens stay dead; a new login works.
    await t.http.get('/api/v1/me').set(s.auth).expect(401);
    const back = await login(t, user.email);
    await t.http.get('/api/v1/me').set(back.auth).expect(200);
  });

  it('refuses to disable oneself (409) and an unknown user (404)', async () => {
    const admin = await t.user('admin');
    await t.http.post(`/api/v1/users/${admin.id}/disable`).set(admin.auth).expect(409);
    await t.http
      .post('/api/v1/users/00000000-0000-4000-8000-000000000000/disable')
      .set(admin.auth)
      .expect(404);
    await t.http.post('/api/v1/users/not-a-uuid/enable').set(admin.auth).expect(400);
  });

  describe('password reset by a one-time code', () => {
    const latestCode = async (user: TestUser) =>
      eventually(async () => {
        const rows = await t.dataSource.query<{ params: { code: string } }[]>(
          `SELECT params FROM owner_notifications
            WHERE user_id = $1 AND template = 'password-reset-code'
            ORDER BY created_at DESC LIMIT 1`,
          [user.id],
        );
        return rows[0]?.params.code;
      });

    it('gives the same answer whether or not the account exists', async () => {
      const user = await t.user('customer');
      const known = await t.http
        .post('/api/v1/auth/password-reset/request')
        .send({ email: user.email })
        .expect(202);
      const unknown = await t.http
        .post('/api/v1/auth/password-reset/request')
        .send({ email: 'nobody-here@test.reloop' })
        .expect(202);
      expect(unknown.body).toEqual(known.body);
      const wrongUnknown = await t.http
        .post('/api/v1/auth/password-reset/confirm')
        .send({
          email: 'nobody-here@test.reloop',
          code: '12345678',
          newPassword: 'whatever long pw',
        })
        .expect(400);
      const code = await latestCode(user);
      const wrongKnown = await t.http
        .post('/api/v1/auth/password-reset/confirm')
        .send({
          email: user.email,
          code: code === '00000000' ? '00000001' : '00000000',
          newPassword: 'whatever long pw',
        })
        .expect(400);
      expect(wrongKnown.body).toEqual(wrongUnknown.body);
    });

    it('sets a new password with the code sent through the notification channel, once', async () => {
      const user = await t.user('courier');
      const s = await login(t, user.email);
      await t.http
        .post('/api/v1/auth/password-reset/request')
        .send({ email: user.email.toUpperCase() })
        .expect(202);
      const code = await latestCode(user);
      expect(code).toMatch(/^\d{8}$/);
      // Stored only as a hash.
      const stored = await t.dataSource.query<{ code_hash: string }[]>(
        'SELECT code_hash FROM password_reset_codes WHERE user_id = $1',
        [user.id],
      );
      expect(stored[0].code_hash).not.toContain(code);

      await t.http
        .post('/api/v1/auth/password-reset/confirm')
        .send({ email: user.email, code, newPassword: 'reset long password' })
        .expect(204);
      // Every session ended; the old password is gone; the code cannot be used twice.
      await t.http.get('/api/v1/me').set(s.auth).expect(401);
      await t.http.post('/api/v1/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
      await t.http
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: PASSWORD })
        .expect(401);
      await login(t, user.email, 'reset long password');
      await t.http
        .post('/api/v1/auth/password-reset/confirm')
        .send({ email: user.email, code, newPassword: 'another long password' })
        .expect(400);
    });

    it('allows five tries per code, and codes expire', async () => {
      const user = await t.user('customer');
      await t.http
        .post('/api/v1/auth/password-reset/request')
        .send({ email: user.email })
        .expect(202);
      const code = await latestCode(user);
      const wrong = code === '99999999' ? '99999998' : '99999999';
      for (let i = 0; i < 5; i++) {
        await t.http
          .post('/api/v1/auth/password-reset/confirm')
          .send({ email: user.email, code: wrong, newPassword: 'guessing long pw' })
          .expect(400);
      }
      // The right code is now refused too: the tries are used up.
      await t.http
        .post('/api/v1/auth/password-reset/confirm')
        .send({ email: user.email, code, newPassword: 'guessing long pw' })
        .expect(400);

      // A new code, expired before use.
      await t.http
        .post('/api/v1/auth/password-reset/request')
        .send({ email: user.email })
        .expect(202);
      const second = await eventually(async () => {
        const c = await latestCode(user);
        return c !== code ? c : null;
      });
      await t.dataSource.query(
        "UPDATE password_reset_codes SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND used_at IS NULL",
        [user.id],
      );
      await t.http
        .post('/api/v1/auth/password-reset/confirm')
        .send({ email: user.email, code: second, newPassword: 'guessing long pw' })
        .expect(400);
      await t.http
        .post('/api/v1/auth/password-reset/confirm')
        .send({ email: user.email, code: 'abc', newPassword: 'guessing long pw' })
        .expect(400);
      await login(t, user.email);
    });
  });

  describe('queue dashboard', () => {
    it('opens with a one-time ticket exchanged for a path-scoped httpOnly cookie', async () => {
      const admin = await t.user('admin');
      const customer = await t.user('customer');
      await t.http.post('/api/v1/queue-dashboard/tickets').set(customer.auth).expect(403);
      await t.http.post('/api/v1/queue-dashboard/tickets').expect(401);
      const ticket = await t.http
        .post('/api/v1/queue-dashboard/tickets')
        .set(admin.auth)
        .expect(201);
      expect(ticket.body.url).toMatch(/^\/admin\/queues\?ticket=[\w-]{20,}$/);
      expect(ticket.body.url).not.toContain(admin.token);

      const opened = await t.http.get(ticket.body.url).expect(303);
      expect(opened.headers.location).toBe('/admin/queues');
      const line = cookieLine(opened, 'reloop_board');
      expect(line).toMatch(/; Path=\/admin\/queues; Max-Age=3600; HttpOnly; SameSite=Strict$/);
      await t.http.get('/admin/queues').set('Cookie', cookieValue(line)!).expect(200);
      await t.http.get('/admin/queues/api/queues').set('Cookie', cookieValue(line)!).expect(200);
      // One use only.
      await t.http.get(ticket.body.url).expect(401);
      // A bearer token in the URL is not accepted any more.
      await t.http.get(`/admin/queues?token=${admin.token}`).expect(401);
      await t.http.get('/admin/queues').set('Cookie', `reloop_board=${admin.token}`).expect(401);
    });

    it('stops a disabled admin’s dashboard cookie', async () => {
      const admin = await t.user('admin');
      const other = await t.user('admin');
      const ticket = await t.http
        .post('/api/v1/queue-dashboard/tickets')
        .set(other.auth)
        .expect(201);
      const line = cookieLine(await t.http.get(ticket.body.url).expect(303), 'reloop_board');
      await t.http.get('/admin/queues').set('Cookie', cookieValue(line)!).expect(200);
      await t.http.post(`/api/v1/users/${other.id}/disable`).set(admin.auth).expect(200);
      await t.http.get('/admin/queues').set('Cookie', cookieValue(line)!).expect(401);
      await t.http.get('/admin/queues').set(other.auth).expect(401);
    });
  });
});

describe('login throttling behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      TRUST_PROXY: 'loopback',
      LOGIN_RATE_LIMIT_PER_MINUTE: '10',
      LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: '5',
    });
  });
  afterAll(() => t.close());

  it('throttles ten wrong logins from ten different X-Forwarded-For addresses (per account)', async () => {
    const user = await t.user('customer');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await t.http
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', `198.51.100.${i + 1}`)
        .send({ email: i % 2 ? user.email.toUpperCase() : user.email, password: `wrong ${i}` });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429, 429, 429]);
    // Even the right password from yet another address waits.
    await t.http
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '198.51.100.99')
      .send({ email: user.email, password: PASSWORD })
      .expect(429);
    // Another account from the same addresses is not affected.
    const other = await t.user('customer');
    await t.http
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '198.51.100.1')
      .send({ email: other.email, password: PASSWORD })
      .expect(200);
    // The reset code check shares the account's budget.
    await t.http
      .post('/api/v1/auth/password-reset/confirm')
      .set('X-Forwarded-For', '198.51.100.100')
      .send({ email: user.email, code: '12345678', newPassword: 'whatever long pw' })
      .expect(429);
  });

  it('marks the session cookie Secure when the trusted proxy says the request was https', async () => {
    const user = await t.user('warehouse');
    const res = await t.http
      .post('/api/v1/auth/login')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-For', '198.51.100.200')
      .send({ email: user.email, password: PASSWORD, refreshIn: 'cookie' })
      .expect(200);
    expect(cookieLine(res, 'reloop_refresh')).toMatch(/HttpOnly; SameSite=Strict; Secure$/);
  });
});

describe('login throttling with no trusted proxy (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      LOGIN_RATE_LIMIT_PER_MINUTE: '4',
      LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: '100',
    });
  });
  afterAll(() => t.close());

  it('ignores X-Forwarded-For and -Proto: rotating them does not reset the per-address limit', async () => {
    // A forged X-Forwarded-Proto does not make the cookie Secure-only (nor anything else).
    const user = await t.user('customer');
    const first = await t.http
      .post('/api/v1/auth/login')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-For', '203.0.113.250')
      .send({ email: user.email, password: PASSWORD, refreshIn: 'cookie' })
      .expect(200);
    expect(cookieLine(first, 'reloop_refresh')).not.toMatch(/Secure/);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await t.http
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', `203.0.113.${i + 1}`)
        .send({ email: `someone-${i}@test.reloop`, password: 'guess guess' });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3).every((s) => s === 429)).toBe(true);
  });
});
