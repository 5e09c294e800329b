import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { Clock } from '../../src/core/clock.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { durationText } from '../../console/src/i18n/format.js';
import { catalogue, type ConsoleRig, startConsoleRig } from '../support/browser.js';

const LANG = 'zh-CN';
const say = catalogue(LANG);
const zh = { lang: LANG } as const;
const DAY = 86_400_000;

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
    const page = await rig.login(admin, zh);
    await page.getByRole('link', { name: say('screens.stateMachines') }).click();
    await page.getByRole('heading', { level: 1, name: say('screens.stateMachines') }).waitFor();
    const tradeInItem = say('support.entities.TradeInItem');
    await page.getByText(tradeInItem, { exact: true }).click();
    const diagram = page.getByRole('img', { name: say('machines.diagram', { name: tradeInItem }) });
    await diagram.waitFor();
    // States, actions and limits in Chinese: the offer lapses after 7 days.
    expect(await diagram.textContent()).toContain(say('states.OFFER_PENDING'));
    expect(await diagram.textContent()).toContain(
      `${durationText(7 * DAY, LANG)} → ${say('actions.expire-offer')}`,
    );
    const timeouts = page.getByRole('table', { name: say('machines.timeouts') }).first();
    expect(await timeouts.textContent()).toContain(say('machines.why.TradeInItem.OFFER_PENDING'));
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
    const page = await rig.login(support, zh);
    await page.getByRole('link', { name: say('screens.stuckWork') }).click();
    await page.getByRole('heading', { level: 1, name: say('screens.stuckWork') }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(item.traceCode) });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain(say('states.RECEIVED'));
    expect(text).toContain(durationText(15 * DAY, LANG));
    expect(text).toContain(say('stuck.limit', { limit: durationText(14 * DAY, LANG) }));
    expect(text).toContain(say('machines.why.Item.RECEIVED'));
    await rig.screenshot(page, 'stuck-work');
    await page.close();
  });
});
