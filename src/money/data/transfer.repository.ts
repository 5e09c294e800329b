import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';
import type { KeysetCursor } from '../../core/http/pagination.js';
import { execute } from '../../core/sql.js';
import type {
  TransferContext,
  TransferRow,
  TransferState,
} from '../transfers/transfers.service.js';

/** A money_transfers row as stored. */
export interface TransferRecord {
  id: string;
  kind: TransferRow['kind'];
  key: string;
  provider: string;
  state: TransferState;
  hold_reason: string | null;
  party_kind: TransferRow['partyKind'];
  party_id: string;
  account_kind: TransferRow['accountKind'];
  amount_minor: string;
  currency: string;
  payment_ref: string | null;
  payment_total_minor: string | null;
  source_kind: string;
  source_id: string;
  reason: string;
  context: TransferContext;
  provider_ref: string | null;
  provider_answer: Record<string, unknown> | null;
  attempts: number;
  last_error: string | null;
  settled_at: Date | null;
  failed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * Refunds and payouts and every attempt at them. Each change of state is guarded by the states
 * it may leave (a concurrent run changes nothing and gets no row back).
 */
@Injectable()
export class TransferRepository extends DataRepository {
  /** Inserts the transfer, pending, unless its key is taken (then null: the first stands). */
  async insert(
    m: EntityManager,
    t: {
      kind: TransferRow['kind'];
      key: string;
      provider: string;
      partyKind: TransferRow['partyKind'];
      partyId: string;
      accountKind: TransferRow['accountKind'];
      amountMinor: number;
      currency: string;
      paymentRef: string | null;
      paymentTotalMinor: number | null;
      source: { kind: string; id: string };
      reason: string;
      context?: TransferContext;
    },
  ): Promise<TransferRecord | null> {
    const inserted = await m.query<TransferRecord[]>(
      `INSERT INTO money_transfers (kind, key, provider, state, party_kind, party_id, account_kind,
         amount_minor, currency, payment_ref, payment_total_minor, source_kind, source_id, reason,
         context)
       VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)
       ON CONFLICT (key) DO NOTHING RETURNING *`,
      [
        t.kind,
        t.key,
        t.provider,
        t.partyKind,
        t.partyId,
        t.accountKind,
        t.amountMinor,
        t.currency,
        t.paymentRef,
        t.paymentTotalMinor,
        t.source.kind,
        t.source.id,
        t.reason,
        JSON.stringify(t.context),
      ],
    );
    return inserted.length === 0 ? null : inserted[0];
  }

  async byKey(key: string, m?: EntityManager): Promise<TransferRecord | undefined> {
    const [row] = await this.manager(m).query<TransferRecord[]>(
      'SELECT * FROM money_transfers WHERE key = $1',
      [key],
    );
    return row;
  }

  async byId(id: string, m?: EntityManager): Promise<TransferRecord | undefined> {
    const [row] = await this.manager(m).query<TransferRecord[]>(
      'SELECT * FROM money_transfers WHERE id = $1',
      [id],
    );
    return row;
  }

  /** The held transfer of this key goes back to pending: its id, none when it was not held. */
  async releaseHeld(m: EntityManager, key: string): Promise<Array<{ id: string }>> {
    const { rows } = await execute<{ id: string }>(
      m,
      `UPDATE money_transfers SET state = 'pending', hold_reason = NULL, updated_at = now()
        WHERE key = $1 AND state = 'held' RETURNING id`,
      [key],
    );
    return rows;
  }

  /** The party's payouts held for want of an account go back to pending: their ids. */
  async releaseWaitingForAccount(
    m: EntityManager,
    party: { kind: string; id: string },
  ): Promise<Array<{ id: string }>> {
    const { rows } = await execute<{ id: string }>(
      m,
      `UPDATE money_transfers SET state = 'pending', hold_reason = NULL, updated_at = now()
        WHERE party_kind = $1 AND party_id = $2 AND state = 'held'
          AND hold_reason LIKE 'payee-account-missing%' RETURNING id`,
      [party.kind, party.id],
    );
    return rows;
  }

