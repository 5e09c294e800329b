import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { catalogue, type ConsoleRig, startConsoleRig } from '../support/browser.js';
import { writeTradeBill } from '../support/wechat-trade-bill.js';
import { WeChatPayStandIn } from '../support/wechatpay-standin.js';

const LANG = 'zh-CN';
const say = catalogue(LANG);
const zh = { lang: LANG } as const;

jest.setTimeout(120_000);

const chinaDay = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);

/** Issue 23 in the console: the admin's day of reconciliation, the merchant's settlements. */
describe('console: reconciliation and settlements (browser)', () => {
  let wx: WeChatPayStandIn;
  let rig: ConsoleRig;
  beforeAll(async () => {
    wx = await new WeChatPayStandIn().start();
    rig = await startConsoleRig(wx.env());
  });
  afterAll(async () => {
    await rig?.close();
    await wx?.stop();
  });

  it('an admin reconciles a day from the statement file and sees the line missing on our side', async () => {
    const day = chinaDay(Date.now() - 2 * 86_400_000);
    const stranger = randomUUID().replace(/-/g, '');
    const bill = writeTradeBill([
      {
        kind: 'payment',
        time: `${day} 21:30:00`,
        outTradeNo: stranger,
        transactionId: '4200000999202605010000000999',
        amountMinor: 12_300,
      },
    ]);
    const admin = await rig.t.user('admin');
    const page = await rig.login(admin, zh);
    await page.getByRole('link', { name: say('screens.reconciliation') }).click();
    await page.getByRole('heading', { level: 1, name: say('screens.reconciliation') }).waitFor();
    const form = page.getByRole('form', { name: say('reconciliation.run') });
    await form.getByLabel(say('reconciliation.day')).fill(day);
    await form.getByLabel(say('reconciliation.file')).setInputFiles({
      name: `wechatpay-${day}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(bill),
    });
    await form.getByText(`wechatpay-${day}.csv`).waitFor();
    await form.getByRole('button', { name: say('reconciliation.run') }).click();
    // The new run opens its report at once, mismatches first.
    const report = page.getByRole('heading', { name: say('reconciliation.report', { day }) });
    await report.waitFor();
    const line = page.getByRole('row', { name: new RegExp(stranger) });
    await line.waitFor();
    expect(await line.textContent()).toContain(say('reconciliation.status.missing-ours'));
    expect(await line.textContent()).toContain('¥123.00');
    const run = page.getByRole('row', { name: new RegExp(day) }).first();
    expect(await run.textContent()).toContain('wechatpay');
    await rig.screenshot(page, 'reconciliation');
    await page.close();
  });

  it('an admin sets a merchant’s commission and issues a statement; the merchant downloads it', async () => {
    const merchantOrg = await rig.t.organisation('merchant');
    const [name] = await rig.t.dataSource.query<Array<{ name: string }>>(
      'SELECT name FROM organisations WHERE id = $1',
      [merchantOrg],
    );
    const admin = await rig.t.user('admin');
    const page = await rig.login(admin, zh);
    await page.getByRole('link', { name: say('screens.settlements') }).click();
    await page.getByLabel(say('settlements.merchant')).selectOption({ label: name.name });
    const rule = page.getByRole('form', { name: say('settlements.setRule') });
    await rule.getByLabel(say('settlements.percent')).fill('8');
    await rule.getByLabel(say('settlements.fixed')).fill('1.5');
    await rule.getByRole('button', { name: say('settlements.setRule') }).click();
    await page.getByText(say('settlements.ruleText', { percent: '8', fixed: '¥1.50' })).waitFor();
    const day = chinaDay(Date.now() - 3 * 86_400_000);
    const issue = page.getByRole('form', { name: say('settlements.issue') });
    await issue.getByLabel(say('settlements.from')).fill(day);
    await issue.getByLabel(say('settlements.to')).fill(day);
    await issue.getByRole('button', { name: say('settlements.issue') }).click();
    // Irreversible: the console asks first.
    await page.getByRole('button', { name: say('common.confirm') }).click();
    const row = page.getByRole('row', {
      name: new RegExp(say('settlements.periodText', { from: day, to: day })),
    });
    await row.waitFor();
    await rig.screenshot(page, 'settlements-admin');
    await page.close();

    const merchant = await rig.t.user('merchant', { organisationId: merchantOrg });
    const mine = await rig.login(merchant, zh);
    await mine.getByRole('link', { name: say('screens.settlements') }).click();
    await mine.getByText(say('settlements.ruleText', { percent: '8', fixed: '¥1.50' })).waitFor();
    const statement = mine.getByRole('row', {
      name: new RegExp(say('settlements.periodText', { from: day, to: day })),
    });
    await statement.waitFor();
    const [download] = await Promise.all([
      mine.waitForEvent('download'),
      statement.getByRole('button', { name: say('settlements.csv') }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^statement_id,merchant_id,period_from,period_to/);
    expect(csv).toContain(`${merchantOrg},${day},${day},CNY,0,`);
    await rig.screenshot(mine, 'settlements-merchant');
    await mine.close();
  });
});
