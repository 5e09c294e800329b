import { currentLanguage, currentTimeZone } from '../i18n/index.js';
import { dayText, moneyText, timeText } from '../i18n/format.js';
import type { Answer } from './client.js';

/** The signed-in user (GET /me). */
export type Me = Answer<'get', '/me'>;
export type Role = Me['role'];

/** An amount as the API writes it (minor units and currency): what the formatters take. */
export interface Money {
  amountMinor: number;
  currency: string;
}

/** Money from its minor units (fen), e.g. `¥2,500.00`. */
export function formatMoney(m: Money | null | undefined): string {
  if (!m) return '—';
  return moneyText(m.amountMinor, m.currency, currentLanguage());
}

/** Minor units of yuan (a band, a deduction) as money. */
export function formatYuan(minor: number | null | undefined, currency = 'CNY'): string {
  return minor === null || minor === undefined
    ? '—'
    : formatMoney({ amountMinor: minor, currency });
}

/** An instant in the user's time zone (Asia/Shanghai unless they chose another). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return timeText(iso, currentLanguage(), currentTimeZone());
}

/** A calendar day the API already fixed (`2026-05-03`). */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  return dayText(day, currentLanguage());
}

/** Yuan as typed ("1299.5") → minor units, or NaN. */
export function toMinor(text: string): number {
  const t = text.trim().replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * 100);
}

/** Minor units → yuan for an input ("1299.50"); '' for none. */
export function fromMinor(minor: number | null | undefined): string {
  return minor === null || minor === undefined ? '' : (minor / 100).toFixed(2);
}
