import { createHash } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OpenSupportCase } from '../../core/jobs/job-catalogue.js';
import { job, type OutboxJob } from '../../core/jobs/job-definition.js';
import { OutboxService } from '../../core/outbox/outbox.service.js';
import { pick } from '../../core/pick.js';
import { ReconciliationRepository } from '../data/reconciliation.repository.js';
import { accountCode, account } from '../ledger/accounts.js';
import { PaymentProviders } from '../providers/payment-providers.js';
import {
  type PaymentProvider,
  type ProviderStatement,
  StatementFormatError,
  type StatementLine,
  StatementNotReady,
} from '../providers/payment-provider.js';
import {
  chinaDay,
  dayStart,
  type LineStatus,
  nextDay,
  type ReportLine,
  runView,
} from './reconciliation.service.js';

/** What we hold about one payment or refund at the provider. */
interface OurRecord {
  key: string;
  kind: 'payment' | 'refund';
  ref: string;
  amountMinor: number;
  currency: string;
  at: Date;
  entryId: string | null;
  transferId: string | null;
  recordKind: string;
  recordId: string;
}

/** A 32-hex transfer number back to the transfer's id (null if it is not one). */
function transferIdOf(no: string): string | null {
  const m = /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/i.exec(no);
  return m ? m.slice(1).join('-').toLowerCase() : null;
}

/**
 * Daily reconciliation (issue 23, point 5). A provider's statement of a day — uploaded by an
 * admin or fetched from the provider (daily, for yesterday: `ReconciliationSchedule`) — is
 * matched line by line against
 * the ledger: each line's number (our payment intent or refund request number) finds the entry
 * that moved that money at the provider, whatever day it was posted; our entries of the day
 * that no statement line names are looked for in the statements of other days. Every line not
 * matched opens a `reconciliation-mismatch` support case, one per line however often the day
 * is run (its dedupe key is the line's number). Each run is kept, with its report.
 */
@Injectable()
export class ReconciliationRuns {
  private readonly logger = new Logger(ReconciliationRuns.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    @Inject(PaymentProviders) private readonly providers: PaymentProviders,
    private readonly runs: ReconciliationRepository,
  ) {}

  /** Reconciles a day: the uploaded statement, or else the one fetched from the provider. */
  async reconcile(r: {
    provider?: string;
    day: string;
    content?: string;
    trigger: 'admin' | 'scheduled';
    requestedBy: string | null;
  }) {
    const provider = this.statementProvider(r.provider ?? this.providers.active.name);
    if (r.day >= chinaDay(new Date())) {
      throw new BadRequestException(
        `A day's statement is published the next day: ${r.day} is not over yet (China time)`,
      );
    }
    let text: string | null;
    if (r.content !== undefined) {
      text = r.content;
    } else {
      text = await this.fetch(provider, r.day);
    }
    let statement: ProviderStatement;
    try {
      statement =
        text === null
          ? { lines: [], totals: { lines: 0, paymentsMinor: 0, refundsMinor: 0 } }
          : provider.parseStatement!(text);
    } catch (err) {
      if (err instanceof StatementFormatError) {
        throw new BadRequestException(`${provider.name} statement refused: ${err.message}`);
      }
      throw err;
    }
    const start = dayStart(r.day);
    const end = dayStart(nextDay(r.day));
    for (const line of statement.lines) {
      const at = new Date(line.at);
      if (at < start || at >= end) {
        throw new BadRequestException(
          `${provider.name} statement refused: it holds a line of ${chinaDay(at)} (${line.ourRef}), so it is not the statement of ${r.day}`,
        );
      }
    }
    const sha256 = createHash('sha256')
      .update(text ?? '')
      .digest('hex');
    return this.dataSource.transaction(async (m) => {
      if (!(await this.runs.tryLockDay(m, provider.name, r.day))) {
        throw new ConflictException(
          `A reconciliation of ${r.day} at ${provider.name} is running: see its report when it ends`,
        );
      }
      const lines = await this.match(m, provider.name, r.day, statement.lines);
      const count = (s: LineStatus) => lines.filter((l) => l.status === s).length;
      const run = await this.runs.insertRun(m, {
        provider: provider.name,
        day: r.day,
        source: r.content !== undefined ? 'upload' : 'provider',
        trigger: r.trigger,
        sha256,
        statementLines: statement.lines.length,
        matched: count('matched'),
        missingOurs: count('missing-ours'),
        missingTheirs: count('missing-theirs'),
        amountMismatch: count('amount-mismatch'),
        totals: statement.totals,
        requestedBy: r.requestedBy,
      });
      await this.runs.insertLines(
        m,
        run.id,
        lines.map((l) => ({
          ...l,
          caseKey: l.status === 'matched' ? null : caseKey(provider.name, l),
        })),
      );
      await this.outbox.write(
        m,
        lines
          .filter((l) => l.status !== 'matched')
          .map((l) => this.caseJob(provider.name, r.day, run.id, l)),
      );
      this.logger.log(
        `Reconciled ${provider.name} ${r.day}: ${count('matched')} matched, ${count('missing-ours')} missing on our side, ${count('missing-theirs')} missing on theirs, ${count('amount-mismatch')} amount mismatches`,
      );
      return runView(run);
    });
  }

