/**
 * Numbers, money and dates as people read them, in the console's language and the user's time
 * zone. Pure functions (no DOM, no i18next) so that they can be tested in Node as they are.
 */

/** The zone of the warehouses and cities we serve unless the user picked another. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** The locale used for dates and numbers: English dates read day-month-year, 24-hour. */
export function localeFor(language: string): string {
  return language === 'en' ? 'en-GB' : 'zh-CN';
}

/**
 * Money from minor units (fen). Yuan are always written the mainland way, `¥2,500.00`, in
 * both languages; another currency follows the console's language.
 */
export function moneyText(amountMinor: number, currency: string, language: string): string {
  const locale = currency === 'CNY' ? 'zh-CN' : localeFor(language);
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amountMinor / 100);
}

/** An instant (ISO 8601) as a date and time in `timeZone`. */
export function timeText(iso: string, language: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(localeFor(language), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(d);
}

/**
 * A calendar day (`2026-05-03`, a local date the API already fixed, e.g. a pickup's promised
 * day) as words. It names a day, not an instant, so no time zone shifts it.
 */
export function dayText(day: string, language: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(localeFor(language), {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(d);
}

/** A plain number with the language's separators (`12,345`). */
export function numberText(n: number, language: string, fractionDigits?: number): string {
  return new Intl.NumberFormat(localeFor(language), {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(n);
}

/** Is this a time zone the browser knows (`Asia/Shanghai`)? */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const DURATION_UNITS: Array<[ms: number, unit: 'day' | 'hour' | 'minute']> = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
];

/**
 * A span of time as people say it, to the minute, with at most its two largest units:
 * `15天2小时` / `15 days 2 hours`, `7 days`, `20 minutes`. Under a minute: seconds.
 */
export function durationText(ms: number, language: string): string {
  const locale = localeFor(language);
  const unit = (n: number, u: string) =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'long' }).format(n);
  if (ms < 60_000) return unit(Math.max(0, Math.round(ms / 1000)), 'second');
  let rest = Math.round(ms / 60_000) * 60_000;
  const parts: string[] = [];
  for (const [size, name] of DURATION_UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    // The largest unit, then the next one only if it follows directly (no "1 day 5 minutes").
    if (n > 0 && parts.length < 2) parts.push(unit(n, name));
    else if (parts.length === 1) parts.push('');
  }
  return new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' }).format(
    parts.filter(Boolean),
  );
}
