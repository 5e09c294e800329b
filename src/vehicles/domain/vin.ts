// Vehicle identification number (ISO 3779) and Chinese plates: pure functions, no I/O.

/** ISO 3779: 17 characters from 0-9 and A-Z without I, O and Q (they look like 1 and 0). */
const VIN_PATTERN = /^[0-9A-HJ-NPR-Z]{17}$/;

/** 49 CFR 565.15 transliteration of letters for the check digit. */
const TRANSLITERATION: Readonly<Record<string, number>> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8,
  J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
}; // prettier-ignore
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2] as const;

export type VinRegion =
  'Africa' | 'Asia' | 'Europe' | 'North America' | 'Oceania' | 'South America';

/**
 * Where the check digit at position 9 is mandatory: North America (WMI 1–5, FMVSS 49 CFR 565)
 * and China (WMI L, GB 16735 uses the same algorithm). Elsewhere position 9 is free for the
 * maker, so a "wrong" digit there proves nothing: we report `not-applicable`.
 */
export function checkDigitApplies(vin: string): boolean {
  return /^[1-5L]/.test(vin);
}

export type CheckDigitStatus = 'valid' | 'invalid' | 'not-applicable';

export interface VinValidation {
  valid: boolean;
  /** Upper-cased, trimmed. */
  vin: string;
  checkDigit: CheckDigitStatus;
  /** The expected check character, when it applies. */
  expectedCheckDigit: string | null;
  /** Why it is not valid. */
  error: string | null;
}

/** Upper-case and drop spaces and hyphens people type in. */
export function normaliseVin(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

/** The check character (0–9 or X) the VIN should carry at position 9. */
export function computeCheckDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = vin[i];
    const value = /[0-9]/.test(c) ? Number(c) : TRANSLITERATION[c];
    if (value === undefined) throw new RangeError(`character ${c} is not allowed in a VIN`);
    sum += value * WEIGHTS[i];
  }
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

export function validateVin(input: string): VinValidation {
  const vin = normaliseVin(input);
  const fail = (error: string): VinValidation => ({
    valid: false,
    vin,
    checkDigit: 'not-applicable',
    expectedCheckDigit: null,
    error,
  });
  if (vin.length !== 17) return fail(`a VIN has 17 characters, this one has ${vin.length}`);
  const forbidden = vin.match(/[IOQ]/);
  if (forbidden) return fail(`a VIN never contains ${forbidden[0]} (ISO 3779 excludes I, O and Q)`);
  if (!VIN_PATTERN.test(vin)) return fail('a VIN has only letters and digits');
  if (!checkDigitApplies(vin)) {
    return {
      valid: true,
      vin,
      checkDigit: 'not-applicable',
      expectedCheckDigit: null,
      error: null,
    };
  }
  const expected = computeCheckDigit(vin);
  if (vin[8] !== expected) {
    return {
      valid: false,
      vin,
      checkDigit: 'invalid',
      expectedCheckDigit: expected,
      error: `check digit at position 9 is ${vin[8]}, expected ${expected}: the VIN is mistyped or forged`,
    };
  }
  return { valid: true, vin, checkDigit: 'valid', expectedCheckDigit: expected, error: null };
}

/** Manufacturer region from the first WMI character (ISO 3780 ranges). */
export function vinRegion(vin: string): VinRegion | null {
  const c = vin[0];
  if (!c) return null;
  if (c >= 'A' && c <= 'H') return 'Africa';
  if (c >= 'J' && c <= 'R') return 'Asia';
  if (c >= 'S' && c <= 'Z') return 'Europe';
  if (c >= '1' && c <= '5') return 'North America';
  if (c === '6' || c === '7') return 'Oceania';
  if (c === '8' || c === '9' || c === '0') return 'South America';
  return null;
}

const COUNTRIES: ReadonlyArray<[RegExp, string]> = [
  [/^L/, 'China'],
  [/^J/, 'Japan'],
  [/^K[L-R]/, 'South Korea'],
  [/^W/, 'Germany'],
  [/^[1457]/, 'United States'],
  [/^2/, 'Canada'],
  [/^3/, 'Mexico'],
  [/^V[F-R]/, 'France'],
  [/^Z[A-R]/, 'Italy'],
  [/^S[A-M]/, 'United Kingdom'],
  [/^YV/, 'Sweden'],
];

export function vinCountry(vin: string): string | null {
  return COUNTRIES.find(([re]) => re.test(vin))?.[1] ?? null;
}

/** Position 10: one code per year in a 30-year cycle (no I, O, Q, U, Z, 0). */
const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';

export interface ModelYear {
  /** The resolved year, or null when the code is not a year code. */
  year: number | null;
  /** Every year the code can mean (30 years apart). */
  candidates: number[];
  resolvedBy: 'seventh-character' | 'registration-date' | 'latest-plausible' | null;
}

/**
 * Model year from position 10. The code repeats every 30 years (A = 1980, 2010, 2040); North
 * American passenger-car VINs settle it with position 7 (a digit: 1980–2009, a letter: 2010–2039).
 * Elsewhere the first registration decides: a car is registered at most a year before its model
 * year, so we take the latest candidate ≤ registration year + 1; without a date, the latest
 * candidate not after next year (`today`).
 */
