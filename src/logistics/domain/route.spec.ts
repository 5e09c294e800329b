import { describe, expect, it } from '@jest/globals';
import { distanceKm, locationOf, navigationLinks, orderRoute, type RouteStop } from './route.js';

const W1 = Date.UTC(2026, 0, 5, 1); // 09:00 Beijing
const W2 = Date.UTC(2026, 0, 5, 3); // 11:00 Beijing
const centre = { lat: 31.2304, lng: 121.4737 };

const stop = (
  id: string,
  windowStart: number,
  location: RouteStop['location'],
  districtCode = '310104',
  line1 = 'x',
): RouteStop => ({ id, windowStart, location, districtCode, line1 });

describe('orderRoute', () => {
  it('keeps window order before distance', () => {
    const near = stop('near', W2, { lat: 31.231, lng: 121.474 });
    const far = stop('far', W1, { lat: 31.4, lng: 121.6 });
    expect(orderRoute([near, far], centre).map((s) => s.id)).toEqual(['far', 'near']);
  });

  it('within a window goes to the nearest stop next, from the previous one', () => {
    // A line going east from the centre: 1 km, 5 km, 3 km, in scrambled order.
    const at = (km: number) => ({ lat: centre.lat, lng: centre.lng + km / 95 });
    const stops = [stop('c5', W1, at(5)), stop('a1', W1, at(1)), stop('b3', W1, at(3))];
    expect(orderRoute(stops, centre).map((s) => s.id)).toEqual(['a1', 'b3', 'c5']);
    // Started from the far end, the same stops come in reverse.
    expect(orderRoute(stops, at(6)).map((s) => s.id)).toEqual(['c5', 'b3', 'a1']);
  });

  it('puts stops without coordinates after, grouped by district and street', () => {
    const stops = [
      stop('u2', W1, null, '310106', 'A Road'),
      stop('u1', W1, null, '310104', 'B Road'),
      stop('l1', W1, { lat: 31.2, lng: 121.4 }),
      stop('u3', W1, null, '310104', 'A Road'),
    ];
    expect(orderRoute(stops, null).map((s) => s.id)).toEqual(['l1', 'u3', 'u1', 'u2']);
  });
});

describe('navigation links', () => {
  it('navigates to coordinates in Amap (lng,lat) and Baidu (lat,lng)', () => {
    const links = navigationLinks(
      { name: '李伟', address: '徐汇区 1 号', cityCode: '310100', cityName: '上海' },
      { lat: 31.19, lng: 121.43 },
    );
    expect(links.amap).toBe(
      `https://uri.amap.com/navigation?to=121.43,31.19,${encodeURIComponent('李伟')}&mode=car&callnative=1`,
    );
    expect(decodeURIComponent(links.baidu)).toContain('destination=latlng:31.19,121.43|name:李伟');
  });

  it('searches the written address when there are no coordinates', () => {
    const links = navigationLinks(
      { name: '李伟', address: '上海 徐汇区 1 号', cityCode: '310100', cityName: '上海' },
      null,
    );
    expect(links.amap).toBe(
      `https://uri.amap.com/search?keyword=${encodeURIComponent('上海 徐汇区 1 号')}&city=310100&callnative=1`,
    );
    expect(links.baidu).toContain(`address=${encodeURIComponent('上海 徐汇区 1 号')}`);
  });

  it('reads coordinates only when they are real numbers in range', () => {
    expect(locationOf({ lat: 31.2, lng: 121.4 })).toEqual({ lat: 31.2, lng: 121.4 });
    expect(locationOf({ lat: '31.2', lng: 121.4 })).toBeNull();
    expect(locationOf({ lat: 91, lng: 121.4 })).toBeNull();
    expect(locationOf({})).toBeNull();
    expect(Math.round(distanceKm(centre, { lat: 39.9042, lng: 116.4074 }))).toBe(1067);
  });
});
