import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';
import type { KeysetCursor } from '../../core/http/pagination.js';
import type {
  LineRow,
  LineStatus,
  ReportLine,
  RunRow,
} from '../reconciliation/reconciliation.service.js';

const RUN_COLUMNS = `id, provider, to_char(day, 'YYYY-MM-DD') AS day, source, trigger, file_sha256,
              statement_lines, matched, missing_ours, missing_theirs, amount_mismatch, totals,
              requested_by, created_at`;

/** A ledger entry that moved money at a provider, with its amount on the clearing account. */
export interface ProviderEntryRow {
  id: string;
  kind: 'payment' | 'refund';
  ref: string;
  ref_kind: string;
  ref_id: string;
  posted_at: Date;
  amount: string;
  currency: string;
}

/** A refund transfer as reconciliation compares it. */
export interface OpenRefundRow {
  id: string;
  state: string;
  amount_minor: string;
  currency: string;
  source_kind: string;
  source_id: string;
  created_at: Date;
}

/** A line of another day's latest run, by its kind and number (`key`). */
export interface OtherDayLineRow {
  key: string;
  day: string;
  provider_ref: string | null;
  their_amount_minor: string;
  currency: string;
  their_at: Date;
}

/** Reconciliation runs and their report lines, and the ledger and transfers they compare. */
@Injectable()
export class ReconciliationRepository extends DataRepository {
  /** Takes the day's reconciliation lock for the caller's transaction; false when it is held. */
  async tryLockDay(m: EntityManager, provider: string, day: string): Promise<boolean> {
    const [lock] = await m.query<Array<{ locked: boolean }>>(
      'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
      [`reconciliation:${provider}:${day}`],
    );
    return lock.locked;
  }

  async insertRun(
    m: EntityManager,
    r: {
      provider: string;
      day: string;
      source: 'upload' | 'provider';
      trigger: string;
      sha256: string;
      statementLines: number;
      matched: number;
      missingOurs: number;
      missingTheirs: number;
      amountMismatch: number;
      totals: unknown;
      requestedBy: string | null;
    },
  ): Promise<RunRow> {
    const [run] = await m.query<RunRow[]>(
      `INSERT INTO reconciliation_runs (provider, day, source, trigger, file_sha256,
           statement_lines, matched, missing_ours, missing_theirs, amount_mismatch, totals,
           requested_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12)
         RETURNING ${RUN_COLUMNS}`,
      [
        r.provider,
        r.day,
        r.source,
        r.trigger,
        r.sha256,
        r.statementLines,
        r.matched,
        r.missingOurs,
        r.missingTheirs,
        r.amountMismatch,
        JSON.stringify(r.totals),
        r.requestedBy,
      ],
    );
    return run;
  }

