import { Injectable } from '@nestjs/common';
import { NotFound } from '../../core/errors.js';
import { decodeCursor, toPage } from '../../core/http/pagination.js';
import { ReconciliationRepository } from '../data/reconciliation.repository.js';
import type { ProviderStatement } from '../providers/payment-provider.js';

export type LineStatus = 'matched' | 'missing-ours' | 'missing-theirs' | 'amount-mismatch';
export const LINE_STATUSES: LineStatus[] = [
  'matched',
  'missing-ours',
  'missing-theirs',
  'amount-mismatch',
];

export const DAY = 86_400_000;
const CHINA = 8 * 3_600_000;

/** The calendar day (YYYY-MM-DD) in China time of an instant. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + CHINA).toISOString().slice(0, 10);
}
/** Midnight at the start of a day in China time. */
export const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);
export const nextDay = (day: string) => chinaDay(new Date(dayStart(day).getTime() + DAY));

export interface ReportLine {
  status: LineStatus;
  kind: 'payment' | 'refund';
  ourRef: string;
  providerRef: string | null;
  theirAmountMinor: number | null;
  ourAmountMinor: number | null;
  currency: string;
  theirAt: Date | null;
  ourAt: Date | null;
  entryId: string | null;
  transferId: string | null;
  recordKind: string | null;
  recordId: string | null;
  note: string | null;
  raw: Record<string, string> | null;
}

export interface RunRow {
  id: string;
  provider: string;
  day: string;
  source: 'upload' | 'provider';
  trigger: 'admin' | 'scheduled';
  file_sha256: string;
  statement_lines: number;
  matched: number;
  missing_ours: number;
  missing_theirs: number;
  amount_mismatch: number;
  totals: ProviderStatement['totals'];
  requested_by: string | null;
  created_at: Date;
}

export interface LineRow {
  id: string;
  status: LineStatus;
  kind: 'payment' | 'refund';
  our_ref: string;
  provider_ref: string | null;
  their_amount_minor: string | null;
  our_amount_minor: string | null;
  currency: string;
  their_at: Date | null;
  our_at: Date | null;
  at: Date;
  ledger_entry_id: string | null;
  transfer_id: string | null;
  record_kind: string | null;
  record_id: string | null;
  note: string | null;
  case_key: string | null;
  raw: Record<string, string> | null;
}

export function runView(r: RunRow) {
  return {
    id: r.id,
    provider: r.provider,
    day: r.day,
    source: r.source,
    trigger: r.trigger,
    fileSha256: r.file_sha256,
    statementLines: r.statement_lines,
    counts: {
      matched: r.matched,
      missingOurs: r.missing_ours,
      missingTheirs: r.missing_theirs,
      amountMismatch: r.amount_mismatch,
    },
    /** The statement's own summary: line count, payments and refunds in minor units. */
    totals: r.totals,
    requestedBy: r.requested_by,
    createdAt: r.created_at,
  };
}

function lineView(r: LineRow) {
  return {
    id: r.id,
    status: r.status,
    kind: r.kind,
    ourRef: r.our_ref,
    providerRef: r.provider_ref,
    theirAmountMinor: r.their_amount_minor === null ? null : Number(r.their_amount_minor),
    ourAmountMinor: r.our_amount_minor === null ? null : Number(r.our_amount_minor),
    currency: r.currency,
    theirAt: r.their_at,
    ourAt: r.our_at,
    ledgerEntryId: r.ledger_entry_id,
    transferId: r.transfer_id,
    record: r.record_kind && r.record_id ? { kind: r.record_kind, id: r.record_id } : null,
    note: r.note,
    caseKey: r.case_key,
    raw: r.raw,
  };
}

/**
 * Daily reconciliation (issue 23, point 5): the reports. Each run of a day's statement is kept
 * with its report line by line; reconciling is `ReconciliationRuns` (an admin's upload or the
 * daily job of `ReconciliationSchedule`).
 *
 * The class keeps its name and the controller field `reconciliation`: they name the OpenAPI
 * components `ReconciliationList` and `ReconciliationLines`.
 */
@Injectable()
export class ReconciliationService {
  constructor(private readonly runs: ReconciliationRepository) {}

  async list(q: { provider?: string; day?: string; limit?: number; cursor?: string }) {
    const limit = q.limit ?? 50;
    const cursor = decodeCursor(q.cursor);
    const rows = await this.runs.runs(q, cursor, limit + 1);
    return toPage(rows, limit, runView, (r) => r.created_at);
  }

  async get(id: string) {
    const row = await this.runs.run(id);
    if (!row) throw new NotFound('Reconciliation', id);
    return runView(row);
  }

  /** A run's report, newest line first (their time, or ours where they have none). */
  async lines(
    id: string,
    q: { status?: LineStatus; kind?: 'payment' | 'refund'; limit?: number; cursor?: string },
  ) {
    await this.get(id);
    const limit = q.limit ?? 50;
    const cursor = decodeCursor(q.cursor);
    const rows = await this.runs.lines(id, q, cursor, limit + 1);
    return toPage(rows, limit, lineView, (r) => r.at);
  }
}
