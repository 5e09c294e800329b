import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { catalogue, type ConsoleRig, startConsoleRig } from '../support/browser.js';

const LANG = 'zh-CN';
const say = catalogue(LANG);

jest.setTimeout(90_000);

/** Issue 22 (point 5): support finds a caller by what they say and opens a case from there. */
describe('console: support search and opening a case (browser)', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig();
  });
  afterAll(() => rig?.close());

  it('finds an owner by the last four digits of their phone and opens a case about the item', async () => {
    const owner = await rig.t.user('customer', { phone: '+8613712345678' });
    await rig.t.dataSource.query(`UPDATE users SET name = '韩梅梅' WHERE id = $1`, [owner.id]);
    const item = await rig.t.dataSource.transaction((m) =>
      rig.t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        ownerId: owner.id,
        custodian: { kind: 'warehouse', id: null },
        erasureStatus: 'not_required',
        state: 'RECEIVED',
      }),
    );
    const support = await rig.t.user('support');
    const page = await rig.login(support, { lang: LANG, phone: true });
    await page.getByLabel(say('support.searchLabel')).fill('5678');
    await page.getByRole('button', { name: say('common.search') }).click();
    const row = page.getByRole('row', { name: new RegExp(item.traceCode) });
    await row.waitFor();
    expect(await row.textContent()).toContain('韩梅梅');
    expect(await row.textContent()).toContain(say('support.matches.phoneEnding'));
    // By name as well.
    await page.getByLabel(say('support.searchLabel')).fill('梅梅');
    await page.getByRole('button', { name: say('common.search') }).click();
    await page
      .getByRole('row', { name: new RegExp(item.traceCode) })
      .getByText(say('support.matches.name'))
      .waitFor();
    await rig.screenshot(page, 'support-search-phone');
    // Every list exports as CSV, as shown (the action column left out).
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: say('common.exportCsv', { n: 1 }) }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.startsWith('\ufeff')).toBe(true);
    const [header, first] = csv.slice(1).split('\r\n');
    expect(header.split(',')).toEqual([
      say('support.col.item'),
      say('common.state'),
      say('support.col.owner'),
      say('support.col.serial'),
      say('support.col.matchedBy'),
    ]);
    expect(first).toContain(item.traceCode);
    expect(first).toContain('韩梅梅');
    expect(csv).not.toContain(say('support.openCase'));

    await page
      .getByRole('row', { name: new RegExp(item.traceCode) })
      .getByRole('link', { name: say('support.openCase') })
      .click();
    const form = page.getByRole('form', { name: say('support.openCase') });
    await form.getByLabel(say('support.col.kind')).selectOption({
      label: say('support.kinds.price-dispute'),
    });
    // Nothing is marked wrong before the user has typed; an empty submit says what is missing.
    expect(await form.locator('[aria-invalid="true"]').count()).toBe(0);
    await form.getByRole('button', { name: say('support.openCase') }).click();
    await form.getByText(say('errors.field.required')).first().waitFor();
    await form.getByLabel(say('support.summary')).fill('客户来电：认为回收报价太低，要求复核');
    await form.getByRole('button', { name: say('support.openCase') }).click();
    await page.waitForURL(/\/console\/support\/cases\/[0-9a-f-]{36}$/);
    await page.getByText('客户来电：认为回收报价太低，要求复核').first().waitFor();
    const [opened] = await rig.t.dataSource.query<
      Array<{ kind: string; customer_id: string; item_ids: string[] }>
    >(`SELECT kind, customer_id, item_ids FROM support_cases WHERE summary LIKE '客户来电%'`);
    expect(opened).toMatchObject({ kind: 'price-dispute', customer_id: owner.id });
    await rig.screenshot(page, 'support-open-case');
    await page.close();
  });
});
