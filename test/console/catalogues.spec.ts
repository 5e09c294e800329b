import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  dayText,
  DEFAULT_TIME_ZONE,
  durationText,
  moneyText,
  timeText,
} from '../../console/src/i18n/format.js';

// The console's catalogues and formats, without a browser or a database (RELOOP_TEST_NO_DB=1).
type Tree = { [key: string]: string | Tree };
const read = (lang: string) =>
  JSON.parse(
    readFileSync(join(process.cwd(), 'console', 'src', 'i18n', `${lang}.json`), 'utf8'),
  ) as Tree;
const keys = (tree: Tree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  );
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('console catalogues', () => {
  const en = read('en');
  const zh = read('zh-CN');

  it('zh-CN and en have exactly the same keys', () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort());
  });

  it('every text is translated: no empty string, the same placeholders in both', () => {
    const get = (tree: Tree, key: string) =>
      key.split('.').reduce<string | Tree>((o, k) => (o as Tree)[k], tree) as string;
    for (const key of keys(en)) {
      const [e, z] = [get(en, key), get(zh, key)];
      expect({ key, empty: e.trim() === '' || z.trim() === '' }).toEqual({ key, empty: false });
      expect({ key, vars: placeholders(z) }).toEqual({ key, vars: placeholders(e) });
    }
  });

  it('the Chinese catalogue is written in Chinese', () => {
    // Placeholders and proper names (brands, standards) stay as they are; English sentences may not.
    const NAMES = /\{\{\w+\}\}|Back Market|Amazon Renewed|Reloop|IMEI|Cohen's kappa|Kappa|UTC/g;
    const englishOnly = keys(zh).filter((key) => {
      const text = key.split('.').reduce<string | Tree>((o, k) => (o as Tree)[k], zh) as string;
      const rest = text.replace(NAMES, '');
      return /[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(rest) && !/[\u4e00-\u9fff]/.test(rest);
    });
    expect(englishOnly).toEqual([]);
  });
});

describe('console formats', () => {
  it('writes yuan from fen the mainland way, in both languages', () => {
    expect(moneyText(250000, 'CNY', 'zh-CN')).toBe('¥2,500.00');
    expect(moneyText(250000, 'CNY', 'en')).toBe('¥2,500.00');
    expect(moneyText(123456789, 'CNY', 'zh-CN')).toBe('¥1,234,567.89');
  });

  it('shows an instant in Beijing time by default, a calendar day without shifting it', () => {
    expect(DEFAULT_TIME_ZONE).toBe('Asia/Shanghai');
    // 22:30 UTC is 06:30 the next morning in Shanghai.
    expect(timeText('2026-05-03T22:30:00Z', 'zh-CN', DEFAULT_TIME_ZONE)).toBe('2026年5月4日 06:30');
    expect(timeText('2026-05-03T22:30:00Z', 'en', DEFAULT_TIME_ZONE)).toBe('4 May 2026, 06:30');
    expect(dayText('2026-05-03', 'zh-CN')).toBe('2026年5月3日');
    expect(dayText('2026-05-03', 'en')).toBe('3 May 2026');
  });

  it('says how long something waited, to the minute, in its two largest units', () => {
    const [min, hour, day] = [60_000, 3_600_000, 86_400_000];
    expect(durationText(15 * day + 2 * hour + 20 * min, 'zh-CN')).toBe('15天2小时');
    expect(durationText(15 * day + 2 * hour + 20 * min, 'en')).toBe('15 days 2 hours');
    expect(durationText(7 * day + 30_000, 'en')).toBe('7 days');
    expect(durationText(1 * day + 5 * min, 'en')).toBe('1 day');
    expect(durationText(20 * min, 'zh-CN')).toBe('20分钟');
    expect(durationText(hour + min, 'en')).toBe('1 hour 1 minute');
    expect(durationText(42_000, 'en')).toBe('42 seconds');
  });
});
