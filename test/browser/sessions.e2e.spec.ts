import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import {
  catalogue,
  type ConsoleLanguage,
  type ConsoleRig,
  startConsoleRig,
} from '../support/browser.js';
import { eventually } from '../support/test-app.js';

jest.setTimeout(60_000);

/** What the page functions below use of the browser (this file is compiled without the DOM). */
interface PageGlobals {
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, v: string): void };
  document: { cookie: string };
}

describe('console: sessions that last a shift (browser)', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig();
  });
  afterAll(() => rig?.close());

  it('renews an expired access token silently from the httpOnly cookie', async () => {
    const admin = await rig.t.user('admin');
    const page = await rig.login(admin);
    // The refresh token is out of the scripts' reach.
    const cookies = await rig.browser.cookies(rig.base + '/api/v1/auth/refresh');
    const refresh = cookies.find((c) => c.name === 'reloop_refresh');
    expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
    expect(
      await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie),
    ).not.toContain('reloop_refresh');

    // Fifteen minutes later: the tab's access token has expired.
    const { secret, issuer, audience } = rig.t.config.jwt;
    const now = Math.floor(Date.now() / 1000);
    const expired = new JwtService({ secret }).sign(
      { sub: admin.id, role: 'admin', org: null, ver: 0, iat: now - 1000, exp: now - 10 },
      { algorithm: 'HS256', issuer, audience },
    );
    await page.evaluate(
      (token) =>
        (globalThis as unknown as PageGlobals).sessionStorage.setItem('reloop.token', token),
      expired,
    );
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByRole('cell', { name: admin.email }).waitFor();
    const renewed = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).sessionStorage.getItem('reloop.token'),
    );
    expect(renewed).not.toBe(expired);
    expect(page.url()).not.toContain('/login');
    await page.close();
  });

  it('changes the password from the account page, and logging out ends the session', async () => {
    const user = await rig.t.user('warehouse');
    const page = await rig.login(user);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByLabel('Current password').fill('correct horse battery');
    await page.getByLabel('New password', { exact: true }).fill('a brand new password');
    await page.getByLabel('New password again').fill('a brand new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed.').waitFor();
    // Still signed in with the token the change returned.
    await page.getByRole('link', { name: 'Receiving' }).click();
    await page.getByRole('heading', { level: 1, name: 'Receiving' }).waitFor();
    const token = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).sessionStorage.getItem('reloop.token'),
    );

    // Logging out does not wait for the server's answer; the test does, before asking the API.
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/logout')),
      page.getByRole('button', { name: 'Log out' }).click(),
    ]);
    await page.waitForURL('**/console/login');
    // The server ended the session: the old access token is refused at once.
    const res = await rig.t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    await page.close();
  });

  it.each<ConsoleLanguage>(['zh-CN', 'en'])(
    'resets a forgotten password with a code from the login page (%s, on a phone)',
    async (lang) => {
      const say = catalogue(lang);
      const user = await rig.t.user('customer');
      const page = await rig.page({ lang, phone: true });
      await page.goto(`${rig.base}/console/login`);
      await page.getByRole('link', { name: say('login.forgot') }).click();
      await page.getByLabel(say('reset.account')).fill(user.email);
      await page.getByRole('button', { name: say('reset.send') }).click();
      await page.getByText(say('reset.sent', { account: user.email })).waitFor();
      const code = await eventually(async () => {
        const rows = await rig.t.dataSource.query<{ params: { code: string } }[]>(
          `SELECT params FROM owner_notifications
            WHERE user_id = $1 AND template = 'password-reset-code'`,
          [user.id],
        );
        return rows[0]?.params.code;
      });

      // A mistyped code is said beside the field, in the reader's words; nothing changes.
      await page.getByLabel(say('reset.code')).fill(code === '00000000' ? '00000001' : '00000000');
      await page.getByLabel(say('account.new'), { exact: true }).fill('a brand new password');
      await page.getByLabel(say('account.repeat')).fill('a brand new password');
      await page.getByRole('button', { name: say('reset.submit') }).click();
      await page.getByText(say('errors.field.codeWrong')).first().waitFor();

      await page.getByLabel(say('reset.code')).fill(code);
      await page.getByRole('button', { name: say('reset.submit') }).click();
      await page.getByText(say('login.passwordReset')).waitFor();
      await page.getByLabel(say('login.account')).fill(user.email);
      await page.getByLabel(say('login.password')).fill('a brand new password');
      await page.getByRole('button', { name: say('login.submit') }).click();
      await page.getByRole('button', { name: say('layout.logout') }).waitFor();
      await rig.screenshot(page, `password-reset-${lang}`);
      await page.close();
    },
  );

  it('opens the queue dashboard with a ticket, not a token in the URL', async () => {
    const admin = await rig.t.user('admin');
    const page = await rig.login(admin);
    await page.getByRole('link', { name: 'Queues' }).click();
    const [board] = await Promise.all([
      page.waitForEvent('popup'),
      page.getByRole('button', { name: 'Open the queue dashboard' }).click(),
    ]);
    await board.waitForURL(/\/admin\/queues$/);
    await board.waitForLoadState();
    expect(board.url()).not.toContain('token');
    expect(board.url()).not.toContain('ticket');
    const title = await board.title();
    expect(title).toMatch(/Reloop queues|bull/i);
    await board.close();
    await page.close();
  });
});
