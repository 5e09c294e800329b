import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LedgerRepository } from '../data/ledger.repository.js';
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
  constructor(private readonly entries: LedgerRepository) {}

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

    const inserted = await this.entries.insertEntry(m, entry);
    if (inserted === null) {
      return { entryId: await this.entries.entryIdByKey(m, entry.key), posted: false };
    }
    const entryId = inserted;
    const ids = await this.accountIds(
      m,
      lines.map((l) => l.account),
    );
    await this.entries.insertLines(
      m,
      entryId,
      entry.currency,
      lines.map((l) => ({
        accountId: ids.get(accountCode(l.account)),
        amountMinor: l.amountMinor,
      })),
    );
    return { entryId, posted: true };
  }

  /** The accounts' ids, opened on first use. */
  private async accountIds(m: EntityManager, refs: AccountRef[]): Promise<Map<string, string>> {
    const unique = new Map(refs.map((r) => [accountCode(r), r]));
    const codes = [...unique.keys()];
    return this.entries.accountIds(
      m,
      codes.map((c) => ({
        code: c,
        kind: unique.get(c)!.kind,
        partyKind: partyKindOf(unique.get(c)!.kind),
        party: unique.get(c)!.party ?? null,
      })),
    );
  }

  /** Every account's balance per currency, optionally only some kinds or one party. */
  async balances(
    filter: { kinds?: AccountKind[]; party?: string; currency?: string } = {},
    m?: EntityManager,
  ): Promise<AccountBalance[]> {
    const rows = await this.entries.balances(filter, m);
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
  async entriesFor(refKind: string, refId: string, m?: EntityManager) {
    const rows = await this.entries.entryLines(refKind, refId, m);
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
        kind: r.kind as EntryKind,
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
