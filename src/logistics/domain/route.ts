/**
 * A courier's day as a route (issue 22): stops in window order, and within one window the
 * nearest stop next (a greedy nearest-neighbour tour from the previous stop). Stops without
 * coordinates follow those with, grouped by district then street, so neighbours stay together.
 */

export interface LatLng {
  lat: number;
  lng: number;
}

export interface RouteStop {
  id: string;
  /** Start of the stop's promised window (epoch ms or a Date). */
  windowStart: Date | number;
  districtCode: string;
  line1: string;
  location: LatLng | null;
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in kilometres. */
export function distanceKm(a: LatLng, b: LatLng): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const ms = (d: Date | number): number => (typeof d === 'number' ? d : d.getTime());

/** Orders the stops; `start` is where the day begins (the city centre, say), when known. */
export function orderRoute<T extends RouteStop>(stops: readonly T[], start: LatLng | null): T[] {
  const windows = new Map<number, T[]>();
  for (const s of stops) {
    const key = ms(s.windowStart);
    windows.set(key, [...(windows.get(key) ?? []), s]);
  }
  const route: T[] = [];
  let here = start;
  for (const key of [...windows.keys()].sort((a, b) => a - b)) {
    const group = windows.get(key)!;
    const located = group.filter((s) => s.location !== null).sort((a, b) => byString(a.id, b.id));
    const unlocated = group
      .filter((s) => s.location === null)
      .sort(
        (a, b) =>
          byString(a.districtCode, b.districtCode) ||
          byString(a.line1, b.line1) ||
          byString(a.id, b.id),
      );
    while (located.length > 0) {
      let best = 0;
      if (here) {
        let bestKm = Infinity;
        located.forEach((s, i) => {
          const km = distanceKm(here!, s.location!);
          if (km < bestKm) {
            bestKm = km;
            best = i;
          }
        });
      }
      const [next] = located.splice(best, 1);
      route.push(next);
      here = next.location;
    }
    route.push(...unlocated);
  }
  return route;
}

/**
 * Deep links that open navigation in Amap (高德) or Baidu Maps: to the coordinates when the
 * address has them, else a search for the written address in its city.
 */
export function navigationLinks(
  place: { name: string; address: string; cityCode: string; cityName: string },
  location: LatLng | null,
): { amap: string; baidu: string } {
  const q = encodeURIComponent;
  if (location) {
    return {
      amap: `https://uri.amap.com/navigation?to=${location.lng},${location.lat},${q(place.name)}&mode=car&callnative=1`,
      baidu: `https://api.map.baidu.com/direction?destination=${q(`latlng:${location.lat},${location.lng}|name:${place.name}`)}&mode=driving&region=${q(place.cityName)}&coord_type=gcj02&output=html&src=reloop.console`,
    };
  }
  return {
    amap: `https://uri.amap.com/search?keyword=${q(place.address)}&city=${q(place.cityCode)}&callnative=1`,
    baidu: `https://api.map.baidu.com/geocoder?address=${q(place.address)}&output=html&src=reloop.console`,
  };
}

/** Coordinates from an address, when both are finite numbers in range. */
export function locationOf(address: { lat?: unknown; lng?: unknown }): LatLng | null {
  const { lat, lng } = address;
  if (typeof lat !== 'number' || typeof lng !== 'number') return null;
  if (!Number.isFinite(lat) || !Number.isFinite(lng)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  return { lat, lng };
}
