import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { catalogue, type ConsoleRig, startConsoleRig } from '../support/browser.js';

jest.setTimeout(120_000);

/**
 * Issue 22 (point 5): no list stops at 100 rows. The screens load a page of 100 and offer
 * "load more" while the API has a next cursor; here the support case list, past its first page.
 */
describe('console: lists load more than their first page (browser)', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig();
  });
  afterAll(() => rig?.close());

  it.each(['zh-CN', 'en'] as const)('shows 100 support cases, then all 105 (%s)', async (lang) => {
    const say = catalogue(lang);
    const support = await rig.t.user('support');
    // Cases of this run only: they are told apart from the other language's by their summary.
    for (let i = 0; i < 105; i++) {
      await rig.t.http
        .post('/api/v1/support/cases')
        .set(support.auth)
        .send({ kind: 'price-dispute', summary: `load-more ${lang} #${i}` })
        .expect(201);
    }
    const page = await rig.login(support, { lang });
    await page.getByRole('link', { name: say('screens.cases'), exact: true }).click();
    const table = page.getByRole('table', { name: say('support.casesCaption') });
    const rows = table.locator('tbody tr');
    await rows.nth(99).waitFor();
    expect(await rows.count()).toBe(100);
    // Page after page until the API has no next cursor (the other language's cases are there too).
    const [{ n }] = await rig.t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM support_cases WHERE state = 'OPEN'`,
    );
    for (let shown = 100; shown < n; shown = Math.min(n, shown + 100)) {
      await page.getByRole('button', { name: say('common.loadMore') }).click();
      await rows.nth(Math.min(n, shown + 100) - 1).waitFor();
    }
    expect(await rows.count()).toBe(n);
    expect(await table.getByText(`load-more ${lang} #0`, { exact: true }).count()).toBe(1);
    // Everything is loaded: the button is gone.
    expect(await page.getByRole('button', { name: say('common.loadMore') }).count()).toBe(0);
    await page.close();
  });
});
