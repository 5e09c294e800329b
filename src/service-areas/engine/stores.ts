/**
 * Offline drop-off stores and the "nearest store" suggestion given when an address is outside
 * pickup coverage. Without geocoding, "nearest" is administrative: same city, else same
 * province, else same region of China, else none; within a tier, the closest city centre.
 */

export interface DropOffStore {
  id: string;
  name: string;
  nameZh?: string;
  /** City code (GB/T 2260, e.g. `310100`). */
  cityCode: string;
  districtCode: string;
  /** Street address as written locally, e.g. `静安区南京西路1266号`. */
  address: string;
  /** Local opening hours, e.g. `10:00-22:00`. */
  openingHours?: string;
}

export type Region =
  'north' | 'northeast' | 'east' | 'central' | 'south' | 'southwest' | 'northwest';

/** Province code (first two digits of GB/T 2260) → region (the seven traditional regions). */
export const PROVINCE_REGION: Readonly<Record<string, Region>> = {
  '11': 'north', // Beijing
  '12': 'north', // Tianjin
  '13': 'north', // Hebei
  '14': 'north', // Shanxi
  '15': 'north', // Inner Mongolia
  '21': 'northeast', // Liaoning
  '22': 'northeast', // Jilin
  '23': 'northeast', // Heilongjiang
  '31': 'east', // Shanghai
  '32': 'east', // Jiangsu
  '33': 'east', // Zhejiang
  '34': 'east', // Anhui
  '35': 'east', // Fujian
  '36': 'east', // Jiangxi
  '37': 'east', // Shandong
  '41': 'central', // Henan
  '42': 'central', // Hubei
  '43': 'central', // Hunan
  '44': 'south', // Guangdong
  '45': 'south', // Guangxi
  '46': 'south', // Hainan
  '50': 'southwest', // Chongqing
  '51': 'southwest', // Sichuan
  '52': 'southwest', // Guizhou
  '53': 'southwest', // Yunnan
  '54': 'southwest', // Tibet
  '61': 'northwest', // Shaanxi
  '62': 'northwest', // Gansu
  '63': 'northwest', // Qinghai
  '64': 'northwest', // Ningxia
  '65': 'northwest', // Xinjiang
};

/** Approximate city-centre coordinates, used only to order stores within a tier. */
export const CITY_CENTRES: Readonly<Record<string, { lat: number; lng: number }>> = {
  '110100': { lat: 39.9042, lng: 116.4074 }, // Beijing
  '120100': { lat: 39.3434, lng: 117.3616 }, // Tianjin
  '130100': { lat: 38.0428, lng: 114.5149 }, // Shijiazhuang
  '131000': { lat: 39.538, lng: 116.6838 }, // Langfang
  '310100': { lat: 31.2304, lng: 121.4737 }, // Shanghai
  '320100': { lat: 32.0603, lng: 118.7969 }, // Nanjing
  '320200': { lat: 31.4912, lng: 120.3119 }, // Wuxi
  '320500': { lat: 31.299, lng: 120.5853 }, // Suzhou
  '330100': { lat: 30.2741, lng: 120.1551 }, // Hangzhou
  '330200': { lat: 29.8683, lng: 121.544 }, // Ningbo
  '340100': { lat: 31.8206, lng: 117.2272 }, // Hefei
  '410100': { lat: 34.7466, lng: 113.6254 }, // Zhengzhou
  '420100': { lat: 30.5928, lng: 114.3055 }, // Wuhan
  '420500': { lat: 30.692, lng: 111.2865 }, // Yichang
  '430100': { lat: 28.2282, lng: 112.9388 }, // Changsha
  '440100': { lat: 23.1291, lng: 113.2644 }, // Guangzhou
  '440300': { lat: 22.5431, lng: 114.0579 }, // Shenzhen
  '440600': { lat: 23.0215, lng: 113.1214 }, // Foshan
  '441900': { lat: 23.0207, lng: 113.7518 }, // Dongguan
  '500100': { lat: 29.563, lng: 106.5516 }, // Chongqing
  '510100': { lat: 30.5728, lng: 104.0668 }, // Chengdu
  '510700': { lat: 31.4675, lng: 104.6796 }, // Mianyang
  '610100': { lat: 34.3416, lng: 108.9398 }, // Xi'an
  '610400': { lat: 34.3296, lng: 108.7093 }, // Xianyang
  '620100': { lat: 36.0611, lng: 103.8343 }, // Lanzhou
  '650100': { lat: 43.8256, lng: 87.6168 }, // Ürümqi
  '653100': { lat: 39.4704, lng: 75.9898 }, // Kashgar
};

export function provinceOf(cityCode: string): string {
  return cityCode.trim().slice(0, 2);
}

export function regionOf(cityCode: string): Region | undefined {
  return PROVINCE_REGION[provinceOf(cityCode)];
}

/** Great-circle distance in km between two city centres, or undefined if either is unknown. */
export function cityDistanceKm(a: string, b: string): number | undefined {
  const p = CITY_CENTRES[a];
  const q = CITY_CENTRES[b];
  if (!p || !q) return undefined;
  const rad = Math.PI / 180;
  const dLat = (q.lat - p.lat) * rad;
  const dLng = (q.lng - p.lng) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(p.lat * rad) * Math.cos(q.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

export type StoreMatch = 'same-city' | 'same-province' | 'same-region';

export interface NearestStore {
  store: DropOffStore;
  match: StoreMatch;
  /** Distance between city centres, when both are known (0 for the same city). */
  distanceKm?: number;
}

/**
 * The store to suggest for `cityCode`: same city first, else same province, else same region
 * (see {@link PROVINCE_REGION}), else undefined. Within a tier the closest city centre wins,
 * then the lowest store id, so the answer is deterministic.
 */
export function nearestStore(
  cityCode: string,
  stores: readonly DropOffStore[],
): NearestStore | undefined {
  const city = cityCode.trim();
  const province = provinceOf(city);
  const region = regionOf(city);
  const tierOf = (s: DropOffStore): StoreMatch | undefined => {
    if (s.cityCode === city) return 'same-city';
    if (provinceOf(s.cityCode) === province) return 'same-province';
    if (region !== undefined && regionOf(s.cityCode) === region) return 'same-region';
    return undefined;
  };
  const rank: Record<StoreMatch, number> = { 'same-city': 0, 'same-province': 1, 'same-region': 2 };
  let best: { store: DropOffStore; match: StoreMatch; distance: number | undefined } | undefined;
  for (const store of stores) {
    const match = tierOf(store);
    if (!match) continue;
    const distance = match === 'same-city' ? 0 : cityDistanceKm(city, store.cityCode);
    if (!best || compare({ store, match, distance }, best) < 0) best = { store, match, distance };
  }
  if (!best) return undefined;
  const result: NearestStore = { store: best.store, match: best.match };
  if (best.distance !== undefined) result.distanceKm = Math.round(best.distance);
  return result;

  function compare(
    a: { store: DropOffStore; match: StoreMatch; distance: number | undefined },
    b: { store: DropOffStore; match: StoreMatch; distance: number | undefined },
  ): number {
    if (rank[a.match] !== rank[b.match]) return rank[a.match] - rank[b.match];
    // Known distances before unknown ones, shorter first.
    const da = a.distance ?? Number.POSITIVE_INFINITY;
    const db = b.distance ?? Number.POSITIVE_INFINITY;
    if (da !== db) return da - db;
    return a.store.id < b.store.id ? -1 : a.store.id > b.store.id ? 1 : 0;
  }
}
