import { spawnSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { cameraJpeg } from './photos.js';
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

export type ConsoleLanguage = 'zh-CN' | 'en';

export interface TabOptions {
  phone?: boolean;
  lang?: ConsoleLanguage;
}

export interface ConsoleRig {
  t: TestApp;
  /** http://127.0.0.1:<port> of the running platform. */
  base: string;
  browser: BrowserContext;
  /**
   * A new tab (its own sessionStorage, so its own login), in `lang` (the console's default,
   * zh-CN, unless told) until the user switches language in it.
   */
  page(opts?: TabOptions): Promise<Page>;
  /** Opens a tab and logs `user` in through the login form. */
  login(user: TestUser, opts?: TabOptions): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole platform listening on a real port, and headless Chromium with a fresh profile to
 * drive the console through it.
 */
export async function startConsoleRig(
  env: Record<string, string> = {},
  opts: {
    /** A Y4M file Chromium plays as the camera (see fake-camera.ts); camera allowed. */
    camera?: string;
  } = {},
): Promise<ConsoleRig> {
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
      ...(opts.camera
        ? [
            '--use-fake-ui-for-media-stream',
            '--use-fake-device-for-media-stream',
            `--use-file-for-fake-video-capture=${opts.camera}`,
          ]
        : []),
    ],
  });
  if (opts.camera) await browser.grantPermissions(['camera'], { origin: base });
  browser.setDefaultTimeout(15_000);
  mkdirSync(SCREENSHOTS, { recursive: true });

  const page = async (opts: TabOptions = {}) => {
    const p = await browser.newPage();
    if (opts.phone) await p.setViewportSize({ width: 390, height: 844 });
    // The language is chosen once per tab, as a user would; a switch in the page then sticks.
    await p.addInitScript((lang) => {
      type Store = { getItem(k: string): string | null; setItem(k: string, v: string): void };
      const g = globalThis as unknown as { sessionStorage: Store; localStorage: Store };
      if (g.sessionStorage.getItem('reloop.test.language')) return;
      g.sessionStorage.setItem('reloop.test.language', lang);
      g.localStorage.setItem('reloop.language', lang);
    }, opts.lang ?? 'en');
    return p;
  };
  return {
    t,
    base,
    browser,
    page,
    async login(user, opts) {
      const p = await page(opts);
      const say = catalogue(opts?.lang ?? 'en');
      await p.goto(`${base}/console/login`);
      await p.getByLabel(say('login.account')).fill(user.email);
      await p.getByLabel(say('login.password')).fill('correct horse battery');
      await p.getByRole('button', { name: say('login.submit') }).click();
      await p.getByRole('button', { name: say('layout.logout') }).waitFor();
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

/**
 * The console's words in `lang`, read from its catalogues: `say('login.submit')`, with
 * `{{name}}` placeholders filled from `vars`. Tests find buttons and labels by what the user
 * reads, in either language.
 */
export function catalogue(lang: ConsoleLanguage) {
  const file = join(process.cwd(), 'console', 'src', 'i18n', `${lang}.json`);
  const words = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const raw = (key: string): string => {
    const found = key
      .split('.')
      .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], words);
    if (typeof found !== 'string') throw new Error(`no ${lang} text for ${key}`);
    return found;
  };
  const say = (key: string, vars: Record<string, string | number> = {}): string =>
    raw(key)
      .replace(/<\/?\w+>/g, '')
      .replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? ''));
  /** The text as a pattern: placeholders given in `vars` filled in, the others match anything. */
  say.pattern = (key: string, vars: Record<string, string | number> = {}): RegExp =>
    new RegExp(
      raw(key)
        .replace(/<\/?\w+>/g, '')
        .split(/(\{\{\w+\}\})/)
        .map((part) => {
          const name = /^\{\{(\w+)\}\}$/.exec(part)?.[1];
          if (!name) return escapeRe(part);
          return name in vars ? escapeRe(String(vars[name])) : '.*';
        })
        .join(''),
    );
  return say;
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
export type Say = ReturnType<typeof catalogue>;

/** A pattern matching exactly `text` (for Playwright's hasText). */
export function exactly(text: string): RegExp {
  return new RegExp(`^${escapeRe(text)}$`);
}

/** Yes/no checks of the demo phone standard where "yes" means a fault. */
const PHONE_FAULT_CHECKS = ['account_lock', 'imei_blacklisted', 'liquid_damage'];

/**
 * Answers a form generated from the phone standard (inspection or QC) for a phone in perfect
 * order: every check passes (Yes, or No where "yes" means a fault), the first (best) choice,
 * the top of each range.
 */
export async function answerPerfectPhone(form: Locator): Promise<void> {
  for (const toggle of await form.locator('.toggle').all()) {
    const name = (await toggle.locator('input').first().getAttribute('name')) ?? '';
    const fault = PHONE_FAULT_CHECKS.some((c) => name === `check-${c}`);
    await toggle.locator(`input[value="${fault ? 'false' : 'true'}"]`).check();
  }
  for (const select of await form.locator('select').all()) {
    const values = await select
      .locator('option')
      .evaluateAll((os) =>
        os.map((o) => (o as unknown as { value: string }).value).filter(Boolean),
      );
    await select.selectOption(values[0]);
  }
  for (const input of await form.locator('input[type=number]').all()) {
    await input.fill((await input.getAttribute('max')) ?? '100');
  }
  // Photo checks: four pictures "taken" with the camera input, uploaded and shown as thumbnails.
  for (const input of await form.locator('input[type=file]').all()) {
    const picker = input.locator('xpath=ancestor::div[contains(@class, "photo-picker")][1]');
    const before = await picker.locator('.photo-strip figure').count();
    await input.setInputFiles(await cameraShots(4));
    await picker
      .locator('.photo-strip figure')
      .nth(before + 3)
      .waitFor();
  }
  for (const input of await form
    .locator('input:not([type=number]):not([type=radio]):not([type=file])')
    .all()) {
    await input.fill('photo-front, photo-back, photo-left, photo-right');
  }
}

/** `n` small JPEG photos as a phone camera would hand them to a file input. */
export async function cameraShots(
  n: number,
): Promise<Array<{ name: string; mimeType: string; buffer: Buffer }>> {
  const colours = ['#2a6', '#a62', '#26a', '#aa2', '#6a2', '#a26'];
  return Promise.all(
    Array.from({ length: n }, async (_, i) => ({
      name: `IMG_${1000 + i}.jpg`,
      mimeType: 'image/jpeg',
      buffer: await cameraJpeg({ width: 640, height: 480, colour: colours[i % colours.length] }),
    })),
  );
}

/** axe on the page as it is now: its serious and critical violations, named by element. */
export async function axeSerious(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
