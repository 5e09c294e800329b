import { ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { NotFound } from '../../core/errors.js';
import { decodeCursor, toPage } from '../../core/http/pagination.js';
import { ExecuteTransfer, OpenSupportCase, type SourceRef } from '../../core/jobs/job-catalogue.js';
import { job, type JobContext } from '../../core/jobs/job-definition.js';
import { OutboxService } from '../../core/outbox/outbox.service.js';
import { PayoutAccountRepository } from '../data/payout-account.repository.js';
import { TransferRepository, type TransferRecord } from '../data/transfer.repository.js';
import { account, type AccountKind } from '../ledger/accounts.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { PaymentProviders } from '../providers/payment-providers.js';
import { PayeeAccountMissing, type ProviderAnswer } from '../providers/payment-provider.js';
import { TransferHooks } from './transfer-hooks.js';

export type TransferState = 'pending' | 'held' | 'processing' | 'succeeded' | 'failed';

/** Where a failed transfer is reported (the support case's order, customer and items). */
export interface TransferContext {
  orderRef?: SourceRef;
  customerId?: string;
  itemIds?: string[];
  organisationId?: string;
}

export interface TransferRow {
  id: string;
  kind: 'refund' | 'payout';
  key: string;
  provider: string;
  state: TransferState;
  holdReason: string | null;
  partyKind: 'user' | 'organisation';
  partyId: string;
  accountKind: Extract<AccountKind, 'refunds-payable' | 'seller-payable' | 'merchant-payable'>;
  amountMinor: number;
  currency: string;
  paymentRef: string | null;
  paymentTotalMinor: number | null;
  sourceKind: string;
  sourceId: string;
  reason: string;
  context: TransferContext;
  providerRef: string | null;
  providerAnswer: Record<string, unknown> | null;
  attempts: number;
  lastError: string | null;
  settledAt: Date | null;
  failedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

function toTransfer(r: TransferRecord): TransferRow {
  return {
    id: r.id,
    kind: r.kind,
    key: r.key,
    provider: r.provider,
    state: r.state,
    holdReason: r.hold_reason,
    partyKind: r.party_kind,
    partyId: r.party_id,
    accountKind: r.account_kind,
    amountMinor: Number(r.amount_minor),
    currency: r.currency,
    paymentRef: r.payment_ref,
    paymentTotalMinor: r.payment_total_minor === null ? null : Number(r.payment_total_minor),
    sourceKind: r.source_kind,
    sourceId: r.source_id,
    reason: r.reason,
    context: r.context ?? {},
    providerRef: r.provider_ref,
    providerAnswer: r.provider_answer,
    attempts: r.attempts,
    lastError: r.last_error,
    settledAt: r.settled_at,
    failedAt: r.failed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Our number at the provider: the transfer's id without dashes (32 letters and digits). */
export function transferNo(t: Pick<TransferRow, 'id'>): string {
  return t.id.replace(/-/g, '');
}

export interface RefundOrder {
  /** The record that causes it, e.g. `sale-order:<id>:return-refund`. */
  key: string;
  provider: string;
  buyerId: string;
  amountMinor: number;
  currency: string;
  paymentRef: string;
  paymentTotalMinor: number;
  source: { kind: string; id: string };
  reason: string;
  context?: TransferContext;
}

export interface PayoutOrder {
  key: string;
  party: { kind: 'user' | 'organisation'; id: string };
  accountKind: 'seller-payable' | 'merchant-payable';
  amountMinor: number;
  currency: string;
  source: { kind: string; id: string };
  reason: string;
  context?: TransferContext;
}

/**
 * Refunds and payouts (issue 23, point 3). A stage asks for one in the transaction of its
 * decision (`requestRefund` / `requestPayout`): a transfer row, unique per causing record, and
 * an ExecuteTransfer job in the outbox — nothing leaves for the provider before that commits.
 * The job calls the provider with the transfer's id as the provider's idempotency key, records
 * every answer, and on success posts the ledger entry in the transaction that marks it done.
 * Errors are retried with backoff; a refusal, or errors past the last try, end in a support case.
 */
@Injectable()
export class TransfersService {
  private readonly logger = new Logger(TransfersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly ledger: LedgerService,
    private readonly hooks: TransferHooks,
    @Inject(PaymentProviders) private readonly providers: PaymentProviders,
    private readonly transfers: TransferRepository,
    private readonly payoutAccounts: PayoutAccountRepository,
  ) {}

  async requestRefund(m: EntityManager, r: RefundOrder): Promise<TransferRow> {
    return this.request(m, {
      kind: 'refund',
      key: r.key,
      provider: r.provider,
      partyKind: 'user',
      partyId: r.buyerId,
      accountKind: 'refunds-payable',
      amountMinor: r.amountMinor,
      currency: r.currency,
      paymentRef: r.paymentRef,
      paymentTotalMinor: r.paymentTotalMinor,
      source: r.source,
      reason: r.reason,
      context: r.context ?? {},
    });
  }

  /** Paid through the active provider. */
  async requestPayout(m: EntityManager, p: PayoutOrder): Promise<TransferRow> {
    return this.request(m, {
      kind: 'payout',
      key: p.key,
      provider: this.providers.active.name,
      partyKind: p.party.kind,
      partyId: p.party.id,
      accountKind: p.accountKind,
      amountMinor: p.amountMinor,
      currency: p.currency,
      paymentRef: null,
      paymentTotalMinor: null,
      source: p.source,
      reason: p.reason,
      context: p.context ?? {},
    });
  }

  private async request(
    m: EntityManager,
    t: Omit<RefundOrder, 'buyerId' | 'paymentRef' | 'paymentTotalMinor'> & {
      kind: TransferRow['kind'];
      partyKind: TransferRow['partyKind'];
      partyId: string;
      accountKind: TransferRow['accountKind'];
      paymentRef: string | null;
      paymentTotalMinor: number | null;
    },
  ): Promise<TransferRow> {
    if (!Number.isSafeInteger(t.amountMinor) || t.amountMinor <= 0) {
      throw new Error(`transfer ${t.key}: ${t.amountMinor} is not a positive integer amount`);
    }
    const inserted = await this.transfers.insert(m, t);
    if (inserted === null) {
      // Asked before (a re-run of the deciding job): the first request stands.
      return toTransfer((await this.transfers.byKey(t.key, m))!);
    }
    const transfer = toTransfer(inserted);
    await this.outbox.write(m, [job(ExecuteTransfer, { transferId: transfer.id })]);
    return transfer;
  }

  /** A held transfer goes ahead (its hold was lifted); nothing happens to any other. */
  async release(m: EntityManager, key: string): Promise<boolean> {
    const rows = await this.transfers.releaseHeld(m, key);
    if (rows.length) await this.outbox.write(m, [job(ExecuteTransfer, { transferId: rows[0].id })]);
    return rows.length > 0;
  }

  /** The payee recorded an account at the provider: payouts that waited for it go ahead. */
  async releaseWaitingForAccount(m: EntityManager, party: { kind: string; id: string }) {
    const rows = await this.transfers.releaseWaitingForAccount(m, party);
    await this.outbox.write(
      m,
      rows.map((r) => job(ExecuteTransfer, { transferId: r.id })),
    );
    return rows.length;
  }

  /** An admin tries a failed transfer again (after support fixed the cause). */
  async retry(id: string): Promise<TransferRow> {
    return this.dataSource.transaction(async (m) => {
      const rows = await this.transfers.reopenFailed(m, id);
      if (rows.length === 0) {
        const t = await this.get(id, m);
        throw new ConflictException({
          message: `Transfer ${id} is ${t.state}: only a failed transfer is retried`,
          state: t.state,
        });
      }
      await this.outbox.write(m, [job(ExecuteTransfer, { transferId: id })]);
      return toTransfer(rows[0]);
    });
  }

  async get(id: string, m?: EntityManager): Promise<TransferRow> {
    const row = await this.transfers.byId(id, m);
    if (!row) throw new NotFound('Transfer', id);
    return toTransfer(row);
  }

  async byKey(key: string, m?: EntityManager) {
    const row = await this.transfers.byKey(key, m);
    return row ? toTransfer(row) : null;
  }

  async attempts(id: string) {
    return this.transfers.attempts(id);
  }

  async list(q: {
    state?: TransferState;
    kind?: TransferRow['kind'];
    partyId?: string;
    limit?: number;
    cursor?: string;
  }) {
    const limit = q.limit ?? 50;
    const cursor = decodeCursor(q.cursor);
    const rows = await this.transfers.page(q, cursor, limit + 1);
    return toPage(rows.map(toTransfer), limit, (t) => t);
  }

  // ---- the job --------------------------------------------------------------------------

  /** ExecuteTransfer: idempotent — a settled or held transfer is left alone. */
  async execute(transferId: string, ctx: JobContext): Promise<void> {
    const t = await this.byId(transferId);
    if (!t) throw new Error(`Transfer ${transferId} not found`);
    if (t.state === 'succeeded' || t.state === 'failed' || t.state === 'held') return;
    const hold =
      (await this.hooks.for(t.sourceKind).holdReason?.(this.dataSource.manager, t)) ?? null;
    if (hold) {
      await this.hold(t, hold, ctx);
      return;
    }
    let answer: ProviderAnswer;
    try {
      const provider = this.providers.get(t.provider);
      answer =
        t.kind === 'refund'
          ? await provider.refund({
              refundNo: transferNo(t),
              intentId: t.paymentRef ?? '',
              amountMinor: t.amountMinor,
              totalMinor: t.paymentTotalMinor ?? t.amountMinor,
              currency: t.currency,
              reason: t.reason,
            })
          : await provider.payout({
              transferNo: transferNo(t),
              ...(await this.payee(t)),
              amountMinor: t.amountMinor,
              currency: t.currency,
              remark: t.reason,
            });
    } catch (err) {
      if (err instanceof PayeeAccountMissing) {
        await this.hold(t, `payee-account-missing: ${err.message}`, ctx);
        return;
      }
      const message = (err as Error).message.slice(0, 2000);
      await this.record(t.id, ctx.attempt, 'error', null, message);
      if (ctx.attempt >= ctx.maxAttempts) {
        await this.fail(t, `no answer from ${t.provider} after ${ctx.attempt} tries: ${message}`);
        return;
      }
      throw err; // retried with backoff
    }
    await this.record(t.id, ctx.attempt, answer.status, answer.raw, answer.reason ?? null);
    if (answer.status === 'succeeded') {
      await this.succeed(t, answer);
    } else if (answer.status === 'failed') {
      await this.fail(t, `${t.provider} refused: ${answer.reason ?? 'no reason given'}`, answer);
    } else {
      await this.transfers.markProcessing(t.id, answer.providerRef, answer.raw);
      if (ctx.attempt >= ctx.maxAttempts) {
        // Not failed (the provider may still pay): a person follows it up.
        await this.dataSource.transaction((m) =>
          this.outbox.write(m, [
            this.caseJob(t, `still processing at ${t.provider} after ${ctx.attempt} tries`),
          ]),
        );
        return;
      }
      throw new Error(`${t.kind} ${t.id} is still processing at ${t.provider}: asked again later`);
    }
  }

  private async byId(id: string): Promise<TransferRow | null> {
    const row = await this.transfers.byId(id);
    return row ? toTransfer(row) : null;
  }

  private async payee(t: TransferRow) {
    const row = await this.payoutAccounts.of({ kind: t.partyKind, id: t.partyId }, t.provider);
    return { payeeAccount: row?.account ?? null, payeeName: row?.name ?? null };
  }

  private async record(
    id: string,
    attempt: number,
    outcome: string,
    answer: Record<string, unknown> | null,
    error: string | null,
  ) {
    await this.transfers.recordAttempt(id, attempt, outcome, answer, error);
  }

  private async hold(t: TransferRow, reason: string, ctx: JobContext) {
    await this.transfers.hold(t.id, reason);
    await this.record(t.id, ctx.attempt, 'held', null, reason);
  }

  private async succeed(t: TransferRow, answer: ProviderAnswer) {
    await this.dataSource.transaction(async (m) => {
      const rows = await this.transfers.markSucceeded(m, t.id, answer.providerRef, answer.raw);
      if (rows.length === 0) return; // settled by a concurrent run
      const done = toTransfer(rows[0]);
      await this.ledger.post(m, {
        kind: done.kind,
        key: `${done.kind}:${done.key}`,
        ref: { kind: done.sourceKind, id: done.sourceId },
        memo: `${done.kind} ${done.providerRef ?? ''} at ${done.provider}: ${done.reason}`,
        currency: done.currency,
        provider: { name: done.provider, ref: transferNo(done) },
        lines: [
          {
            account: { kind: done.accountKind, party: done.partyId },
            amountMinor: done.amountMinor,
          },
          { account: account.providerClearing(done.provider), amountMinor: -done.amountMinor },
        ],
      });
      await this.hooks.for(done.sourceKind).settled?.(m, done);
    });
  }

  private async fail(t: TransferRow, reason: string, answer?: ProviderAnswer) {
    this.logger.warn(`Transfer ${t.id} (${t.key}) failed: ${reason}`);
    await this.dataSource.transaction(async (m) => {
      const rows = await this.transfers.markFailed(
        m,
        t.id,
        reason.slice(0, 2000),
        answer ? answer.raw : null,
      );
      if (rows.length === 0) return;
      const failed = toTransfer(rows[0]);
      // The money stays owed in its ledger account; a person decides (retry, other channel).
      await this.outbox.write(m, [this.caseJob(failed, reason)]);
      await this.hooks.for(failed.sourceKind).settled?.(m, failed);
    });
  }

  private caseJob(t: TransferRow, reason: string) {
    return job(OpenSupportCase, {
      kind: 'payment-failure',
      dedupeKey: `transfer:${t.id}:${t.failedAt ? 'failed' : 'stuck'}`,
      summary:
        `${t.kind === 'refund' ? 'Refund' : 'Payout'} of ${t.amountMinor} ${t.currency} (${t.key}) not paid: ${reason}`.slice(
          0,
          500,
        ),
      itemIds: t.context.itemIds ?? [],
      orderRef: t.context.orderRef ?? null,
      customerId: t.context.customerId ?? (t.partyKind === 'user' ? t.partyId : null),
      detail: {
        transferId: t.id,
        key: t.key,
        kind: t.kind,
        provider: t.provider,
        amountMinor: t.amountMinor,
        currency: t.currency,
        reason,
        ...(t.context.organisationId ? { organisationId: t.context.organisationId } : {}),
      },
    });
  }
}