  /** A failed transfer goes back to pending (none when it had not failed). */
  async reopenFailed(m: EntityManager, id: string): Promise<TransferRecord[]> {
    const { rows } = await execute<TransferRecord>(
      m,
      `UPDATE money_transfers SET state = 'pending', failed_at = NULL, updated_at = now()
          WHERE id = $1 AND state = 'failed' RETURNING *`,
      [id],
    );
    return rows;
  }

  attempts(id: string) {
    return this.dataSource.query<
      Array<{ attempt: number; outcome: string; answer: unknown; error: string | null; at: Date }>
    >(
      'SELECT attempt, outcome, answer, error, at FROM money_transfer_attempts WHERE transfer_id = $1 ORDER BY id',
      [id],
    );
  }

  /** Newest first, keyset-paged; `limit` rows at most. */
  page(
    filter: { state?: TransferState; kind?: TransferRow['kind']; partyId?: string },
    cursor: KeysetCursor | null,
    limit: number,
  ): Promise<TransferRecord[]> {
    return this.dataSource.query<TransferRecord[]>(
      `SELECT * FROM money_transfers
        WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR kind = $2)
          AND ($3::uuid IS NULL OR party_id = $3)
          AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $6`,
      [
        filter.state ?? null,
        filter.kind ?? null,
        filter.partyId ?? null,
        cursor?.at ?? null,
        cursor?.id ?? null,
        limit,
      ],
    );
  }

  /** The provider is still at it: processing, with its answer kept. */
  async markProcessing(
    id: string,
    providerRef: string | null | undefined,
    raw: Record<string, unknown>,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE money_transfers SET state = 'processing', provider_ref = coalesce($2, provider_ref),
           provider_answer = $3::jsonb, updated_at = now() WHERE id = $1 AND state IN ('pending', 'processing')`,
      [id, providerRef, JSON.stringify(raw)],
    );
  }

  /** Records an attempt and counts it on the transfer. */
  async recordAttempt(
    id: string,
    attempt: number,
    outcome: string,
    answer: Record<string, unknown> | null,
    error: string | null,
  ): Promise<void> {
    await this.dataSource.query(
      `WITH a AS (INSERT INTO money_transfer_attempts (transfer_id, attempt, outcome, answer, error)
                  VALUES ($1, $2, $3, $4::jsonb, $5))
       UPDATE money_transfers SET attempts = attempts + 1, updated_at = now(),
         last_error = CASE WHEN state IN ('succeeded', 'failed') THEN last_error ELSE $5 END
        WHERE id = $1`,
      [id, attempt, outcome, answer === null ? null : JSON.stringify(answer), error],
    );
  }

  async hold(id: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE money_transfers SET state = 'held', hold_reason = $2, updated_at = now()
        WHERE id = $1 AND state IN ('pending', 'processing')`,
      [id, reason],
    );
  }

  /** Succeeded (none back when a concurrent run settled it first). */
  async markSucceeded(
    m: EntityManager,
    id: string,
    providerRef: string | null | undefined,
    raw: Record<string, unknown>,
  ): Promise<TransferRecord[]> {
    const { rows } = await execute<TransferRecord>(
      m,
      `UPDATE money_transfers SET state = 'succeeded', provider_ref = $2, provider_answer = $3::jsonb,
           settled_at = now(), hold_reason = NULL, updated_at = now()
         WHERE id = $1 AND state IN ('pending', 'processing') RETURNING *`,
      [id, providerRef, JSON.stringify(raw)],
    );
    return rows;
  }

  /** Failed (none back when a concurrent run settled it first). */
  async markFailed(
    m: EntityManager,
    id: string,
    reason: string,
    raw: Record<string, unknown> | null,
  ): Promise<TransferRecord[]> {
    const { rows } = await execute<TransferRecord>(
      m,
      `UPDATE money_transfers SET state = 'failed', failed_at = now(), last_error = $2,
           provider_answer = coalesce($3::jsonb, provider_answer), updated_at = now()
         WHERE id = $1 AND state IN ('pending', 'processing') RETURNING *`,
      [id, reason, raw === null ? null : JSON.stringify(raw)],
    );
    return rows;
  }
}
