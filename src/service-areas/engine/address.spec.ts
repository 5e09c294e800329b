import { describe, expect, it } from '@jest/globals';
import { buildCoverageIndex, checkCoverage, normaliseAddress } from './address.js';
import { DEMO_AREAS, DEMO_CITY, DEMO_STORES } from './demo-areas.js';

const index = buildCoverageIndex(DEMO_AREAS);
/** Coverage of an address (city, district, first line) against the demo areas and stores. */
const check = (cityCode: string, districtCode: string, line1: string) =>
  checkCoverage({ cityCode, districtCode, line1 }, index, DEMO_STORES);

describe('normaliseAddress', () => {
  it('turns full-width characters to ASCII, collapses spaces and drops empty optionals', () => {
    expect(
      normaliseAddress({
        cityCode: ' ３１０１００ ',
        districtCode: '310106\u3000',
        line1: '  南京西路　１２６６号   恒隆广场 ',
        line2: '   ',
        postalCode: ' 200040 ',
      }),
    ).toEqual({
      cityCode: '310100',
      districtCode: '310106',
      line1: '南京西路 1266号 恒隆广场',
      postalCode: '200040',
    });
  });
});

describe('checkCoverage', () => {
  it('covers a district of a served city', () => {
    const r = check(DEMO_CITY.shanghai, '310115', '世纪大道100号');
    expect(r).toMatchObject({
      covered: true,
      area: { cityCode: '310100' },
      district: { code: '310115', name: 'Pudong New Area' },
    });
  });

  it('works from the plain list of areas too', () => {
    const r = checkCoverage(
      { cityCode: '650100', districtCode: '650102', line1: '解放北路1号' },
      DEMO_AREAS,
    );
    expect(r.covered).toBe(true);
  });

  it('refuses an uncovered district and names the nearest store (same province)', () => {
    // Changshu (320581) is a county-level city of Suzhou, outside the Suzhou area; Suzhou has
    // no store, so the Nanjing store (same province, Jiangsu) is suggested.
    const r = check(DEMO_CITY.suzhou, '320581', '海虞北路1号');
    expect(r).toMatchObject({
      covered: false,
      reason: 'district-not-covered',
      fields: ['districtCode'],
      nearestStore: { store: { id: 'store-nj-xinjiekou' }, match: 'same-province' },
    });
    expect(!r.covered && r.message).toContain('Reloop Xinjiekou');
  });

  it('refuses an uncovered city and names a store in the same city when there is one', () => {
    // No area for Hefei (Anhui): nearest East China store by city centre is Nanjing.
    const hefei = check('340100', '340104', '长江中路1号');
    expect(hefei).toMatchObject({
      covered: false,
      reason: 'city-not-covered',
      nearestStore: { store: { id: 'store-nj-xinjiekou' }, match: 'same-region' },
    });
    // Outer Chongqing (Wanzhou) is outside the urban area: Chengdu store (south-west region).
    const wanzhou = check(DEMO_CITY.chongqing, '500101', '白岩路1号');
    expect(wanzhou).toMatchObject({
      covered: false,
      nearestStore: { store: { cityCode: DEMO_CITY.chengdu }, match: 'same-region' },
    });
  });

  it('refuses without a store when none is near (Kashgar, Xinjiang)', () => {
    const r = check('653100', '653101', '人民东路1号');
    expect(r).toMatchObject({ covered: false, reason: 'city-not-covered' });
    expect(r).not.toHaveProperty('nearestStore');
  });

  it('detects a district of another city', () => {
    const r = check(DEMO_CITY.beijing, '310106', '某路1号');
    expect(r).toMatchObject({
      covered: false,
      reason: 'district-not-in-city',
      fields: ['cityCode', 'districtCode'],
    });
  });

  it('refuses an incomplete address with the fields at fault', () => {
    const r = checkCoverage({ cityCode: '110100', districtCode: '', line1: '   ' }, index);
    expect(r).toMatchObject({
      covered: false,
      reason: 'invalid-address',
      fields: ['districtCode', 'line1'],
    });
    const long = checkCoverage(
      { cityCode: '110100', districtCode: '110105', line1: 'x'.repeat(201) },
      index,
    );
    expect(long).toMatchObject({ covered: false, reason: 'invalid-address', fields: ['line1'] });
  });
});
