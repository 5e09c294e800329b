import type { CategoryFamily, CategoryParams, Grade, ValuationParamSet } from './types.js';

/** Bumped when the formula (not the parameters) changes; part of every `modelVersion`. */
export const ENGINE_VERSION = 'engine-1';
export const DEFAULT_PARAMS_VERSION = 'defaults-1';

type Shape = [
  baseShare: number,
  rate: number,
  floor: number,
  good: number,
  scrap: number,
  priorCount: number,
  halfLifeDays: number,
  maxAgeDays: number,
  sigma: number,
];

/**
 * Hand-set starting points per family, used until a refit has enough sales for a category.
 * Electronics lose a third of their value a year (new models replace them); luxury watches,
 * jewellery and pianos barely depreciate and keep a high floor; vehicles depreciate by age here
 * and by mileage through `extraFactors` (filled by the vehicles module).
 */
const SHAPES: Record<CategoryFamily, Shape> = {
  phone: [0.8, 0.35, 0.05, 0.72, 0.15, 3, 120, 540, 0.12],
  tablet: [0.78, 0.3, 0.05, 0.72, 0.15, 3, 120, 540, 0.12],
  computer: [0.75, 0.28, 0.05, 0.7, 0.12, 3, 150, 720, 0.14],
  camera: [0.78, 0.18, 0.08, 0.75, 0.15, 3, 180, 720, 0.14],
  wearable: [0.7, 0.4, 0.04, 0.7, 0.1, 3, 120, 540, 0.14],
  audio: [0.7, 0.25, 0.05, 0.7, 0.1, 3, 150, 720, 0.15],
  console: [0.8, 0.2, 0.1, 0.75, 0.15, 3, 150, 720, 0.12],
  appliance: [0.6, 0.15, 0.05, 0.65, 0.08, 4, 180, 1095, 0.18],
  'luxury-watch': [0.85, 0.03, 0.4, 0.85, 0.3, 5, 365, 1095, 0.12],
  'luxury-bag': [0.75, 0.06, 0.25, 0.8, 0.25, 5, 365, 1095, 0.15],
  jewelry: [0.7, 0.01, 0.5, 0.9, 0.6, 5, 365, 1095, 0.12],
  piano: [0.8, 0.04, 0.25, 0.8, 0.2, 5, 365, 1825, 0.15],
  instrument: [0.75, 0.06, 0.2, 0.78, 0.15, 5, 365, 1825, 0.16],
  vehicle: [0.85, 0.15, 0.08, 0.85, 0.25, 5, 180, 1095, 0.1],
  bicycle: [0.7, 0.15, 0.08, 0.75, 0.1, 4, 180, 1095, 0.16],
  furniture: [0.45, 0.12, 0.05, 0.7, 0.05, 4, 365, 1825, 0.2],
  general: [0.65, 0.2, 0.05, 0.7, 0.12, 4, 180, 1095, 0.18],
};

function fromShape(family: CategoryFamily, s: Shape): CategoryParams {
  const [baseShare, rate, floor, good, scrap, priorCount, halfLifeDays, maxAgeDays, sigma] = s;
  return {
    family,
    baseShare,
    annualDepreciationRate: rate,
    floorShare: floor,
    gradeMultipliers: { premium: 1, good, scrap },
    comparablesPriorCount: priorCount,
    comparablesHalfLifeDays: halfLifeDays,
    comparablesMaxAgeDays: maxAgeDays,
    residualSigma: sigma,
  };
}

export const DEFAULT_FAMILY_PARAMS: Readonly<Record<CategoryFamily, CategoryParams>> =
  Object.fromEntries(
    (Object.keys(SHAPES) as CategoryFamily[]).map((f) => [f, fromShape(f, SHAPES[f])]),
  ) as Record<CategoryFamily, CategoryParams>;

/** The parameter set used before any refit: family defaults only. */
export function defaultParamSet(): ValuationParamSet {
  return {
    version: DEFAULT_PARAMS_VERSION,
    families: structuredClone(DEFAULT_FAMILY_PARAMS),
    categories: {},
  };
}

/**
 * Keywords matched against the words of a category code, leaf word first, so that
 * 'digital.wearables.smartwatches' is a wearable while 'luxury.watches' is a luxury watch and
 * 'audio.headphones' is not a phone. A word matches a keyword it starts with ('phones' ~ 'phone').
 */
