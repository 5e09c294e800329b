/** Case types: those the platform opens (OpenSupportCase) and those opened by hand. */
export const CASE_KINDS = [
  'late-pickup',
  'seal-mismatch',
  'receiving-exception',
  'erasure-failure',
  'price-dispute',
  'buyer-return-dispute',
  'weight-discrepancy',
  'fraud-review',
  'stuck-work',
  'payment-failure',
  'reconciliation-mismatch',
  'general',
] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/**
 * Time to resolve, per case type, in hours. A late pickup is an owner waiting at the door; a
 * seal mismatch or erasure failure blocks an item (and a payout); disputes need the other side.
 */
export const SLA_HOURS: Record<CaseKind, number> = {
  'late-pickup': 4,
  'erasure-failure': 8,
  'seal-mismatch': 24,
  'receiving-exception': 24,
  'weight-discrepancy': 24,
  'fraud-review': 24,
  // The sweeper found something past its state's limit: somebody is already waiting.
  'stuck-work': 24,
  // Money owed and not paid, or the provider's books and ours disagree.
  'payment-failure': 8,
  'reconciliation-mismatch': 24,
  'price-dispute': 48,
  'buyer-return-dispute': 48,
  general: 72,
};

export function slaDueAt(kind: CaseKind, openedAt: Date): Date {
  return new Date(openedAt.getTime() + SLA_HOURS[kind] * 3_600_000);
}

/** Breached: unresolved past the due time, or resolved after it. */
export function isBreached(
  c: { slaDueAt: Date; resolvedAt: Date | null },
  now: Date = new Date(),
): boolean {
  return (c.resolvedAt ?? now).getTime() > c.slaDueAt.getTime();
}
