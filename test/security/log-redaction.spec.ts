import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

const PASSWORD = 'correct horse battery';

function setCookieValue(res: { headers: Record<string, unknown> }, name: string): string {
  const raw = res.headers['set-cookie'];
  const lines = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  const line = lines.find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`no ${name} cookie`);
  return decodeURIComponent(line.split(';')[0].slice(name.length + 1));
}

/**
 * Runs requests carrying every kind of secret (bearer tokens, passwords, refresh tokens in
 * bodies and cookies, Set-Cookie answers, reset codes, dashboard tickets and cookies,
 * Idempotency-Key values), then reads the whole log of the run and looks for each of them.
 * This must be the first app of its file: nestjs-pino keeps one HTTP logger per process.
 */
describe('no secret in the logs', () => {
  let t: TestApp;
  let dir: string;
  let logFile: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reloop-log-'));
    logFile = join(dir, 'run.log');
    t = await createTestApp({ LOG_LEVEL: 'debug', LOG_FILE: logFile });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('redacts tokens, passwords, cookies, refresh tokens, reset codes and Idempotency-Keys', async () => {
    const secrets: Record<string, string> = {};
    const user = await t.user('admin');
    const key = (name: string) => (secrets[name] = `idem-${randomBytes(12).toString('hex')}`);

    // Login, the refresh token in a cookie (Set-Cookie in the answer).
    const cookieLogin = await t.http
      .post('/api/v1/auth/login')
      .set('Idempotency-Key', key('idempotency key on login'))
      .send({ email: user.email, password: PASSWORD, refreshIn: 'cookie' })
      .expect(200);
    secrets.password = PASSWORD;
    secrets['access token'] = cookieLogin.body.accessToken;
    secrets['refresh cookie'] = setCookieValue(cookieLogin, 'reloop_refresh');

    // Bearer header, and a token someone put in a query string.
    await t.http
      .get(`/api/v1/me?token=${cookieLogin.body.accessToken}`)
      .set('Authorization', `Bearer ${cookieLogin.body.accessToken}`)
      .expect(200);

    // Refresh with the cookie (Cookie header in, Set-Cookie out).
    const refreshed = await t.http
      .post('/api/v1/auth/refresh')
      .set('Cookie', `reloop_refresh=${secrets['refresh cookie']}`)
      .set('Idempotency-Key', key('idempotency key on refresh'))
      .send({})
      .expect(200);
    secrets['rotated refresh cookie'] = setCookieValue(refreshed, 'reloop_refresh');
    secrets['refreshed access token'] = refreshed.body.accessToken;

    // Refresh tokens in bodies.
    const bodyLogin = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: PASSWORD })
      .expect(200);
    secrets['body refresh token'] = bodyLogin.body.refreshToken;
    const bodyRefresh = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: bodyLogin.body.refreshToken })
      .expect(200);
    secrets['rotated body refresh token'] = bodyRefresh.body.refreshToken;

    // Password change (current and new passwords in the body).
    secrets['new password'] = `changed ${randomBytes(8).toString('hex')}`;
    const changed = await t.http
      .post('/api/v1/me/password')
      .set('Authorization', `Bearer ${bodyRefresh.body.accessToken}`)
      .set('Idempotency-Key', key('idempotency key on password change'))
      .send({ currentPassword: PASSWORD, newPassword: secrets['new password'] })
      .expect(200);
    secrets['access token after change'] = changed.body.accessToken;

    // Password reset: the code, and the password it sets.
    const customer = await t.user('customer');
    await t.http
      .post('/api/v1/auth/password-reset/request')
      .send({ email: customer.email })
      .expect(202);
    const code = await eventually(async () => {
      const rows = await t.dataSource.query<{ params: { code: string } }[]>(
        "SELECT params FROM owner_notifications WHERE user_id = $1 AND template = 'password-reset-code'",
        [customer.id],
      );
      return rows[0]?.params.code;
    });
    secrets['reset code'] = code;
    secrets['reset password'] = `reset ${randomBytes(8).toString('hex')}`;
    await t.http
      .post('/api/v1/auth/password-reset/confirm')
      .send({ email: customer.email, code, newPassword: secrets['reset password'] })
      .expect(204);

    // The queue dashboard: a ticket in the URL, then its cookie (mounted outside Nest).
    const ticket = await t.http
      .post('/api/v1/queue-dashboard/tickets')
      .set('Authorization', `Bearer ${changed.body.accessToken}`)
      .expect(201);
    secrets['dashboard ticket'] = String(ticket.body.url).split('ticket=')[1];
    const opened = await t.http.get(ticket.body.url).expect(303);
    secrets['dashboard cookie'] = setCookieValue(opened, 'reloop_board');
    await t.http
      .get('/admin/queues/api/queues')
      .set('Cookie', `reloop_board=${secrets['dashboard cookie']}`)
      .set('X-Request-Id', 'log-probe-dashboard')
      .expect(200);
    await t.http.get('/api/v1/me').set('X-Request-Id', 'log-probe-last').expect(401);

    const log = await eventually(() => {
      const text = readFileSync(logFile, 'utf8');
      return Promise.resolve(
        text.includes('log-probe-last') && text.includes('log-probe-dashboard') ? text : null,
      );
    });
    expect(Object.keys(secrets).length).toBeGreaterThanOrEqual(16);
    const leaked = Object.entries(secrets)
      .filter(([, value]) => log.includes(value))
      .map(([name]) => name);
    expect(leaked).toEqual([]);
    // The run was logged, the dashboard included, with the secrets' places censored.
    expect(log).toContain('/admin/queues/api/queues');
    expect(log).toContain('/admin/queues?ticket=[redacted]');
    expect(log).toContain('/api/v1/me?token=[redacted]');
    expect(log).toContain('"authorization":"[redacted]"');
    expect(log).toContain('"cookie":"[redacted]"');
    expect(log).toContain('"idempotency-key":"[redacted]"');
    expect(log).toContain('"set-cookie":"[redacted]"');
  });
});