  statementProvider(name: string): PaymentProvider {
    let provider: PaymentProvider;
    try {
      provider = this.providers.get(name);
    } catch {
      throw new BadRequestException(`Payment provider ${name} is not configured`);
    }
    if (!provider.parseStatement) {
      throw new BadRequestException(`Payment provider ${name} publishes no statement to reconcile`);
    }
    return provider;
  }

  private async fetch(provider: PaymentProvider, day: string): Promise<string | null> {
    if (!provider.fetchStatement) {
      throw new BadRequestException(
        `Payment provider ${provider.name} has no statement to fetch: upload its file as content`,
      );
    }
    try {
      return await provider.fetchStatement(day);
    } catch (err) {
      if (err instanceof StatementNotReady) {
        throw new ServiceUnavailableException(`${err.message}: try again later`);
      }
      throw new ServiceUnavailableException(
        `Could not fetch the statement of ${day} from ${provider.name}: ${(err as Error).message}`.slice(
          0,
          500,
        ),
      );
    }
  }

  /** The report: each statement line against our records, then our records of the day left. */
  private async match(
    m: EntityManager,
    provider: string,
    day: string,
    statement: StatementLine[],
  ): Promise<ReportLine[]> {
    const keyOf = (kind: string, ref: string) => `${kind}:${ref}`;
    const clearing = accountCode(account.providerClearing(provider));
    const theirKeys = statement.map((l) => keyOf(l.kind, l.ourRef));
    // Entries that moved money at this provider: those of the day, and those the lines name.
    const entries = await this.runs.providerEntries(m, {
      clearing,
      provider,
      from: dayStart(day),
      until: dayStart(nextDay(day)),
      keys: theirKeys,
    });
    const ours = new Map<string, OurRecord>(
      entries.map((e) => [
        keyOf(e.kind, e.ref),
        {
          key: keyOf(e.kind, e.ref),
          kind: e.kind,
          ref: e.ref,
          amountMinor: Number(e.amount),
          currency: e.currency,
          at: e.posted_at,
          entryId: e.id,
          transferId: null,
          recordKind: e.ref_kind,
          recordId: e.ref_id,
        },
      ]),
    );
    // Refunds the provider accepted that our ledger has not posted yet: still at the provider
    // (processing), or given up on our side (failed).
    const openRefunds = statement
      .filter((l) => l.kind === 'refund' && !ours.has(keyOf('refund', l.ourRef)))
      .map((l) => transferIdOf(l.ourRef))
      .filter((id): id is string => id !== null);
    const transfers = new Map(
      (openRefunds.length ? await this.runs.refunds(m, provider, openRefunds) : []).map((t) => [
        t.id.replace(/-/g, ''),
        t,
      ]),
    );

    const report: ReportLine[] = [];
    const used = new Set<string>();
    for (const line of statement) {
      const key = keyOf(line.kind, line.ourRef);
      const theirs = {
        kind: line.kind,
        ourRef: line.ourRef,
        providerRef: line.providerRef || null,
        theirAmountMinor: line.amountMinor,
        theirAt: new Date(line.at),
        raw: line.raw,
      };
      const record = ours.get(key);
      if (record && !used.has(key)) {
        used.add(key);
        report.push({ ...theirs, ...compare(line, record), ...ourSide(record), note: null });
        continue;
      }
      const transfer = line.kind === 'refund' ? transfers.get(line.ourRef) : undefined;
      if (transfer && transfer.state !== 'failed' && !used.has(key)) {
        used.add(key);
        const record = {
          amountMinor: Number(transfer.amount_minor),
          currency: transfer.currency,
        };
        report.push({
          ...theirs,
          ...compare(line, record),
          currency: line.currency,
          ourAmountMinor: record.amountMinor,
          ourAt: transfer.created_at,
          entryId: null,
          transferId: transfer.id,
          recordKind: transfer.source_kind,
          recordId: transfer.source_id,
          note: `refund ${transfer.state} on our side: posted to the ledger when the provider confirms it`,
        });
        continue;
      }
      report.push({
        ...theirs,
        status: 'missing-ours',
        currency: line.currency,
        ourAmountMinor: null,
        ourAt: null,
        entryId: null,
        transferId: transfer?.id ?? null,
        recordKind: transfer?.source_kind ?? null,
        recordId: transfer?.source_id ?? null,
        note: used.has(key)
          ? 'the statement has this line twice'
          : transfer
            ? 'the refund failed on our side, but the provider accepted it'
            : null,
      });
    }

    // Our entries of the day no line of this statement names: on another day's statement?
    const start = dayStart(day);
    const end = dayStart(nextDay(day));
    const left = [...ours.values()].filter((o) => !used.has(o.key) && o.at >= start && o.at < end);
    const elsewhere = new Map(
      (left.length
        ? await this.runs.otherDayLines(
            m,
            provider,
            day,
            left.map((o) => o.key),
          )
        : []
      ).map((r) => [r.key, r]),
    );
    for (const o of left) {
      const other = elsewhere.get(o.key);
      if (other) {
        const line = {
          amountMinor: Number(other.their_amount_minor),
          currency: other.currency,
        };
        report.push({
          kind: o.kind,
          ourRef: o.ref,
          providerRef: other.provider_ref,
          theirAmountMinor: line.amountMinor,
          theirAt: other.their_at,
          raw: null,
          ...compare(line, o),
          ...ourSide(o),
          note: `on the statement of ${other.day}`,
        });
      } else {
        report.push({
          kind: o.kind,
          ourRef: o.ref,
          providerRef: null,
          theirAmountMinor: null,
          theirAt: null,
          raw: null,
          status: 'missing-theirs',
          ...ourSide(o),
          note: null,
        });
      }
    }
    return report;
  }

