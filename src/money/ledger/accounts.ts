/**
 * The ledger's accounts: one per party and purpose. A balance is debits minus credits (lines
 * are signed: debit positive, credit negative), so what the platform owes shows negative and
 * what it holds or is owed shows positive. docs/money.md lists every posting.
 */
export const ACCOUNT_KINDS = [
  /** What the platform owes a seller for their traded-in items (credit until paid out). */
  'seller-payable',
  /** Refunds owed to a buyer, decided and not yet paid back through the provider. */
  'refunds-payable',
  /** What the platform owes a merchant for its sales, less returns and commission. */
  'merchant-payable',
  /** The platform's commission on merchants' sales (revenue). */
  'platform-commission',
  /** What the platform paid for the items it bought from sellers (cost of goods). */
  'platform-purchases',
  /** What recyclers pay for the scrap they take (revenue). */
  'platform-recycling-revenue',
  /** What a recycler owes for a settled lot. */
  'recycler-receivable',
  /** The platform's money at a payment provider: buyers' payments in, refunds and payouts out. */
  'provider-clearing',
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export type PartyKind = 'user' | 'organisation' | 'platform' | 'provider';

const PARTY_OF: Record<AccountKind, PartyKind> = {
  'seller-payable': 'user',
  'refunds-payable': 'user',
  'merchant-payable': 'organisation',
  'platform-commission': 'platform',
  'platform-purchases': 'platform',
  'platform-recycling-revenue': 'platform',
  'recycler-receivable': 'organisation',
  'provider-clearing': 'provider',
};

export interface AccountRef {
  kind: AccountKind;
  /** The user, organisation or provider; none for the platform's own accounts. */
  party?: string;
}

export function partyKindOf(kind: AccountKind): PartyKind {
  return PARTY_OF[kind];
}

/** `merchant-payable:<organisation id>`, `provider-clearing:wechatpay`, `platform-commission`. */
export function accountCode(ref: AccountRef): string {
  const partyKind = PARTY_OF[ref.kind];
  if (partyKind === 'platform') {
    if (ref.party) throw new Error(`${ref.kind} is the platform's own account: no party`);
    return ref.kind;
  }
  if (!ref.party) throw new Error(`${ref.kind} needs a ${partyKind}`);
  return `${ref.kind}:${ref.party}`;
}

export const account = {
  sellerPayable: (userId: string): AccountRef => ({ kind: 'seller-payable', party: userId }),
  refundsPayable: (userId: string): AccountRef => ({ kind: 'refunds-payable', party: userId }),
  merchantPayable: (orgId: string): AccountRef => ({ kind: 'merchant-payable', party: orgId }),
  commission: (): AccountRef => ({ kind: 'platform-commission' }),
  purchases: (): AccountRef => ({ kind: 'platform-purchases' }),
  recyclingRevenue: (): AccountRef => ({ kind: 'platform-recycling-revenue' }),
  recyclerReceivable: (orgId: string): AccountRef => ({
    kind: 'recycler-receivable',
    party: orgId,
  }),
  providerClearing: (provider: string): AccountRef => ({
    kind: 'provider-clearing',
    party: provider,
  }),
};
