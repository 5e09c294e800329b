import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { catalogSeed } from '../../src/catalog/catalog.seed.js';
import type { SeedContext } from '../../src/seed/seed-context.js';
import { serviceAreasSeed } from '../../src/service-areas/service-areas.seed.js';
import { ValuationRefitService } from '../../src/valuation/valuation-refit.service.js';
import { seedMarketSales } from '../../src/valuation/valuation.seed.js';
import { ValuationService } from '../../src/valuation/valuation.service.js';
import {
  catalogue,
  type ConsoleLanguage,
  type ConsoleRig,
  exactly,
  startConsoleRig,
} from '../support/browser.js';
import { eventually } from '../support/test-app.js';

jest.setTimeout(120_000);

/**
 * Issue 22 point 2 in the browser, on a phone-sized page: a seller signs up with a mobile
 * number, sells a phone (category → model by search → condition → address → quote, read step
 * by step → accept with a pickup window they choose) and finds the order with the courier's
 * window. In Chinese (the default) and, more briefly, in English. Set up through the API: the
 * catalog, the service areas, market sales for the valuation, a warehouse.
 */
describe('console: a seller sells a phone on a phone (browser)', () => {
  let rig: ConsoleRig;

  beforeAll(async () => {
    rig = await startConsoleRig();
    const { t } = rig;
    const ctx: SeedContext = {
      app: t.app,
      dataSource: t.dataSource,
      organisations: {},
      users: {},
      log: () => undefined,
    };
    await catalogSeed.run(ctx);
    await serviceAreasSeed.run(ctx);
    await seedMarketSales(t.dataSource, t.app.get(ValuationService), { seed: 7, salesCount: 600 });
    await t.app.get(ValuationRefitService).refit('seed');
    const admin = await t.user('admin');
    await t.http
      .post('/api/v1/organisations')
      .set(admin.auth)
      .send({ kind: 'warehouse', name: 'Shanghai Minhang warehouse', cityCode: '310100' })
      .expect(201);
  }, 180_000);
  afterAll(() => rig?.close());

  /** The whole path in `lang`; returns the page on the seller's orders and the chosen window. */
  async function sellAPhone(lang: ConsoleLanguage, mobile: string, shots: string) {
    const say = catalogue(lang);
    const page: Page = await rig.page({ phone: true, lang });

    // Sign up from the login page, with the number written as people write it.
    await page.goto(`${rig.base}/console/login`);
    await page.getByRole('link', { name: say('login.signUp') }).click();
    await page.getByRole('heading', { name: say('signup.title') }).waitFor();
    await page.getByLabel(say('signup.phone')).fill(mobile);
    await page.getByLabel(say('signup.name')).fill(lang === 'en' ? 'Fang Wang' : '王芳');
    await page.getByLabel(say('signup.password'), { exact: true }).fill('long enough pw');
    await rig.screenshot(page, `${shots}-1-sign-up`);
    await page.getByRole('button', { name: say('signup.submit') }).click();

    // Signed in, on "Sell": what it is.
    await page.getByRole('heading', { name: say('screens.sell') }).waitFor();
    await page.getByRole('button', { name: say('layout.logout') }).waitFor();
    await page
      .getByRole('button', { name: exactly(lang === 'en' ? 'Smartphones' : '智能手机') })
      .click();

    // Which model: searched.
    await page.getByLabel(say('sell.search')).fill('iPhone 15');
    await page.getByRole('button', { name: 'Apple iPhone 15 128GB', exact: true }).click();

    // Its condition, in answers a person can give.
    const details = page.getByRole('form', { name: say('sell.detailsTitle') });
    await details.getByLabel(say('sell.condition')).selectOption('good');
    const answer = async (question: string, yes: boolean) =>
      details
        .getByRole('radiogroup', { name: say(`sell.questions.${question}`) })
        .getByRole('radio', { name: say(yes ? 'common.yes' : 'common.no') })
        .check();
    await answer('powersOn', true);
    await answer('functional', true);
    await answer('screenCracked', false);
    await answer('waterDamage', false);
    // Where: the contact is filled from the account; the city and district are chosen by name.
    expect(await details.getByLabel(say('checkout.phone')).inputValue()).toMatch(/^\+861/);
    await details.getByLabel(say('places.city')).selectOption('310100');
    await details.getByLabel(say('places.district')).selectOption('310104');
    await details
      .getByLabel(say('checkout.line1'))
      .fill(lang === 'en' ? 'No. 1 Hongqiao Rd' : '虹桥路1号');
    await rig.screenshot(page, `${shots}-2-condition`);
    await details.getByRole('button', { name: say('sell.getQuote') }).click();

    // The quote, step by step from the price when new; what lowered it is marked.
    await page.getByRole('heading', { name: say('sell.quoteTitle') }).waitFor({ timeout: 30_000 });
    const lines = page.getByRole('list', { name: say('sell.howPriced') });
    await lines.getByText(say('sell.lines.launch-price')).waitFor();
    await lines.getByText(say('sell.lines.age-depreciation')).waitFor();
    expect(await lines.locator('li.lowered').count()).toBeGreaterThan(0);
    expect(await page.locator('.quote-total').textContent()).toMatch(/^¥[\d,]+\.\d\d$/);

    // The free windows of the area, by day; the seller takes the second one offered.
    const windows = page.getByRole('group', { name: say('sell.windowTitle') });
    const radios = windows.getByRole('radio');
    await radios.first().waitFor();
    expect(await radios.count()).toBeGreaterThan(2);
    const choice = radios.nth(1);
    const [date, index] = ((await choice.getAttribute('value')) ?? '').split('#');
    const [, from, until] =
      /(\d\d:\d\d)–(\d\d:\d\d)/.exec((await choice.locator('xpath=..').textContent()) ?? '') ?? [];
    expect(from).toBeDefined();
    await choice.check();
    await rig.screenshot(page, `${shots}-3-quote-and-window`);
    await page.getByRole('button', { name: say('sell.accept') }).click();

    // Their orders: accepted, booked into the window they chose.
    await page.getByRole('heading', { name: say('screens.myTradeIns') }).waitFor();
    await page
      .getByText(exactly(say('states.ACCEPTED')))
      .first()
      .waitFor();
    const booked = await eventually(async () => {
      const rows = await rig.t.dataSource.query<Array<{ d: string; w: number }>>(
        `SELECT to_char(p.promised_date, 'YYYY-MM-DD') AS d, p.window_index AS w
           FROM pickups p JOIN users u ON u.id = p.customer_id
          WHERE u.login_phone = $1`,
        [`+86${mobile.replace(/\D/g, '').slice(-11)}`],
      );
      return rows[0] ?? null;
    }, 30_000);
    expect(booked).toEqual({ d: date, w: Number(index) });
    // The order names the courier's window once logistics has booked it.
    const told = await eventually(async () => {
      await page.reload();
      await page.getByRole('heading', { name: say('screens.myTradeIns') }).waitFor();
      const line = page.getByText(say.pattern('tradeIns.pickupWindow'));
      return (await line.count()) > 0 ? await line.first().textContent() : null;
    }, 30_000);
    expect(told).toContain(from);
    expect(told).toContain(until);
    // Nothing overflows the phone's width.
    const overflow = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
          .document.documentElement.scrollWidth,
    );
    expect(overflow).toBeLessThanOrEqual(390);
    await rig.screenshot(page, `${shots}-4-order`);
    return page;
  }

  it('in Chinese: signs up with a phone number, sells a phone and picks the pickup window', async () => {
    const page = await sellAPhone('zh-CN', '138 1234 5678', 'seller-zh');
    await page.close();
  });

  it('in English, the same path', async () => {
    const page = await sellAPhone('en', '+86 139-8765-4321', 'seller-en');
    await page.close();
  });
});