  private caseJob(provider: string, day: string, runId: string, l: ReportLine): OutboxJob {
    const what = `${l.kind} ${l.ourRef}`;
    const amount = (v: number | null) => (v === null ? 'nothing' : `${v} ${l.currency}`);
    const summary =
      l.status === 'missing-ours'
        ? `${provider} statement of ${day}: ${what} (${amount(l.theirAmountMinor)}) is not in our ledger`
        : l.status === 'missing-theirs'
          ? `${provider} statement of ${day}: our ${what} (${amount(l.ourAmountMinor)}) is not on the provider's statement`
          : `${provider} statement of ${day}: ${what} is ${amount(l.theirAmountMinor)} at the provider, ${amount(l.ourAmountMinor)} in our ledger`;
    return job(OpenSupportCase, {
      kind: 'reconciliation-mismatch',
      dedupeKey: caseKey(provider, l),
      summary: summary.slice(0, 500),
      itemIds: [],
      orderRef:
        l.recordKind === 'sale-order' && l.recordId ? { kind: 'sale-order', id: l.recordId } : null,
      customerId: null,
      detail: {
        provider,
        day,
        runId,
        status: l.status,
        kind: l.kind,
        ourRef: l.ourRef,
        providerRef: l.providerRef,
        theirAmountMinor: l.theirAmountMinor,
        ourAmountMinor: l.ourAmountMinor,
        currency: l.currency,
        ledgerEntryId: l.entryId,
        transferId: l.transferId,
        ...(l.note ? { note: l.note } : {}),
      },
    });
  }
}

/** One case per statement line (its kind and number), whichever day's run finds it. */
function caseKey(provider: string, l: Pick<ReportLine, 'kind' | 'ourRef'>): string {
  return `reconciliation:${provider}:${l.kind}:${l.ourRef}`;
}

function compare(
  theirs: { amountMinor: number; currency: string },
  ours: { amountMinor: number; currency: string },
): { status: LineStatus; currency: string } {
  return {
    status:
      theirs.amountMinor === ours.amountMinor && theirs.currency === ours.currency
        ? 'matched'
        : 'amount-mismatch',
    currency: ours.currency,
  };
}

function ourSide(o: OurRecord) {
  return {
    ...pick(o, ['currency', 'entryId', 'transferId', 'recordKind', 'recordId']),
    ourAmountMinor: o.amountMinor,
    ourAt: o.at,
  };
}