  /** Whether the scheduled run of this provider and day was made. */
  async scheduledRunDone(provider: string, day: string): Promise<boolean> {
    const [done] = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM reconciliation_runs WHERE provider = $1 AND day = $2 AND trigger = 'scheduled'`,
      [provider, day],
    );
    return Boolean(done);
  }

  /**
   * Entries that moved money at this provider through its clearing account: those posted in
   * `[from, until)`, and those the statement's keys (`kind:ref`) name.
   */
  providerEntries(
    m: EntityManager,
    q: { clearing: string; provider: string; from: Date; until: Date; keys: string[] },
  ): Promise<ProviderEntryRow[]> {
    return m.query<ProviderEntryRow[]>(
      `SELECT e.id, e.kind, e.provider_ref AS ref, e.ref_kind, e.ref_id, e.posted_at,
              abs(l.amount_minor) AS amount, l.currency
         FROM ledger_entries e
         JOIN ledger_lines l ON l.entry_id = e.id
         JOIN ledger_accounts a ON a.id = l.account_id AND a.code = $1
        WHERE e.provider = $2 AND e.kind IN ('payment', 'refund') AND e.provider_ref IS NOT NULL
          AND ((e.posted_at >= $3 AND e.posted_at < $4)
               OR (e.kind || ':' || e.provider_ref) = ANY($5::text[]))`,
      [q.clearing, q.provider, q.from, q.until, q.keys],
    );
  }

  /** The provider's refund transfers of these ids. */
  refunds(m: EntityManager, provider: string, ids: string[]): Promise<OpenRefundRow[]> {
    return m.query<OpenRefundRow[]>(
      `SELECT id, state, amount_minor, currency, source_kind, source_id, created_at
               FROM money_transfers WHERE kind = 'refund' AND provider = $1 AND id = ANY($2::uuid[])`,
      [provider, ids],
    );
  }

  /** These keys' lines in the latest run of every other day of the provider. */
  otherDayLines(
    m: EntityManager,
    provider: string,
    day: string,
    keys: string[],
  ): Promise<OtherDayLineRow[]> {
    return m.query<OtherDayLineRow[]>(
      `WITH latest AS (
               SELECT DISTINCT ON (day) id, day FROM reconciliation_runs
                WHERE provider = $1 AND day <> $2 ORDER BY day, created_at DESC)
             SELECT l.kind || ':' || l.our_ref AS key, to_char(latest.day, 'YYYY-MM-DD') AS day,
                    l.provider_ref, l.their_amount_minor, l.currency, l.their_at
               FROM reconciliation_lines l JOIN latest ON latest.id = l.run_id
              WHERE l.their_amount_minor IS NOT NULL AND (l.kind || ':' || l.our_ref) = ANY($3::text[])`,
      [provider, day, keys],
    );
  }

  /** Stores a run's report lines (500 a statement), each with its case key (null if matched). */
  async insertLines(
    m: EntityManager,
    runId: string,
    lines: ReadonlyArray<ReportLine & { caseKey: string | null }>,
  ): Promise<void> {
    for (let i = 0; i < lines.length; i += 500) {
      const chunk = lines.slice(i, i + 500);
      const values: unknown[] = [];
      const tuples = chunk.map((l) => {
        const row = [
          runId,
          l.status,
          l.kind,
          l.ourRef,
          l.providerRef,
          l.theirAmountMinor,
          l.ourAmountMinor,
          l.currency,
          l.theirAt,
          l.ourAt,
          l.theirAt ?? l.ourAt ?? new Date(),
          l.entryId,
          l.transferId,
          l.recordKind,
          l.recordId,
          l.note,
          l.caseKey,
          l.raw === null ? null : JSON.stringify(l.raw),
        ];
        const b = values.length;
        values.push(...row);
        return `(${row.map((_, j) => `$${b + j + 1}`).join(', ')})`;
      });
      await m.query(
        `INSERT INTO reconciliation_lines (run_id, status, kind, our_ref, provider_ref,
           their_amount_minor, our_amount_minor, currency, their_at, our_at, at, ledger_entry_id,
           transfer_id, record_kind, record_id, note, case_key, raw)
         VALUES ${tuples.join(', ')}`,
        values,
      );
    }
  }

  /** Newest run first, keyset-paged; `limit` rows at most. */
  runs(
    q: { provider?: string; day?: string },
    cursor: KeysetCursor | null,
    limit: number,
  ): Promise<RunRow[]> {
    return this.dataSource.query<RunRow[]>(
      `SELECT ${RUN_COLUMNS}
         FROM reconciliation_runs
        WHERE ($1::text IS NULL OR provider = $1) AND ($2::date IS NULL OR day = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [q.provider ?? null, q.day ?? null, cursor?.at ?? null, cursor?.id ?? null, limit],
    );
  }

  async run(id: string): Promise<RunRow | undefined> {
    const [row] = await this.dataSource.query<RunRow[]>(
      `SELECT ${RUN_COLUMNS}
         FROM reconciliation_runs WHERE id = $1`,
      [id],
    );
    return row;
  }

  /** A run's lines, newest first (their time, or ours), keyset-paged; `limit` rows at most. */
  lines(
    runId: string,
    q: { status?: LineStatus; kind?: 'payment' | 'refund' },
    cursor: KeysetCursor | null,
    limit: number,
  ): Promise<LineRow[]> {
    return this.dataSource.query<LineRow[]>(
      `SELECT * FROM reconciliation_lines
        WHERE run_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR kind = $3)
          AND ($4::timestamptz IS NULL OR (at, id) < ($4::timestamptz, $5::uuid))
        ORDER BY at DESC, id DESC LIMIT $6`,
      [runId, q.status ?? null, q.kind ?? null, cursor?.at ?? null, cursor?.id ?? null, limit],
    );
  }
}
