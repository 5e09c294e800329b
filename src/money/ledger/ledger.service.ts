import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AccountKind, type AccountRef, accountCode, partyKindOf } from './accounts.js';

/** Why money moved (docs/money.md has one section per kind). */
export type EntryKind =
  | 'trade-in-purchase'
  | 'payment'
  | 'refund-owed'
  | 'refund'
  | 'payout'
  | 'commission'
  | 'recycler-settlement';

export interface JournalEntry {
  kind: EntryKind;
  /** Derived from the causing record (e.g. `payment:<sale order id>`): a second post is a no-op. */
  key: string;
  ref: { kind: string; id: string };
  memo: string;
  currency: string;
  /**
   * Money that moved at a payment provider: the provider and our number there (the payment's
   * intent id, the refund request or transfer number) — what its statement lines carry, so
   * reconciliation finds the entry of each line.
   */
  provider?: { name: string; ref: string };
  /** Debit positive, credit negative, integer minor units; they must sum to zero. */
  lines: Array<{ account: AccountRef; amountMinor: number }>;
}

export interface AccountBalance {
  code: string;
  kind: AccountKind;
  partyKind: string;
  party: string | null;
  currency: string;
  debitMinor: number;
  creditMinor: number;
  balanceMinor: number;
}

function toSafe(v: string | number | null): number {
  const n = Number(v ?? 0);
  if (!Number.isSafeInteger(n)) throw new Error(`ledger amount ${String(v)} is out of range`);
  return n;
}

/**
 * The double-entry ledger. `post` runs in the caller's transaction — the one that changes the
 * state causing the money to move — so a rolled-back transition leaves no entry and a
 * committed one always has its entry. The database refuses an unbalanced entry at commit and
 * any change to a posted one.
 */
@Injectable()
export class LedgerService {
  constructor(private readonly dataSource: DataSource) {}

