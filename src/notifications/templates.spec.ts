import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { NOTIFICATION_LANGUAGES, renderNotification, TEMPLATES } from './templates.js';

const PARAMS = {
  orderId: '4f1c2a9e-0000-4000-8000-000000000001',
  saleOrderId: '7a2b3c4d-0000-4000-8000-000000000002',
  pickupId: '9b8c7d6e-0000-4000-8000-000000000003',
  itemId: '1a2b3c4d-0000-4000-8000-000000000004',
  quotedTotalMinor: 138500,
  quotedMinor: 138500,
  finalMinor: 120000,
  amountMinor: 120000,
  deductionMinor: 5000,
  currency: 'CNY',
  validUntil: '2026-05-04T06:30:00.000Z',
  promisedWindow: { start: '2026-05-04T06:00:00.000Z', end: '2026-05-04T08:00:00.000Z' },
  traceCode: 'RL-7K3M-9QXA',
  carrier: 'SF Express',
  trackingNumber: 'SF1234567890',
  code: '01234567',
  expiresInMinutes: 15,
};
const CJK = /[\u4e00-\u9fff]/;

describe('notification templates', () => {
  it('says every message in Chinese and in English', () => {
    for (const name of Object.keys(TEMPLATES)) {
      for (const language of NOTIFICATION_LANGUAGES) {
        const m = renderNotification(name, language, PARAMS, { baseUrl: 'https://r.example' });
        expect(m).not.toBeNull();
        expect(m!.subject.length).toBeGreaterThan(3);
        expect(m!.text).not.toMatch(/undefined|NaN|\[object Object\]/);
        if (language === 'zh-CN') expect(m!.subject + m!.text).toMatch(CJK);
        else expect(m!.subject + m!.text).not.toMatch(CJK);
      }
    }
  });

  it('writes money in yuan and times in Beijing time', () => {
    const zh = renderNotification('trade-in-offer-pending', 'zh-CN', PARAMS, { baseUrl: 'x' })!;
    expect(zh.subject).toBe('检测后的最终报价：¥1,200.00');
    expect(zh.text).toContain('原报价 ¥1,385.00');
    expect(zh.text).toContain('2026年5月4日 14:30（北京时间）');
    const en = renderNotification('pickup-scheduled', 'en', PARAMS, { baseUrl: 'x' })!;
    expect(en.text).toContain('4 May 2026, 14:00–16:00 (Beijing time)');
  });

  it('has a template for every notification the stages send', () => {
    const root = new URL('../', import.meta.url).pathname;
    const used = new Set<string>();
    for (const file of readdirSync(root, { recursive: true }) as string[]) {
      if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
      const text = readFileSync(`${root}${file}`, 'utf8');
      if (!/NotifyOwner|notifyCustomer/.test(text)) continue;
      for (const m of text.matchAll(/(?:template:\s*|notifyCustomer\(\w+, )'([a-z-]+)'/g)) {
        used.add(m[1]);
      }
      for (const m of text.matchAll(/\?\s*'(sale-order-[a-z-]+)'\s*:\s*'(sale-order-[a-z-]+)'/g)) {
        used.add(m[1]).add(m[2]);
      }
    }
    used.add('password-reset-code');
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((name) => !TEMPLATES[name]).sort()).toEqual([]);
  });

  it('refuses an unknown template or missing params', () => {
    expect(renderNotification('no-such', 'en', PARAMS, { baseUrl: 'x' })).toBeNull();
    expect(renderNotification('trade-in-quoted', 'en', {}, { baseUrl: 'x' })).toBeNull();
  });
});
