import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { UserRole } from '../../src/core/actor.js';
import {
  catalogue,
  type ConsoleLanguage,
  type ConsoleRig,
  startConsoleRig,
} from '../support/browser.js';

jest.setTimeout(600_000);

const ROLES: UserRole[] = [
  'admin',
  'support',
  'warehouse',
  'technician',
  'courier',
  'merchant',
  'customer',
];
const LANGUAGES: ConsoleLanguage[] = ['zh-CN', 'en'];

interface Finding {
  where: string;
  rule: string;
  impact: string | null | undefined;
  help: string;
  nodes: string[];
}

/** axe on the page as it is now: the serious and critical findings, with where they are. */
async function serious(page: Page, where: string): Promise<Finding[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      where,
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
}

/**
 * Issue 22 (point 8): every screen of the console, for every role, at desktop and phone sizes
 * and in both languages, checked with axe: no serious or critical finding. The screens are the
 * ones the menu offers each role (so a new screen is checked as soon as it is in the menu),
 * plus the public market and the login page.
 */
describe('console: accessibility of every screen (axe, browser)', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig();
  });
  afterAll(() => rig?.close());

  for (const lang of LANGUAGES) {
    for (const phone of [false, true]) {
      it(`has no serious finding on any screen in ${lang} on a ${phone ? 'phone' : 'desktop'}`, async () => {
        const say = catalogue(lang);
        const findings: Finding[] = [];
        let screens = 0;
        const open = await rig.page({ lang, phone });
        await open.goto(`${rig.base}/console/login`);
        await open.getByRole('button', { name: say('login.submit') }).waitFor();
        findings.push(...(await serious(open, 'login')));
        await open.goto(`${rig.base}/market`);
        await open.getByRole('heading', { level: 1 }).first().waitFor();
        findings.push(...(await serious(open, 'market')));
        await open.close();
        for (const role of ROLES) {
          const user = await rig.t.user(role);
          const page = await rig.login(user, { lang, phone });
          const menu = page.getByRole('navigation', { name: say('layout.mainNav') });
          const links = await menu
            .getByRole('link')
            .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
          for (const href of [...links, '/console/account']) {
            await page.locator(`a[href="${href}"]`).first().click();
            await page.waitForURL(`**${href}`);
            await page.getByRole('heading', { level: 1 }).first().waitFor();
            // Lists load after the heading: wait for the network to settle before checking.
            await page.waitForLoadState('networkidle');
            findings.push(...(await serious(page, `${role} ${href}`)));
            screens++;
          }
          await page.close();
        }
        expect(screens).toBeGreaterThan(25);
        expect(findings).toEqual([]);
      });
    }
  }
});
