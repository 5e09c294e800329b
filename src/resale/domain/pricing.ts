import type { SellableGrade } from './grade-labels.js';

/** A merchant may price a listing up to this share above or below the suggested price. */
export const PRICE_BAND_SHARE = 0.3;
/** Below this suggestion (minor units) the band is meaningless: any price from 1 is accepted. */
export const MIN_SUGGESTION_FOR_BAND = 100;

export interface PriceBand {
  suggestedMinor: number;
  floorMinor: number;
  ceilingMinor: number;
}

/** The band around the valuation engine's suggestion (integers, floor at least 1). */
export function priceBand(suggestedMinor: number, share = PRICE_BAND_SHARE): PriceBand {
  const suggested = Math.max(0, Math.round(suggestedMinor));
  if (suggested < MIN_SUGGESTION_FOR_BAND) {
    return { suggestedMinor: suggested, floorMinor: 1, ceilingMinor: Number.MAX_SAFE_INTEGER };
  }
  return {
    suggestedMinor: suggested,
    floorMinor: Math.max(1, Math.ceil(suggested * (1 - share))),
    ceilingMinor: Math.floor(suggested * (1 + share)),
  };
}

/** Why a price is refused, or undefined when it is within the band. */
export function priceRefusal(priceMinor: number, band: PriceBand): string | undefined {
  if (!Number.isSafeInteger(priceMinor) || priceMinor <= 0) {
    return 'priceMinor must be a positive integer (minor units)';
  }
  if (priceMinor < band.floorMinor || priceMinor > band.ceilingMinor) {
    return `priceMinor ${priceMinor} is outside the allowed band ${band.floorMinor}–${band.ceilingMinor} (±${Math.round(PRICE_BAND_SHARE * 100)} % of the suggested ${band.suggestedMinor})`;
  }
  return undefined;
}

/** Default warranty by grade; a merchant may set its own in capabilities.warrantyMonths. */
export const DEFAULT_WARRANTY_MONTHS: Record<SellableGrade, number> = { premium: 12, good: 6 };
/** No listing may offer less than this (a refurbished good carries a warranty). */
export const MIN_WARRANTY_MONTHS = 3;
export const MAX_WARRANTY_MONTHS = 36;

/**
 * The warranty of a new listing: the merchant's choice on the listing, else the merchant's
 * setting for the grade, else the platform default; never below the minimum.
 */
export function warrantyMonths(
  grade: SellableGrade,
  merchantSetting: unknown,
  requested?: number,
): number {
  const fromMerchant =
    typeof merchantSetting === 'object' && merchantSetting !== null
      ? (merchantSetting as Record<string, unknown>)[grade]
      : undefined;
  const chosen =
    requested ??
    (typeof fromMerchant === 'number' && Number.isInteger(fromMerchant)
      ? fromMerchant
      : DEFAULT_WARRANTY_MONTHS[grade]);
  return Math.min(MAX_WARRANTY_MONTHS, Math.max(MIN_WARRANTY_MONTHS, chosen));
}

/** The merchant's return window (capabilities.returnWindowDays) or the platform default. */
export function returnWindowDays(merchantSetting: unknown, platformDefault: number): number {
  return typeof merchantSetting === 'number' &&
    Number.isInteger(merchantSetting) &&
    merchantSetting >= 0 &&
    merchantSetting <= 90
    ? merchantSetting
    : platformDefault;
}

/** The last instant a buyer may ask to return (end of the window counted from delivery). */
export function returnDeadline(deliveredAt: Date, windowDays: number): Date {
  return new Date(deliveredAt.getTime() + windowDays * 86_400_000);
}