  /** Posts the entry once per key; `posted: false` when it was posted before. */
  async post(m: EntityManager, entry: JournalEntry): Promise<{ entryId: string; posted: boolean }> {
    const lines = entry.lines.filter((l) => l.amountMinor !== 0);
    if (lines.length < 2) throw new Error(`journal entry ${entry.key} needs two lines or more`);
    for (const l of lines) {
      if (!Number.isSafeInteger(l.amountMinor)) {
        throw new Error(`journal entry ${entry.key}: ${l.amountMinor} is not an integer amount`);
      }
    }
    const sum = lines.reduce((s, l) => s + l.amountMinor, 0);
    if (sum !== 0) throw new Error(`journal entry ${entry.key} does not balance (${sum})`);
    if (!/^[A-Z]{3}$/.test(entry.currency)) throw new Error(`bad currency ${entry.currency}`);

    const inserted = await m.query<Array<{ id: string }>>(
      `INSERT INTO ledger_entries (kind, key, ref_kind, ref_id, memo, provider, provider_ref)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING RETURNING id`,
      [
        entry.kind,
        entry.key,
        entry.ref.kind,
        entry.ref.id,
        entry.memo,
        entry.provider?.name ?? null,
        entry.provider?.ref ?? null,
      ],
    );
    if (inserted.length === 0) {
      const [row] = await m.query<Array<{ id: string }>>(
        'SELECT id FROM ledger_entries WHERE key = $1',
        [entry.key],
      );
      return { entryId: row.id, posted: false };
    }
    const entryId = inserted[0].id;
    const ids = await this.accountIds(
      m,
      lines.map((l) => l.account),
    );
    const values: unknown[] = [];
    const tuples = lines.map((l, i) => {
      values.push(entryId, ids.get(accountCode(l.account)), l.amountMinor, entry.currency);
      const b = i * 4;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4})`;
    });
    await m.query(
      `INSERT INTO ledger_lines (entry_id, account_id, amount_minor, currency) VALUES ${tuples.join(', ')}`,
      values,
    );
    return { entryId, posted: true };
  }

  /** The accounts' ids, opened on first use. */
  private async accountIds(m: EntityManager, refs: AccountRef[]): Promise<Map<string, string>> {
    const unique = new Map(refs.map((r) => [accountCode(r), r]));
    const codes = [...unique.keys()];
    await m.query(
      `INSERT INTO ledger_accounts (code, kind, party_kind, party_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (code) DO NOTHING`,
      [
        codes,
        codes.map((c) => unique.get(c)!.kind),
        codes.map((c) => partyKindOf(unique.get(c)!.kind)),
        codes.map((c) => unique.get(c)!.party ?? null),
      ],
    );
    const rows = await m.query<Array<{ id: string; code: string }>>(
      'SELECT id, code FROM ledger_accounts WHERE code = ANY($1::text[])',
      [codes],
    );
    return new Map(rows.map((r) => [r.code, r.id]));
  }

  /** Every account's balance per currency, optionally only some kinds or one party. */
  async balances(
    filter: { kinds?: AccountKind[]; party?: string; currency?: string } = {},
    m: EntityManager = this.dataSource.manager,
  ): Promise<AccountBalance[]> {
    const rows = await m.query<
      Array<{
        code: string;
        kind: AccountKind;
        party_kind: string;
        party_id: string | null;
        currency: string;
        debit: string;
        credit: string;
      }>
    >(
      `SELECT a.code, a.kind, a.party_kind, a.party_id, l.currency,
              sum(l.amount_minor) FILTER (WHERE l.amount_minor > 0) AS debit,
              -sum(l.amount_minor) FILTER (WHERE l.amount_minor < 0) AS credit
         FROM ledger_lines l JOIN ledger_accounts a ON a.id = l.account_id
        WHERE ($1::text[] IS NULL OR a.kind = ANY($1::text[]))
          AND ($2::text IS NULL OR a.party_id = $2)
          AND ($3::text IS NULL OR l.currency = $3)
        GROUP BY a.code, a.kind, a.party_kind, a.party_id, l.currency
        ORDER BY a.kind, a.code, l.currency`,
      [filter.kinds ?? null, filter.party ?? null, filter.currency ?? null],
    );
    return rows.map((r) => {
      const debitMinor = toSafe(r.debit);
      const creditMinor = toSafe(r.credit);
      return {
        code: r.code,
        kind: r.kind,
        partyKind: r.party_kind,
        party: r.party_id,
        currency: r.currency,
        debitMinor,
        creditMinor,
        balanceMinor: debitMinor - creditMinor,
      };
    });
  }

  /** Each account's balance and, per currency, the totals (debits equal credits: zero). */
  async trialBalance(currency?: string) {
    const accounts = await this.balances({ currency });
    const totals = new Map<string, { debitMinor: number; creditMinor: number }>();
    for (const a of accounts) {
      const t = totals.get(a.currency) ?? { debitMinor: 0, creditMinor: 0 };
      t.debitMinor += a.debitMinor;
      t.creditMinor += a.creditMinor;
      totals.set(a.currency, t);
    }
    return {
      accounts,
      totals: [...totals.entries()].map(([cur, t]) => ({
        currency: cur,
        debitMinor: t.debitMinor,
        creditMinor: t.creditMinor,
        balanceMinor: t.debitMinor - t.creditMinor,
      })),
      asOf: new Date().toISOString(),
    };
  }

  /** The entries posted about one record (e.g. a sale order), oldest first, with their lines. */
  async entriesFor(refKind: string, refId: string, m: EntityManager = this.dataSource.manager) {
    const rows = await m.query<
      Array<{
        id: string;
        kind: EntryKind;
        key: string;
        memo: string;
        posted_at: Date;
        code: string;
        amount_minor: string;
        currency: string;
      }>
    >(
      `SELECT e.id, e.kind, e.key, e.memo, e.posted_at, a.code, l.amount_minor, l.currency
         FROM ledger_entries e JOIN ledger_lines l ON l.entry_id = e.id
         JOIN ledger_accounts a ON a.id = l.account_id
        WHERE e.ref_kind = $1 AND e.ref_id = $2 ORDER BY e.posted_at, e.id, l.id`,
      [refKind, refId],
    );
    const byId = new Map<
      string,
      {
        id: string;
        kind: EntryKind;
        key: string;
        memo: string;
        postedAt: Date;
        lines: Array<{ account: string; amountMinor: number; currency: string }>;
      }
    >();
    for (const r of rows) {
      const e = byId.get(r.id) ?? {
        id: r.id,
        kind: r.kind,
        key: r.key,
        memo: r.memo,
        postedAt: r.posted_at,
        lines: [],
      };
      e.lines.push({ account: r.code, amountMinor: toSafe(r.amount_minor), currency: r.currency });
      byId.set(r.id, e);
    }
    return [...byId.values()];
  }
}
