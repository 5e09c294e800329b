import { describe, expect, it } from '@jest/globals';
import { conditionTier, gradeLabels, gradesForFilter } from './grade-labels.js';
import {
  decodeMarketCursor,
  encodeMarketCursor,
  MarketCursorError,
  marketSql,
  toPrefixTsQuery,
} from './market-query.js';
import {
  priceBand,
  priceRefusal,
  returnDeadline,
  returnWindowDays,
  warrantyMonths,
} from './pricing.js';

const ID = '0b7c6f2e-3a1d-4c5e-9f00-123456789abc';

describe('resale engine: grade labels', () => {
  it('maps the platform grade and cosmetic wear to each scheme', () => {
    expect(gradeLabels('premium')).toMatchObject({
      tier: 'A',
      backMarket: 'Excellent',
      amazonRenewed: 'Premium',
      gbt45656: { level: 1 },
    });
    expect(conditionTier('premium', [{ severity: 'cosmetic' }])).toBe('B');
    expect(conditionTier('good', [{ severity: 'functional' }])).toBe('C');
    expect(gradeLabels('good', [{ severity: 'cosmetic' }])).toMatchObject({
      tier: 'D',
      backMarket: 'Fair',
      amazonRenewed: 'Acceptable',
      gbt45656: { level: 4 },
    });
  });

  it('understands buyer words as filters', () => {
    expect(gradesForFilter('Excellent')).toEqual(['premium']);
    expect(gradesForFilter('fair')).toEqual(['good']);
    expect(gradesForFilter('acceptable')).toEqual(['good']);
    expect(gradesForFilter('good')).toEqual(['good']);
    expect(gradesForFilter('mint')).toBeNull();
  });
});

describe('resale engine: pricing', () => {
  it('allows ±30 % around the suggestion, in integers', () => {
    const band = priceBand(100_000);
    expect(band).toEqual({ suggestedMinor: 100_000, floorMinor: 70_000, ceilingMinor: 130_000 });
    expect(priceRefusal(70_000, band)).toBeUndefined();
    expect(priceRefusal(130_000, band)).toBeUndefined();
    expect(priceRefusal(69_999, band)).toMatch(/outside the allowed band/);
    expect(priceRefusal(130_001, band)).toMatch(/outside/);
    expect(priceRefusal(1.5, band)).toMatch(/positive integer/);
  });

  it('has no band without a usable suggestion', () => {
    const band = priceBand(0);
    expect(priceRefusal(1, band)).toBeUndefined();
    expect(priceRefusal(5_000_000, band)).toBeUndefined();
  });

  it('chooses the warranty and return window', () => {
    expect(warrantyMonths('premium', undefined)).toBe(12);
    expect(warrantyMonths('good', { good: 9 })).toBe(9);
    expect(warrantyMonths('good', { good: 1 })).toBe(3);
    expect(warrantyMonths('premium', { premium: 6 }, 24)).toBe(24);
    expect(returnWindowDays(14, 7)).toBe(14);
    expect(returnWindowDays('x', 7)).toBe(7);
    expect(returnDeadline(new Date('2026-01-01T00:00:00Z'), 7).toISOString()).toBe(
      '2026-01-08T00:00:00.000Z',
    );
  });
});

describe('resale engine: market query', () => {
  it('round-trips a cursor and refuses one of another sort or a forged one', () => {
    const c = encodeMarketCursor({ sort: 'price-asc', key: 12_300, id: ID });
    expect(decodeMarketCursor(c, 'price-asc')).toEqual({ sort: 'price-asc', key: 12_300, id: ID });
    expect(() => decodeMarketCursor(c, 'newest')).toThrow(MarketCursorError);
    expect(() => decodeMarketCursor('not-a-cursor', 'newest')).toThrow(MarketCursorError);
    const forged = Buffer.from(JSON.stringify(['price-asc', 'DROP', ID])).toString('base64url');
    expect(() => decodeMarketCursor(forged, 'price-asc')).toThrow(MarketCursorError);
  });

  it('keeps search text out of the query syntax', () => {
    expect(toPrefixTsQuery("iPhone 13 & ' | !")).toBe('iphone:* & 13:*');
    expect(toPrefixTsQuery('  !!  ')).toBeNull();
  });

  it('walks the index in the sort order with the cursor as a row comparison', () => {
    const sql = marketSql({
      sort: 'price-desc',
      limit: 20,
      grades: ['premium'],
      cursor: { sort: 'price-desc', key: 500, id: ID },
    });
    expect(sql.text).toContain('(l.price_minor, l.id) < ($2::bigint, $3::uuid)');
    expect(sql.text).toContain('ORDER BY l.price_minor DESC, l.id DESC LIMIT $4');
    expect(sql.params).toEqual([['premium'], 500, ID, 21]);
  });
});
