import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { UserRole } from '../../src/core/actor.js';
import { catalogue, type ConsoleRig, startConsoleRig } from '../support/browser.js';
import { loadReferenceData, SHANGHAI } from '../support/http-journey.js';

jest.setTimeout(60_000);

describe('console: sign-in and admin (browser)', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig();
    // Catalog and service areas: the organisation form picks its city by name from them.
    await loadReferenceData(rig.t);
  });
  afterAll(() => rig?.close());

  it('serves the console and its public pages from the platform', async () => {
    for (const path of ['/console/', '/console/courier', '/t/NOPE1234', '/market']) {
      const res = await fetch(rig.base + path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('refuses a wrong password with a clear message and keeps the e-mail typed', async () => {
    const user = await rig.t.user('warehouse');
    const page = await rig.page();
    await page.goto(`${rig.base}/console/`);
    await page.waitForURL('**/console/login');
    await page.getByLabel('Mobile number or e-mail').fill(user.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(/Not signed in/);
    expect(await page.getByLabel('Mobile number or e-mail').inputValue()).toBe(user.email);
    await rig.screenshot(page, 'login-refused');
    await page.close();
  });

  const landings: Array<[UserRole, RegExp, string]> = [
    ['admin', /\/console\/admin\/organisations$/, 'Organisations'],
    ['warehouse', /\/console\/warehouse\/receiving$/, 'Receiving'],
    ['courier', /\/console\/courier$/, 'My pickups'],
    ['support', /\/console\/support$/, 'Search'],
    ['customer', /\/console\/my\/trade-ins$/, 'My trade-ins'],
  ];
  it.each(landings)('a %s logs in once and lands on their own work', async (role, url, heading) => {
    const user = await rig.t.user(role);
    const page = await rig.login(user, { phone: role === 'courier' });
    expect(page.url()).toMatch(url);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await rig.screenshot(page, `landing-${role}`);
    // The session survives a reload (token in sessionStorage), and logging out ends it.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/console/login');
    await page.goto(`${rig.base}${new URL(page.url()).pathname.replace('/login', '/admin/users')}`);
    await page.waitForURL('**/console/login');
    await page.close();
  });

  it('a seller with trade-ins sees each one with its items (the list once blanked the console)', async () => {
    const [model] = await rig.t.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM product_models WHERE code = 'apple-iphone-15-128'`,
    );
    const owner = await rig.t.user('customer');
    for (const imei of ['356938035643809', '490154203237518']) {
      await rig.t.http
        .post('/api/v1/trade-ins')
        .set(owner.auth)
        .send({
          channel: 'online',
          address: SHANGHAI,
          items: [
            {
              productModelId: model.id,
              declaredCondition: { condition: 'good', powersOn: true },
              imei,
            },
          ],
        })
        .expect(201);
    }
    const page = await rig.login(owner);
    await page.getByRole('heading', { level: 1, name: 'My trade-ins' }).waitFor();
    await page.locator('li.card li').nth(1).waitFor();
    expect(await page.locator('li.card li').count()).toBe(2);
    // The menu is still there: the screen drew instead of blanking the console.
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.getByText('This screen could not be shown').count()).toBe(0);
    await rig.screenshot(page, 'customer-trade-ins');
    await page.close();
  });

  it('an admin creates an organisation; a rejected form keeps what was typed', async () => {
    const admin = await rig.t.user('admin');
    const page = await rig.login(admin);
    const form = page.getByRole('form', { name: 'New organisation' });
    await form.getByLabel('Kind').selectOption('merchant');
    await form.getByLabel('City').selectOption({ label: 'Shanghai' });
    await form.getByRole('button', { name: 'Create organisation' }).click();
    // The API refuses the empty name: the error sits next to the field, nothing typed is lost.
    await form.locator('.field.invalid', { hasText: 'Name' }).waitFor();
    expect(await form.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByLabel('City').inputValue()).toBe('310100');
    expect(await form.getByLabel('Kind').inputValue()).toBe('merchant');
    await rig.screenshot(page, 'admin-organisation-rejected');

    await form.getByLabel('Name').fill('Green Phones Ltd');
    await form.getByRole('button', { name: 'Create organisation' }).click();
    await form.getByText('Created Green Phones Ltd.').waitFor();
    await page.getByRole('cell', { name: 'Green Phones Ltd' }).waitFor();
    const rows = await rig.t.dataSource.query<Array<{ kind: string; city_code: string }>>(
      `SELECT kind, city_code FROM organisations WHERE name = 'Green Phones Ltd'`,
    );
    expect(rows).toEqual([{ kind: 'merchant', city_code: '310100' }]);
    await rig.screenshot(page, 'admin-organisation-created');
    await page.close();
  });

  it('switches between Chinese and English, keeps the choice, and shows yuan and Beijing time', async () => {
    const zh = catalogue('zh-CN');
    const en = catalogue('en');
    const admin = await rig.t.user('admin');
    // An organisation made just before midnight UTC: already the next day in Shanghai.
    const org = await rig.t.http
      .post('/api/v1/organisations')
      .set(admin.auth)
      .send({ kind: 'merchant', name: '时区测试商家', cityCode: '310100' })
      .expect(201);
    await rig.t.dataSource.query(
      `UPDATE organisations SET created_at = '2026-05-03T22:30:00Z' WHERE id = $1`,
      [org.body.id],
    );

    const page = await rig.login(admin, { lang: 'zh-CN' });
    await page.getByRole('heading', { level: 1, name: zh('screens.organisations') }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    const row = page.getByRole('row', { name: /时区测试商家/ });
    // 22:30 UTC is 06:30 the next morning, Beijing time; the city by its name.
    await row.getByRole('cell', { name: '2026年5月4日 06:30' }).waitFor();
    await row.getByRole('cell', { name: '上海' }).waitFor();

    // Money from fen to yuan with the mainland's separators (launch prices of the catalog).
    await page.getByRole('link', { name: zh('screens.catalog') }).click();
    await page.getByLabel(zh('catalog.searchModels')).fill('iPhone 15');
    const price = page.getByRole('cell', { name: /^¥\d{1,3}(,\d{3})+\.\d{2}$/ }).first();
    await price.waitFor();
    await rig.screenshot(page, 'language-zh');

    // English, and it stays English after a reload (kept in this browser).
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: en('screens.catalog') }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: en('screens.catalog') }).waitFor();
    await page.getByRole('link', { name: en('screens.organisations') }).click();
    const rowEn = page.getByRole('row', { name: /时区测试商家/ });
    await rowEn.getByRole('cell', { name: '4 May 2026, 06:30' }).waitFor();
    await rowEn.getByRole('cell', { name: 'Shanghai' }).waitFor();
    await rig.screenshot(page, 'language-en');

    // And back to Chinese.
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { level: 1, name: zh('screens.organisations') }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.close();
  });

  it('translates an API error from its stable code, with the server’s words as a detail', async () => {
    const zh = catalogue('zh-CN');
    const user = await rig.t.user('warehouse');
    const page = await rig.page({ lang: 'zh-CN' });
    await page.goto(`${rig.base}/console/login`);
    await page.getByLabel(zh('login.account')).fill(user.email);
    await page.getByLabel(zh('login.password')).fill('not the password');
    await page.getByRole('button', { name: zh('login.submit') }).click();
    const alert = page.getByRole('alert');
    await alert.getByText(zh('errors.title.not_signed_in')).waitFor();
    await alert.getByText(zh('errors.message.not_signed_in')).waitFor();
    await alert.getByText(zh('errors.details')).waitFor();
    await rig.screenshot(page, 'login-refused-zh');
    await page.close();
  });
});