export function decodeModelYear(
  vin: string,
  opts: { registeredOn?: Date | null; today?: Date } = {},
): ModelYear {
  const index = YEAR_CODES.indexOf(vin[9] ?? '');
  if (index < 0 || vin.length !== 17) return { year: null, candidates: [], resolvedBy: null };
  const candidates = [1980 + index, 2010 + index, 2040 + index];
  if (/^[1-5]/.test(vin)) {
    const year = /[0-9]/.test(vin[6]) ? candidates[0] : candidates[1];
    return { year, candidates, resolvedBy: 'seventh-character' };
  }
  const pick = (limit: number) => [...candidates].reverse().find((y) => y <= limit) ?? null;
  if (opts.registeredOn) {
    return {
      year: pick(opts.registeredOn.getUTCFullYear() + 1),
      candidates,
      resolvedBy: 'registration-date',
    };
  }
  const today = opts.today ?? new Date();
  return { year: pick(today.getUTCFullYear() + 1), candidates, resolvedBy: 'latest-plausible' };
}

export interface DecodedVin {
  vin: string;
  wmi: string;
  region: VinRegion | null;
  country: string | null;
  checkDigit: CheckDigitStatus;
  modelYear: ModelYear;
  serial: string;
}

/** Everything a valid VIN says by itself. Throws on an invalid VIN (validate first). */
export function decodeVin(input: string, opts: { registeredOn?: Date | null; today?: Date } = {}) {
  const v = validateVin(input);
  if (!v.valid) throw new RangeError(v.error ?? 'invalid VIN');
  const decoded: DecodedVin = {
    vin: v.vin,
    wmi: v.vin.slice(0, 3),
    region: vinRegion(v.vin),
    country: vinCountry(v.vin),
    checkDigit: v.checkDigit,
    modelYear: decodeModelYear(v.vin, opts),
    serial: v.vin.slice(11),
  };
  return decoded;
}

// ---- Chinese number plates (GA 36) --------------------------------------------------------

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
/** Province character + issuing-office letter, then 5 (fuel) or 6 (new-energy) characters. */
const PLATE_PATTERN = new RegExp(`^[${PROVINCES}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}$`);

/** Issuing office → city (codes as in service areas). Whole municipalities map on the province. */
const PLATE_CITIES: Readonly<Record<string, { cityCode: string; cityName: string }>> = {
  京: { cityCode: '110100', cityName: 'Beijing' },
  津: { cityCode: '120100', cityName: 'Tianjin' },
  沪: { cityCode: '310100', cityName: 'Shanghai' },
  渝: { cityCode: '500100', cityName: 'Chongqing' },
  粤A: { cityCode: '440100', cityName: 'Guangzhou' },
  粤B: { cityCode: '440300', cityName: 'Shenzhen' },
  浙A: { cityCode: '330100', cityName: 'Hangzhou' },
  浙B: { cityCode: '330200', cityName: 'Ningbo' },
  苏A: { cityCode: '320100', cityName: 'Nanjing' },
  苏B: { cityCode: '320200', cityName: 'Wuxi' },
  苏E: { cityCode: '320500', cityName: 'Suzhou' },
  川A: { cityCode: '510100', cityName: 'Chengdu' },
  鄂A: { cityCode: '420100', cityName: 'Wuhan' },
  陕A: { cityCode: '610100', cityName: "Xi'an" },
  湘A: { cityCode: '430100', cityName: 'Changsha' },
  辽A: { cityCode: '210100', cityName: 'Shenyang' },
  黑A: { cityCode: '230100', cityName: 'Harbin' },
  吉A: { cityCode: '220100', cityName: 'Changchun' },
};

export interface PlateInfo {
  valid: boolean;
  plate: string;
  province: string | null;
  newEnergy: boolean;
  cityCode: string | null;
  cityName: string | null;
  error: string | null;
}

/** Validates a Chinese civil plate and reads the registration city from its first two characters. */
export function parsePlate(input: string): PlateInfo {
  const plate = input.replace(/[\s·.-]/g, '').toUpperCase();
  if (!PLATE_PATTERN.test(plate)) {
    return {
      valid: false,
      plate,
      province: null,
      newEnergy: false,
      cityCode: null,
      cityName: null,
      error: 'not a Chinese civil plate (province, office letter, 5 or 6 characters)',
    };
  }
  const city = PLATE_CITIES[plate.slice(0, 2)] ?? PLATE_CITIES[plate[0]] ?? null;
  return {
    valid: true,
    plate,
    province: plate[0],
    newEnergy: plate.length === 8,
    cityCode: city?.cityCode ?? null,
    cityName: city?.cityName ?? null,
    error: null,
  };
}

/** Provinces where cars age faster (salted winter roads) or sell slower; used for pricing. */
export function plateProvince(plate: string | null): string | null {
  return plate && PROVINCES.includes(plate[0]) ? plate[0] : null;
}
