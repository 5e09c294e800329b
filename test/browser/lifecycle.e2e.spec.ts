import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { Clock } from '../../src/core/clock.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { type ConsoleRig, startConsoleRig } from '../support/browser.js';

jest.setTimeout(90_000);

/** Issue 19 in the console: the machines drawn for admins, the stuck-work queue for support. */
describe('console: state machines and stuck work (browser)', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig();
  });
  afterAll(() => rig?.close());

  it('an admin sees each state machine drawn, with its timeouts', async () => {
    const admin = await rig.t.user('admin');
    const page = await rig.login(admin);
    await page.getByRole('link', { name: 'State machines' }).click();
    await page.getByRole('heading', { level: 1, name: /State machines/ }).waitFor();
    await page.getByText('TradeInItem', { exact: true }).click();
    const diagram = page.getByRole('img', { name: 'State diagram of TradeInItem' });
    await diagram.waitFor();
    expect(await diagram.textContent()).toContain('OFFER_PENDING');
    expect(await diagram.textContent()).toContain('7 days → expire-offer');
    await rig.screenshot(page, 'state-machines');
    await page.close();
  });

  it('support sees an item stuck past its limit in the queue', async () => {
    const item = await rig.t.dataSource.transaction((m) =>
      rig.t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        ownerId: null,
        custodian: { kind: 'warehouse', id: null },
        erasureStatus: 'not_required',
        state: 'RECEIVED',
      }),
    );
    // Fifteen days later (RECEIVED allows 14).
    rig.t.app.get(Clock).now = () => new Date(Date.now() + 15 * 86_400_000);
    const support = await rig.t.user('support');
    const page = await rig.login(support);
    await page.getByRole('link', { name: 'Stuck work' }).click();
    await page.getByRole('heading', { level: 1, name: /Stuck work/ }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(item.traceCode) });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/RECEIVED.*15 days.*limit 14 days/);
    await rig.screenshot(page, 'stuck-work');
    await page.close();
  });
});