const FAMILY_KEYWORDS: ReadonlyArray<[CategoryFamily, readonly string[]]> = [
  ['wearable', ['smartwatch', 'wearable', 'fitness', 'band']],
  ['audio', ['headphone', 'earphone', 'earbud', 'headset', 'speaker', 'audio', 'hifi']],
  ['phone', ['phone', 'smartphone', 'mobile', 'cellphone', 'handset']],
  ['tablet', ['tablet', 'ipad', 'ereader']],
  ['computer', ['laptop', 'notebook', 'computer', 'desktop', 'pc', 'macbook', 'monitor']],
  ['camera', ['camera', 'lens', 'drone', 'camcorder']],
  ['console', ['console', 'gaming', 'game']],
  ['luxury-watch', ['watch', 'timepiece']],
  ['luxury-bag', ['bag', 'handbag', 'purse', 'wallet', 'luggage']],
  ['jewelry', ['jewel', 'jewellery', 'jewelry', 'necklace', 'bracelet', 'gold']],
  ['piano', ['piano', 'grand', 'upright']],
  ['instrument', ['instrument', 'guitar', 'violin', 'cello', 'drum', 'keyboard', 'saxophone']],
  [
    'vehicle',
    ['vehicle', 'car', 'auto', 'automobile', 'motorcycle', 'motorbike', 'scooter', 'suv'],
  ],
  ['bicycle', ['bicycle', 'bike', 'ebike', 'cycling']],
  [
    'appliance',
    [
      'appliance',
      'fridge',
      'refrigerator',
      'washer',
      'washing',
      'tv',
      'television',
      'aircon',
      'vacuum',
      'kitchen',
    ],
  ],
  ['furniture', ['furniture', 'sofa', 'chair', 'table', 'bed', 'desk']],
];

/** Splits 'digital.phones.smartphones' / 'Digital > Phones' / 'digital/phones' into code segments. */
export function categorySegments(categoryCode: string): string[] {
  return categoryCode
    .toLowerCase()
    .split(/[./>|:]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Guesses the family of a category code from its words; 'general' when nothing matches. */
export function resolveFamily(categoryCode: string): CategoryFamily {
  const words = categorySegments(categoryCode)
    .reverse()
    .flatMap((seg) => seg.split(/[^a-z0-9]+/).filter((w) => w.length > 0));
  for (const word of words) {
    for (const [family, keywords] of FAMILY_KEYWORDS) {
      if (
        keywords.some(
          (k) => word === k || (k.length >= 4 && word.startsWith(k)) || word === `${k}s`,
        )
      ) {
        return family;
      }
    }
  }
  return 'general';
}

export interface ResolvedParams {
  params: CategoryParams;
  family: CategoryFamily;
  /** 'category': fitted for this exact code; 'ancestor': fitted for a parent code; 'family': defaults. */
  source: 'category' | 'ancestor' | 'family';
  /** The key in `paramSet.categories` that matched, if any. */
  matchedCode: string | null;
}

/**
 * Parameters for a category: the exact code's fitted parameters, else the nearest ancestor's,
 * else the family defaults (from the param set, falling back to the built-in defaults).
 */
export function paramsForCategory(
  paramSet: ValuationParamSet,
  categoryCode: string,
  familyHint?: CategoryFamily,
): ResolvedParams {
  const exact = paramSet.categories[categoryCode];
  if (exact)
    return { params: exact, family: exact.family, source: 'category', matchedCode: categoryCode };
  const segs = categorySegments(categoryCode);
  const byNormalised = new Map<string, string>();
  for (const key of Object.keys(paramSet.categories)) {
    byNormalised.set(categorySegments(key).join('.'), key);
  }
  for (let len = segs.length; len >= 1; len--) {
    const key = byNormalised.get(segs.slice(0, len).join('.'));
    if (key !== undefined) {
      const p = paramSet.categories[key];
      return {
        params: p,
        family: p.family,
        source: len === segs.length ? 'category' : 'ancestor',
        matchedCode: key,
      };
    }
  }
  const family = familyHint ?? resolveFamily(categoryCode);
  const params = paramSet.families[family] ?? DEFAULT_FAMILY_PARAMS[family];
  return { params, family, source: 'family', matchedCode: null };
}

/**
 * The premium-grade share of the launch price kept at `ageYears`: exponential decay from the
 * used-item base share, never below the floor.
 */
export function residualShare(params: CategoryParams, ageYears: number): number {
  return Math.max(params.floorShare, unflooredShare(params, ageYears));
}

/** The depreciation curve before the floor: base · e^(−rate·age + Σ bend·max(0, age − knot)). */
export function unflooredShare(params: CategoryParams, ageYears: number): number {
  const age = Math.max(0, ageYears);
  let log = -params.annualDepreciationRate * age;
  for (const b of params.curveBends ?? []) log += b.slopeChange * Math.max(0, age - b.ageYears);
  return params.baseShare * Math.exp(log);
}

/** The fitted price level of a region (1 when unknown or not fitted). */
export function regionFactor(
  paramSet: ValuationParamSet,
  region: string | null | undefined,
): number {
  if (!region) return 1;
  return paramSet.regionFactors?.[region] ?? 1;
}

export function gradeMultiplier(params: CategoryParams, grade: Grade): number {
  return params.gradeMultipliers[grade];
}
