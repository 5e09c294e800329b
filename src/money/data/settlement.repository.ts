import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import type { KeysetCursor } from '../../core/http/pagination.js';
import { defineAccessPolicy } from '../../core/access/access-policy.js';
import { DataRepository } from '../../core/data/repository.js';

export interface StatementRow {
  id: string;
  merchant_id: string;
  period_from: string;
  period_to: string;
  currency: string;
  orders: number;
  sales_minor: string;
  returns_minor: string;
  commission_minor: string;
  payable_minor: string;
  rule: { percentBp: number; fixedMinor: number };
  state: 'issued' | 'paying' | 'paid' | 'failed';
  transfer_id: string | null;
  paid_at: Date | null;
  created_at: Date;
}

/** A settlement statement is its merchant's (raw rows: the rules name columns). */
export const SettlementStatementAccess = defineAccessPolicy<StatementRow>({
  name: 'Settlement statement',
  table: 'settlement_statements',
  rules: { merchant: [{ merchant_id: 'organisationId' }] },
});

const STATEMENT_COLUMNS = `id, merchant_id, to_char(period_from, 'YYYY-MM-DD') AS period_from,
              to_char(period_to, 'YYYY-MM-DD') AS period_to, currency, orders, sales_minor,
              returns_minor, commission_minor, payable_minor, rule, state, transfer_id, paid_at,
              created_at`;

/** Merchants' settlement statements, their commission rules and the ledger figures they read. */
@Injectable()
export class SettlementRepository extends DataRepository {
  async organisationKind(id: string): Promise<string | undefined> {
    const [org] = await this.dataSource.query<Array<{ kind: string }>>(
      'SELECT kind FROM organisations WHERE id = $1',
      [id],
    );
    return org?.kind;
  }

  async setRule(
    merchantId: string,
    rule: { percentBp: number; fixedMinor: number },
    updatedBy: string | null,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO merchant_commission_rules (merchant_id, percent_bp, fixed_minor, updated_by)
       VALUES ($1, $2, $3, $4) ON CONFLICT (merchant_id)
       DO UPDATE SET percent_bp = $2, fixed_minor = $3, updated_by = $4, updated_at = now()`,
      [merchantId, rule.percentBp, rule.fixedMinor, updatedBy],
    );
  }

  async rule(merchantId: string) {
    const [r] = await this.dataSource.query<Array<{ percent_bp: number; fixed_minor: string }>>(
      'SELECT percent_bp, fixed_minor FROM merchant_commission_rules WHERE merchant_id = $1',
      [merchantId],
    );
    return r as { percent_bp: number; fixed_minor: string } | undefined;
  }

  /** Waits for the merchant's settlement lock, held until the caller's transaction ends. */
  async lockMerchant(m: EntityManager, merchantId: string): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`settlement:${merchantId}`]);
  }

  /** The merchant's statements whose period meets `from..to`. */
  overlapping(m: EntityManager, merchantId: string, from: string, to: string) {
    return m.query<Array<{ id: string }>>(
      `SELECT id FROM settlement_statements
          WHERE merchant_id = $1 AND period_from <= $3::date AND period_to >= $2::date`,
      [merchantId, from, to],
    );
  }

  /** Sales, returns and orders posted to the merchant's payable account in `[from, until)`. */
  async figures(m: EntityManager, merchantId: string, currency: string, from: Date, until: Date) {
    const [r] = await m.query<
      Array<{ sales: string | null; returns: string | null; orders: string }>
    >(
      `SELECT -sum(l.amount_minor) FILTER (WHERE e.kind = 'payment') AS sales,
              sum(l.amount_minor) FILTER (WHERE e.kind = 'refund-owed') AS returns,
              count(DISTINCT e.ref_id) FILTER (WHERE e.kind = 'payment') AS orders
         FROM ledger_lines l
         JOIN ledger_accounts a ON a.id = l.account_id
         JOIN ledger_entries e ON e.id = l.entry_id
        WHERE a.code = $1 AND l.currency = $2 AND l.posted_at >= $3 AND l.posted_at < $4`,
      [`merchant-payable:${merchantId}`, currency, from, until],
    );
    return r;
  }

  async insert(
    m: EntityManager,
    s: {
      merchantId: string;
      from: string;
      to: string;
      currency: string;
      orders: number;
      salesMinor: number;
      returnsMinor: number;
      commissionMinor: number;
      payableMinor: number;
      rule: { percentBp: number; fixedMinor: number };
      state: StatementRow['state'];
      issuedBy: string | null;
    },
  ): Promise<StatementRow> {
    const [row] = await m.query<StatementRow[]>(
      `INSERT INTO settlement_statements (merchant_id, period_from, period_to, currency, orders,
           sales_minor, returns_minor, commission_minor, payable_minor, rule, state, issued_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12) RETURNING *`,
      [
        s.merchantId,
        s.from,
        s.to,
        s.currency,
        s.orders,
        s.salesMinor,
        s.returnsMinor,
        s.commissionMinor,
        s.payableMinor,
        JSON.stringify(s.rule),
        s.state,
        s.issuedBy,
      ],
    );
    return row;
  }

  async setTransfer(m: EntityManager, id: string, transferId: string): Promise<void> {
    await m.query('UPDATE settlement_statements SET transfer_id = $2 WHERE id = $1', [
      id,
      transferId,
    ]);
  }

  /** The statement's payout ended: paid (stamped now) or failed. */
  async settle(m: EntityManager, id: string, state: 'paid' | 'failed'): Promise<void> {
    await m.query(
      `UPDATE settlement_statements SET state = $2,
         paid_at = CASE WHEN $2 = 'paid' THEN now() ELSE paid_at END, updated_at = now()
       WHERE id = $1`,
      [id, state],
    );
  }

  async byId(id: string): Promise<StatementRow | undefined> {
    const [row] = await this.dataSource.query<StatementRow[]>(
      `SELECT ${STATEMENT_COLUMNS}
         FROM settlement_statements WHERE id = $1`,
      [id],
    );
    return row;
  }

  /** The statements the actor sees (of one merchant when given), newest first, keyset-paged. */
  page(
    actor: Actor,
    merchantId: string | null,
    cursor: KeysetCursor | null,
    limit: number,
  ): Promise<StatementRow[]> {
    const params: unknown[] = [merchantId];
    const visible = SettlementStatementAccess.rawWhere(actor, 's', params);
    params.push(cursor?.at ?? null, cursor?.id ?? null, limit);
    const [at, id, max] = [params.length - 2, params.length - 1, params.length];
    return this.dataSource.query<StatementRow[]>(
      `SELECT ${STATEMENT_COLUMNS}
         FROM settlement_statements s WHERE ($1::uuid IS NULL OR merchant_id = $1) AND ${visible}
          AND ($${at}::timestamptz IS NULL OR (created_at, id) < ($${at}::timestamptz, $${id}::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $${max}`,
      params,
    );
  }
}
