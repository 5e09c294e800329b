import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** E.164 form of a phone number (China by default), or null if it is not a valid number. */
export function normalisePhone(input: string, defaultCountry: 'CN' = 'CN'): string | null {
  const parsed = parsePhoneNumberFromString(input, defaultCountry);
  return parsed?.isValid() ? parsed.number : null;
}
