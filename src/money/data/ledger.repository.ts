import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';
import type { AccountKind } from '../ledger/accounts.js';

/** An account's debits and credits in one currency, as summed by the database. */
export interface BalanceRow {
  code: string;
  kind: AccountKind;
  party_kind: string;
  party_id: string | null;
  currency: string;
  debit: string;
  credit: string;
}

/** One line of an entry about a record, with its entry. */
export interface EntryLineRow {
  id: string;
  kind: string;
  key: string;
  memo: string;
  posted_at: Date;
  code: string;
  amount_minor: string;
  currency: string;
}

/** The double-entry ledger's entries, lines and accounts. */
@Injectable()
export class LedgerRepository extends DataRepository {
  /** Inserts the entry unless its key is taken: its id, or null when it was posted before. */
  async insertEntry(
    m: EntityManager,
    entry: {
      kind: string;
      key: string;
      ref: { kind: string; id: string };
      memo: string;
      provider?: { name: string; ref: string };
    },
  ): Promise<string | null> {
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
    return inserted.length === 0 ? null : inserted[0].id;
  }

  async entryIdByKey(m: EntityManager, key: string): Promise<string> {
    const [row] = await m.query<Array<{ id: string }>>(
      'SELECT id FROM ledger_entries WHERE key = $1',
      [key],
    );
    return row.id;
  }

  async insertLines(
    m: EntityManager,
    entryId: string,
    currency: string,
    lines: ReadonlyArray<{ accountId: string | undefined; amountMinor: number }>,
  ): Promise<void> {
    const values: unknown[] = [];
    const tuples = lines.map((l, i) => {
      values.push(entryId, l.accountId, l.amountMinor, currency);
      const b = i * 4;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4})`;
    });
    await m.query(
      `INSERT INTO ledger_lines (entry_id, account_id, amount_minor, currency) VALUES ${tuples.join(', ')}`,
      values,
    );
  }

  /** Opens the accounts not opened yet, then answers every one's id by code. */
  async accountIds(
    m: EntityManager,
    accounts: ReadonlyArray<{
      code: string;
      kind: string;
      partyKind: string;
      party: string | null;
    }>,
  ): Promise<Map<string, string>> {
    const codes = accounts.map((a) => a.code);
    await m.query(
      `INSERT INTO ledger_accounts (code, kind, party_kind, party_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (code) DO NOTHING`,
      [
        codes,
        accounts.map((a) => a.kind),
        accounts.map((a) => a.partyKind),
        accounts.map((a) => a.party),
      ],
    );
    const rows = await m.query<Array<{ id: string; code: string }>>(
      'SELECT id, code FROM ledger_accounts WHERE code = ANY($1::text[])',
      [codes],
    );
    return new Map(rows.map((r) => [r.code, r.id]));
  }

  balances(
    filter: { kinds?: AccountKind[]; party?: string; currency?: string },
    m?: EntityManager,
  ): Promise<BalanceRow[]> {
    return this.manager(m).query<BalanceRow[]>(
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
  }

  /** The lines of the entries about one record, oldest entry first. */
  entryLines(refKind: string, refId: string, m?: EntityManager): Promise<EntryLineRow[]> {
    return this.manager(m).query<EntryLineRow[]>(
      `SELECT e.id, e.kind, e.key, e.memo, e.posted_at, a.code, l.amount_minor, l.currency
         FROM ledger_entries e JOIN ledger_lines l ON l.entry_id = e.id
         JOIN ledger_accounts a ON a.id = l.account_id
        WHERE e.ref_kind = $1 AND e.ref_id = $2 ORDER BY e.posted_at, e.id, l.id`,
      [refKind, refId],
    );
  }
}
