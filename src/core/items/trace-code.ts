import { randomInt } from 'node:crypto';

/**
 * Trace codes: 9 random symbols and a check symbol from a 31-letter alphabet without the
 * look-alikes 0/O, 1/I/L. 31 is prime, so the weighted check catches every single wrong symbol
 * and every swap of two neighbours — the usual mistakes of someone typing a label.
 */
export const TRACE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const N = TRACE_ALPHABET.length;
const BODY_LENGTH = 9;

function checkSymbol(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += (i + 1) * TRACE_ALPHABET.indexOf(body[i]);
  return TRACE_ALPHABET[sum % N];
}

export function newTraceCode(): string {
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i++) body += TRACE_ALPHABET[randomInt(N)];
  return body + checkSymbol(body);
}

/** Upper-cases, drops spaces and hyphens, and checks alphabet and check symbol. */
export function normaliseTraceCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== BODY_LENGTH + 1) return null;
  if ([...code].some((c) => !TRACE_ALPHABET.includes(c))) return null;
  return checkSymbol(code.slice(0, BODY_LENGTH)) === code[BODY_LENGTH] ? code : null;
}
