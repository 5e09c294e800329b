/**
 * Pickup address normalisation and coverage check. An address outside coverage is refused at
 * order time with a clear reason (spec §3) and, when there is one, a drop-off store to use.
 * Coverage is by city and district; with thousands of districts, lookups go through an index.
 */
import type { District, ServiceArea } from './service-area.js';
import { nearestStore, type DropOffStore, type NearestStore } from './stores.js';

export interface PickupAddress {
  cityCode: string;
  districtCode: string;
  /** Street, number, building. */
  line1: string;
  /** Unit, floor, landmark. */
  line2?: string;
  postalCode?: string;
  contactName?: string;
  phone?: string;
}

export const MAX_ADDRESS_LINE_LENGTH = 200;

/**
 * Unicode NFKC (full-width ０-９/Ａ-Ｚ and ideographic spaces from Chinese IMEs become ASCII),
 * whitespace collapsed and trimmed. Empty optional fields are dropped.
 */
export function normaliseAddress(input: PickupAddress): PickupAddress {
  const clean = (s: string): string => s.normalize('NFKC').replace(/\s+/g, ' ').trim();
  const code = (s: string): string => clean(s).replace(/\s/g, '').toUpperCase();
  const out: PickupAddress = {
    cityCode: code(input.cityCode),
    districtCode: code(input.districtCode),
    line1: clean(input.line1),
  };
  const optional = ['line2', 'postalCode', 'contactName', 'phone'] as const;
  for (const key of optional) {
    const v = input[key];
    if (v === undefined) continue;
    const c = key === 'postalCode' ? code(v) : clean(v);
    if (c) out[key] = c;
  }
  return out;
}

/** City and district lookup tables built once from the areas. */
export interface CoverageIndex {
  areas: ReadonlyMap<string, ServiceArea>;
  /** District code → the area that holds it and the district. */
  districts: ReadonlyMap<string, { area: ServiceArea; district: District }>;
}

export function buildCoverageIndex(areas: readonly ServiceArea[]): CoverageIndex {
  const byCity = new Map<string, ServiceArea>();
  const byDistrict = new Map<string, { area: ServiceArea; district: District }>();
  for (const area of areas) {
    byCity.set(area.cityCode.toUpperCase(), area);
    for (const district of area.districts) {
      byDistrict.set(district.code.toUpperCase(), { area, district });
    }
  }
  return { areas: byCity, districts: byDistrict };
}

export type CoverageRefusal =
  'invalid-address' | 'city-not-covered' | 'district-not-covered' | 'district-not-in-city';

export type CoverageResult =
  | { covered: true; area: ServiceArea; district: District; address: PickupAddress }
  | {
      covered: false;
      reason: CoverageRefusal;
      message: string;
      /** Fields at fault, for a 400 response. */
      fields: string[];
      address: PickupAddress;
      nearestStore?: NearestStore;
    };

/**
 * Normalises `input` and checks it against the covered areas. A refusal for coverage
 * (not for bad input) suggests the nearest drop-off store when `stores` has one.
 */
export function checkCoverage(
  input: PickupAddress,
  coverage: readonly ServiceArea[] | CoverageIndex,
  stores: readonly DropOffStore[] = [],
): CoverageResult {
  const index = isIndex(coverage) ? coverage : buildCoverageIndex(coverage);
  const address = normaliseAddress(input);

  const missing: string[] = [];
  if (!address.cityCode) missing.push('cityCode');
  if (!address.districtCode) missing.push('districtCode');
  if (!address.line1) missing.push('line1');
  for (const key of ['line1', 'line2'] as const) {
    if ((address[key]?.length ?? 0) > MAX_ADDRESS_LINE_LENGTH) missing.push(key);
  }
  if (missing.length > 0) {
    return {
      covered: false,
      reason: 'invalid-address',
      message: `Address is incomplete or too long: ${missing.join(', ')}`,
      fields: missing,
      address,
    };
  }

  const refuse = (
    reason: Exclude<CoverageRefusal, 'invalid-address'>,
    message: string,
    fields: string[],
  ): CoverageResult => {
    const store = nearestStore(address.cityCode, stores);
    const result: CoverageResult = { covered: false, reason, message, fields, address };
    if (store) {
      result.nearestStore = store;
      result.message += ` You can bring the item to ${store.store.name} (${store.store.address}).`;
    }
    return result;
  };

  const area = index.areas.get(address.cityCode);
  const entry = index.districts.get(address.districtCode);
  if (entry && entry.area.cityCode.toUpperCase() !== address.cityCode) {
    // A typo or a stale form: the district exists but belongs to another city. Not a coverage
    // question, so no store suggestion.
    return {
      covered: false,
      reason: 'district-not-in-city',
      message: `District ${address.districtCode} is in ${entry.area.cityName}, not in city ${address.cityCode}.`,
      fields: ['cityCode', 'districtCode'],
      address,
    };
  }
  if (!area) {
    return refuse('city-not-covered', `Pickup is not available in city ${address.cityCode}.`, [
      'cityCode',
    ]);
  }
  if (!entry) {
    return refuse(
      'district-not-covered',
      `Pickup is not available in district ${address.districtCode} of ${area.cityName}.`,
      ['districtCode'],
    );
  }
  return { covered: true, area, district: entry.district, address };
}

function isIndex(x: readonly ServiceArea[] | CoverageIndex): x is CoverageIndex {
  return !Array.isArray(x);
}
