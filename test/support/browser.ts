import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { createTestApp, type TestApp, type TestUser } from './test-app.js';

/** Debian's chromium (Playwright's own browser download does not work on our machines). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

/** Builds the console once if it is missing or stale (`npm test` has usually built it). */
export function ensureConsoleBuilt(): void {
  const r = spawnSync(process.execPath, ['scripts/console-build.mjs', '--if-stale'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('console build failed');
}

export interface ConsoleRig {
  t: TestApp;
  /** http://127.0.0.1:<port> of the running platform. */
  base: string;
  browser: BrowserContext;
  /** A new tab (its own sessionStorage, so its own login). */
  page(opts?: { phone?: boolean }): Promise<Page>;
  /** Opens a tab and logs `user` in through the login form. */
  login(user: TestUser, opts?: { phone?: boolean }): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole platform listening on a real port, and headless Chromium with a fresh profile to
 * drive the console through it.
 */
export async function startConsoleRig(env: Record<string, string> = {}): Promise<ConsoleRig> {
  ensureConsoleBuilt();
  const t = await createTestApp(env);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  const profile = mkdtempSync(join(tmpdir(), 'reloop-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browser.setDefaultTimeout(15_000);
  mkdirSync(SCREENSHOTS, { recursive: true });

  const page = async (opts: { phone?: boolean } = {}) => {
    const p = await browser.newPage();
    if (opts.phone) await p.setViewportSize({ width: 390, height: 844 });
    return p;
  };
  return {
    t,
    base,
    browser,
    page,
    async login(user, opts) {
      const p = await page(opts);
      await p.goto(`${base}/console/login`);
      await p.getByLabel('E-mail').fill(user.email);
      await p.getByLabel('Password').fill('correct horse battery');
      await p.getByRole('button', { name: 'Log in' }).click();
      await p.getByRole('button', { name: 'Log out' }).waitFor();
      return p;
    },
    async screenshot(p, name) {
      await p.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
      await t.close();
    },
  };
}

/** Yes/no checks of the demo phone standard where "yes" means a fault. */
const PHONE_FAULT_CHECKS = ['account_lock', 'imei_blacklisted', 'liquid_damage'];

/**
 * Answers a form generated from the phone standard (inspection or QC) for a phone in perfect
 * order: every check passes, no fault present, the first (best) choice, the top of each range.
 */
export async function answerPerfectPhone(form: Locator): Promise<void> {
  for (const select of await form.locator('select').all()) {
    const id = (await select.getAttribute('id')) ?? '';
    const values = await select
      .locator('option')
      .evaluateAll((os) =>
        os.map((o) => (o as unknown as { value: string }).value).filter(Boolean),
      );
    if (values.includes('true')) {
      await select.selectOption(
        PHONE_FAULT_CHECKS.some((c) => id === `check-${c}`) ? 'false' : 'true',
      );
    } else {
      await select.selectOption(values[0]);
    }
  }
  for (const input of await form.locator('input[type=number]').all()) {
    await input.fill((await input.getAttribute('max')) ?? '100');
  }
  for (const input of await form.locator('input:not([type=number])').all()) {
    await input.fill('photo-front, photo-back, photo-left, photo-right');
  }
}
