import { describe, expect, it } from '@jest/globals';
import { wgs84ToGcj02 } from '../../console/src/ui/gcj02.js';
import { distanceKm } from '../../src/logistics/domain/route.js';

describe('a GPS fix on a Chinese map (WGS-84 to GCJ-02)', () => {
  it('moves a point in mainland China by the few hundred metres the maps are offset', () => {
    // Tiananmen: GPS 39.90872, 116.39748 is shown by Amap at about 39.91011, 116.40372.
    const beijing = wgs84ToGcj02(39.90872, 116.39748);
    expect(beijing.lat).toBeCloseTo(39.91011, 3);
    expect(beijing.lng).toBeCloseTo(116.40372, 3);
    const shanghai = wgs84ToGcj02(31.2304, 121.4737);
    const shift = distanceKm({ lat: 31.2304, lng: 121.4737 }, shanghai);
    expect(shift).toBeGreaterThan(0.2);
    expect(shift).toBeLessThan(0.8);
  });

  it('leaves a point outside China as it is', () => {
    expect(wgs84ToGcj02(51.5007, -0.1246)).toEqual({ lat: 51.5007, lng: -0.1246 });
    expect(wgs84ToGcj02(-33.8568, 151.2153)).toEqual({ lat: -33.8568, lng: 151.2153 });
  });
});
