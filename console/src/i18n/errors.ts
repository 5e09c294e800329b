import type { ErrorBody } from '../api/client.js';
import { moneyText } from './format.js';
import { i18n } from './index.js';

const BY_STATUS: Record<number, string> = {
  0: 'network',
  400: 'invalid_input',
  401: 'not_signed_in',
  403: 'not_allowed',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

/** The stable reason of an error: the API's `code`, else one from the status (offline: network). */
export function errorCode(body: ErrorBody): string {
  if (body.statusCode === 0) return 'network';
  return (
    body.code ??
    BY_STATUS[body.statusCode] ??
    (body.statusCode >= 500 ? 'internal' : 'request_refused')
  );
}

/** The error's heading in the user's language. */
export function errorTitle(body: ErrorBody): string {
  return i18n.t(`errors.title.${errorCode(body)}`, {
    defaultValue: body.error || i18n.t('errors.title.request_refused'),
  });
}

/**
 * What went wrong, in plain words. English readers get the server's own message, which names
 * the exact record; others get the translation of its stable code (the server's words stay
 * available as a detail), and the English message when the code is one we do not know.
 */
export function errorMessage(body: ErrorBody): { text: string; detail: string | null } {
  const key = `errors.message.${errorCode(body)}`;
  const known = i18n.exists(key);
  if (!known || i18n.language === 'en') {
    return { text: body.message || i18n.t(key, { defaultValue: '' }), detail: null };
  }
  return { text: i18n.t(key, { defaultValue: body.message }), detail: body.message || null };
}

/** class-validator's and our services' common field messages, in the user's words. */
const FIELD_RULES: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/code is wrong or has expired/i, () => i18n.t('errors.field.codeWrong')],
  [/six digits of the code/i, () => i18n.t('errors.field.codeFormat')],
  [/eight digits of the code/i, () => i18n.t('errors.field.resetCodeFormat')],
  [/should not be empty|is required|must not be empty/i, () => i18n.t('errors.field.required')],
  [/must be longer than or equal to (\d+)/i, (m) => i18n.t('errors.field.minLength', { n: m[1] })],
  [/must be shorter than or equal to (\d+)/i, (m) => i18n.t('errors.field.maxLength', { n: m[1] })],
  [
    /must not be less than (-?[\d.]+)|must be at least (-?[\d.]+)/i,
    (m) => i18n.t('errors.field.min', { n: m[1] ?? m[2] }),
  ],
  [
    /must not be greater than (-?[\d.]+)|must be at most (-?[\d.]+)/i,
    (m) => i18n.t('errors.field.max', { n: m[1] ?? m[2] }),
  ],
  [/must be an integer/i, () => i18n.t('errors.field.integer')],
  [/must be a (number|numeric)/i, () => i18n.t('errors.field.number')],
  [/must be a positive/i, () => i18n.t('errors.field.positive')],
  [/phone/i, () => i18n.t('errors.field.phone')],
  [/must be an email/i, () => i18n.t('errors.field.email')],
  [/must be one of|must be a UUID|must be a valid enum/i, () => i18n.t('errors.field.choice')],
  [/must be a string/i, () => i18n.t('errors.field.string')],
  [/date/i, () => i18n.t('errors.field.date')],
];

/** Amounts in the API's messages are minor units (fen): said in yuan, in either language. */
const PRICE_BAND = /priceMinor (\d+) is outside the allowed band (\d+)[–-](\d+)/;

/** One field error from the API for a person; in English the server's words as they came. */
export function fieldMessage(message: string): string {
  const band = PRICE_BAND.exec(message);
  if (band) {
    const yuan = (fen: string) => moneyText(Number(fen), 'CNY', i18n.language);
    return i18n.t('errors.field.priceBand', { floor: yuan(band[2]), ceiling: yuan(band[3]) });
  }
  if (/priceMinor must be a positive/.test(message)) return i18n.t('errors.field.price');
  if (i18n.language === 'en') return message;
  for (const [re, say] of FIELD_RULES) {
    const m = re.exec(message);
    if (m) return say(m);
  }
  return message;
}
