/** Seal numbers are printed; scanners and people differ only in case and stray spaces. */
export function normaliseSeal(seal: string | null | undefined): string | null {
  if (seal === null || seal === undefined) return null;
  const s = seal.trim().toUpperCase();
  return s === '' ? null : s;
}
