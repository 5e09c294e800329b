import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { seesEverything, type Actor } from '../../core/actor.js';
import { NotFound } from '../../core/errors.js';
import { decodeCursor, toPage } from '../../core/http/pagination.js';
import { account } from '../ledger/accounts.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { TransfersService } from '../transfers/transfers.service.js';

interface StatementRow {
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

export function statementView(r: StatementRow) {
  return {
    id: r.id,
    merchantId: r.merchant_id,
    period: { from: r.period_from, to: r.period_to },
    currency: r.currency,
    orders: r.orders,
    salesMinor: Number(r.sales_minor),
    returnsMinor: Number(r.returns_minor),
    commissionMinor: Number(r.commission_minor),
    payableMinor: Number(r.payable_minor),
    rule: r.rule,
    state: r.state,
    transferId: r.transfer_id,
    paidAt: r.paid_at,
    createdAt: r.created_at,
  };
}

/** Commission on a period: a share of the net sales plus a fixed amount per order sold. */
export function commissionFor(
  rule: { percentBp: number; fixedMinor: number },
  p: { salesMinor: number; returnsMinor: number; orders: number },
): number {
  const net = p.salesMinor - p.returnsMinor;
  const share = net > 0 ? Math.round((net * rule.percentBp) / 10_000) : 0;
  return Math.max(0, Math.min(share + rule.fixedMinor * p.orders, Math.max(net, 0)));
}

/** Midnight at the start of a calendar day in China Standard Time. */
const dayStart = (date: string) => new Date(`${date}T00:00:00+08:00`);

/**
 * Merchant settlement (issue 23, point 4). A statement covers a period of days (China time)
 * and is read from the ledger: sales are the payments credited to the merchant, returns the
 * refunds charged to it, commission the merchant's rule on the net. Issuing it posts the
 * commission and asks for the payout of what is payable, in one transaction; the payout
 * provider pays it by the transfer job. Periods of one merchant never overlap.
 */
@Injectable()
export class SettlementService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly transfers: TransfersService,
  ) {}

  async setRule(
    actor: Actor,
    merchantId: string,
    rule: { percentBp: number; fixedMinor?: number },
  ) {
    const [org] = await this.dataSource.query<Array<{ kind: string }>>(
      'SELECT kind FROM organisations WHERE id = $1',
      [merchantId],
    );
    if (!org || org.kind !== 'merchant') throw new NotFound('Merchant', merchantId);
    await this.dataSource.query(
      `INSERT INTO merchant_commission_rules (merchant_id, percent_bp, fixed_minor, updated_by)
       VALUES ($1, $2, $3, $4) ON CONFLICT (merchant_id)
       DO UPDATE SET percent_bp = $2, fixed_minor = $3, updated_by = $4, updated_at = now()`,
      [merchantId, rule.percentBp, rule.fixedMinor ?? 0, actor.userId],
    );
    return this.rule(actor, merchantId);
  }

  async rule(actor: Actor, merchantId: string) {
    this.checkMerchant(actor, merchantId);
    const [r] = await this.dataSource.query<Array<{ percent_bp: number; fixed_minor: string }>>(
      'SELECT percent_bp, fixed_minor FROM merchant_commission_rules WHERE merchant_id = $1',
      [merchantId],
    );
    return {
      merchantId,
      percentBp: r?.percent_bp ?? 0,
      fixedMinor: r ? Number(r.fixed_minor) : 0,
    };
  }

  private checkMerchant(actor: Actor, merchantId: string) {
    if (seesEverything(actor)) return;
    if (actor.role === 'merchant' && actor.organisationId === merchantId) return;
    throw new NotFound('Merchant', merchantId);
  }

  async issue(
    actor: Actor,
    dto: { merchantId: string; from: string; to: string; currency?: string },
  ) {
    if (dto.from > dto.to) {
      throw new BadRequestException({
        message: 'Invalid input: to',
        fields: [{ field: 'to', errors: ['to must not be before from'] }],
      });
    }
    const rule = await this.rule(actor, dto.merchantId);
    const currency = dto.currency ?? 'CNY';
    const id = await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`settlement:${dto.merchantId}`]);
      const overlap = await m.query<Array<{ id: string }>>(
        `SELECT id FROM settlement_statements
          WHERE merchant_id = $1 AND period_from <= $3::date AND period_to >= $2::date`,
        [dto.merchantId, dto.from, dto.to],
      );
      if (overlap.length) {
        throw new ConflictException({
          message: `Statement ${overlap[0].id} already covers part of ${dto.from}..${dto.to}`,
          statementId: overlap[0].id,
        });
      }
      const figures = await this.figures(m, dto.merchantId, currency, dto.from, dto.to);
      const commission = commissionFor(rule, figures);
      const payable = figures.salesMinor - figures.returnsMinor - commission;
      const [row] = await m.query<StatementRow[]>(
        `INSERT INTO settlement_statements (merchant_id, period_from, period_to, currency, orders,
           sales_minor, returns_minor, commission_minor, payable_minor, rule, state, issued_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12) RETURNING *`,
        [
          dto.merchantId,
          dto.from,
          dto.to,
          currency,
          figures.orders,
          figures.salesMinor,
          figures.returnsMinor,
          commission,
          payable,
          JSON.stringify({ percentBp: rule.percentBp, fixedMinor: rule.fixedMinor }),
          payable > 0 ? 'paying' : 'issued',
          actor.userId,
        ],
      );
      if (commission > 0) {
        await this.ledger.post(m, {
          kind: 'commission',
          key: `commission:${row.id}`,
          ref: { kind: 'settlement', id: row.id },
          memo: `commission ${dto.from}..${dto.to} (${rule.percentBp / 100} % + ${rule.fixedMinor} per order)`,
          currency,
          lines: [
            { account: account.merchantPayable(dto.merchantId), amountMinor: commission },
            { account: account.commission(), amountMinor: -commission },
          ],
        });
      }
      if (payable > 0) {
        const t = await this.transfers.requestPayout(m, {
          key: `settlement:${row.id}`,
          party: { kind: 'organisation', id: dto.merchantId },
          accountKind: 'merchant-payable',
          amountMinor: payable,
          currency,
          source: { kind: 'settlement', id: row.id },
          reason: `Reloop settlement ${dto.from}..${dto.to}`,
          context: { organisationId: dto.merchantId },
        });
        await m.query('UPDATE settlement_statements SET transfer_id = $2 WHERE id = $1', [
          row.id,
          t.id,
        ]);
      }
      return row.id;
    });
    return this.get(actor, id);
  }

  /** Sales, returns and orders of the merchant in the period, from its ledger account. */
  private async figures(
    m: EntityManager,
    merchantId: string,
    currency: string,
    from: string,
    to: string,
  ) {
    const until = new Date(dayStart(to).getTime() + 86_400_000);
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
      [`merchant-payable:${merchantId}`, currency, dayStart(from), until],
    );
    return {
      salesMinor: Number(r.sales ?? 0),
      returnsMinor: Number(r.returns ?? 0),
      orders: Number(r.orders),
    };
  }

  /** The 'settlement' transfer hook: the merchant was paid (or the payout failed for good). */
  async onPayoutSettled(m: EntityManager, t: { sourceId: string; state: string }) {
    await m.query(
      `UPDATE settlement_statements SET state = $2,
         paid_at = CASE WHEN $2 = 'paid' THEN now() ELSE paid_at END, updated_at = now()
       WHERE id = $1`,
      [t.sourceId, t.state === 'succeeded' ? 'paid' : 'failed'],
    );
  }

  async get(actor: Actor, id: string) {
    const [row] = await this.dataSource.query<StatementRow[]>(
      `SELECT id, merchant_id, to_char(period_from, 'YYYY-MM-DD') AS period_from,
              to_char(period_to, 'YYYY-MM-DD') AS period_to, currency, orders, sales_minor,
              returns_minor, commission_minor, payable_minor, rule, state, transfer_id, paid_at,
              created_at
         FROM settlement_statements WHERE id = $1`,
      [id],
    );
    const mine =
      row &&
      (seesEverything(actor) ||
        (actor.role === 'merchant' && actor.organisationId === row.merchant_id));
    if (!mine) throw new NotFound('Settlement statement', id);
    return statementView(row);
  }

  /** Newest statement first, paged like every list (no silent truncation). */
  async list(actor: Actor, q: { merchantId?: string; limit?: number; cursor?: string }) {
    const merchantId = seesEverything(actor) ? (q.merchantId ?? null) : actor.organisationId;
    if (!seesEverything(actor) && actor.role !== 'merchant') return { items: [], nextCursor: null };
    const limit = q.limit ?? 50;
    const cursor = decodeCursor(q.cursor);
    const rows = await this.dataSource.query<StatementRow[]>(
      `SELECT id, merchant_id, to_char(period_from, 'YYYY-MM-DD') AS period_from,
              to_char(period_to, 'YYYY-MM-DD') AS period_to, currency, orders, sales_minor,
              returns_minor, commission_minor, payable_minor, rule, state, transfer_id, paid_at,
              created_at
         FROM settlement_statements
        WHERE ($1::uuid IS NULL OR merchant_id = $1)
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [merchantId, cursor?.at ?? null, cursor?.id ?? null, limit + 1],
    );
    return toPage(rows, limit, statementView, (r) => r.created_at);
  }

  /** The statement as CSV (one header row, one row of figures; amounts in minor units). */
  async csv(actor: Actor, id: string): Promise<string> {
    const s = await this.get(actor, id);
    const header = [
      'statement_id',
      'merchant_id',
      'period_from',
      'period_to',
      'currency',
      'orders',
      'sales_minor',
      'returns_minor',
      'commission_minor',
      'payable_minor',
      'state',
    ];
    const values = [
      s.id,
      s.merchantId,
      s.period.from,
      s.period.to,
      s.currency,
      s.orders,
      s.salesMinor,
      s.returnsMinor,
      s.commissionMinor,
      s.payableMinor,
      s.state,
    ];
    return `${header.join(',')}\r\n${values.join(',')}\r\n`;
  }
}
