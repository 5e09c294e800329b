import { describe, expect, it } from '@jest/globals';
import {
  DEMO_AREAS,
  DEMO_CITY,
  DEMO_COURIERS,
  DEMO_STORES,
  demoArea,
  nearestDemoStore,
  nearestStore,
} from './demo-areas.js';
import { validateServiceAreas } from './service-area.js';
import { cityDistanceKm, regionOf } from './stores.js';

describe('demo areas', () => {
  it('are valid together (unique cities and districts)', () => {
    expect(validateServiceAreas(DEMO_AREAS)).toEqual([]);
  });

  it('cover at least 10 cities with 5–16 real districts each', () => {
    expect(DEMO_AREAS.length).toBeGreaterThanOrEqual(10);
    for (const a of DEMO_AREAS) {
      expect(a.districts.length).toBeGreaterThanOrEqual(5);
      expect(a.districts.length).toBeLessThanOrEqual(16);
      // GB/T 2260: a district code starts with its city's 4-digit prefix.
      for (const d of a.districts) expect(d.code.slice(0, 4)).toBe(a.cityCode.slice(0, 4));
    }
    expect(demoArea(DEMO_CITY.beijing).districts.map((d) => d.name)).toContain('Haidian');
  });

  it('use Asia/Shanghai except Ürümqi (Asia/Urumqi)', () => {
    const other = DEMO_AREAS.filter((a) => a.timeZone !== 'Asia/Shanghai');
    expect(other.map((a) => [a.cityCode, a.timeZone])).toEqual([['650100', 'Asia/Urumqi']]);
  });

  it('mix same-day and next-day-only cities', () => {
    expect(DEMO_AREAS.filter((a) => a.sameDay).length).toBeGreaterThan(0);
    expect(DEMO_AREAS.filter((a) => !a.sameDay).length).toBeGreaterThan(0);
  });

  it('stores and couriers refer to covered cities and districts', () => {
    for (const s of DEMO_STORES) {
      const area = demoArea(s.cityCode);
      expect(area.districts.map((d) => d.code)).toContain(s.districtCode);
    }
    expect(new Set(DEMO_STORES.map((s) => s.id)).size).toBe(DEMO_STORES.length);
    for (const c of DEMO_COURIERS)
      for (const code of c.areaCodes) expect(() => demoArea(code)).not.toThrow();
    expect(() => demoArea('999999')).toThrow(RangeError);
  });
});

describe('nearestStore', () => {
  it('prefers the same city (lowest id among equals)', () => {
    expect(nearestDemoStore(DEMO_CITY.beijing)).toEqual({
      store: expect.objectContaining({ id: 'store-bj-sanlitun' }),
      match: 'same-city',
      distanceKm: 0,
    });
  });

  it('then the same province, even if a nearer city is across a provincial border', () => {
    // Wuxi (Jiangsu) is nearer to Shanghai, but Nanjing is in the same province.
    expect(nearestDemoStore('320200')).toMatchObject({
      store: { id: 'store-nj-xinjiekou' },
      match: 'same-province',
    });
  });

  it('then the same region, closest city centre first', () => {
    expect(regionOf(DEMO_CITY.tianjin)).toBe('north');
    expect(nearestDemoStore(DEMO_CITY.tianjin)).toMatchObject({
      store: { cityCode: DEMO_CITY.beijing },
      match: 'same-region',
    });
    // Ningbo (Zhejiang) has the Hangzhou store in its province.
    expect(nearestDemoStore('330200')).toMatchObject({ store: { id: 'store-hz-wulin' } });
    // Changsha (Hunan, central): Wuhan.
    expect(nearestDemoStore('430100')).toMatchObject({
      store: { id: 'store-wh-jianghan' },
      match: 'same-region',
    });
    const d = cityDistanceKm(DEMO_CITY.tianjin, DEMO_CITY.beijing)!;
    expect(d).toBeGreaterThan(90);
    expect(d).toBeLessThan(130);
  });

  it('else none', () => {
    expect(nearestDemoStore(DEMO_CITY.urumqi)).toBeUndefined();
    expect(nearestDemoStore(DEMO_CITY.xian)).toBeUndefined();
    expect(nearestStore(DEMO_CITY.beijing, [])).toBeUndefined();
    expect(nearestStore('999999', DEMO_STORES)).toBeUndefined();
  });
});
