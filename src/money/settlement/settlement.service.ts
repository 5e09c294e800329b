import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { seesEverything, type Actor } from '../../core/actor.js';
import { NotFound } from '../../core/errors.js';
import { decodeCursor, toPage } from '../../core/http/pagination.js';
import {
  SettlementRepository,
  SettlementStatementAccess,
  type StatementRow,
} from '../data/settlement.repository.js';
import { account } from '../ledger/accounts.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { TransfersService } from '../transfers/transfers.service.js';

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
export { SettlementStatementAccess };

@Injectable()
export class SettlementService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly transfers: TransfersService,
    private readonly statements: SettlementRepository,
  ) {}

  async setRule(
    actor: Actor,
    merchantId: string,
    rule: { percentBp: number; fixedMinor?: number },
  ) {
    if ((await this.statements.organisationKind(merchantId)) !== 'merchant') {
      throw new NotFound('Merchant', merchantId);
    }
    await this.statements.setRule(
      merchantId,
      { percentBp: rule.percentBp, fixedMinor: rule.fixedMinor ?? 0 },
      actor.userId,
    );
    return this.rule(actor, merchantId);
  }

  async rule(actor: Actor, merchantId: string) {
    this.checkMerchant(actor, merchantId);
    const r = await this.statements.rule(merchantId);
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
      await this.statements.lockMerchant(m, dto.merchantId);
      const overlap = await this.statements.overlapping(m, dto.merchantId, dto.from, dto.to);
      if (overlap.length) {
        throw new ConflictException({
          message: `Statement ${overlap[0].id} already covers part of ${dto.from}..${dto.to}`,
          statementId: overlap[0].id,
        });
      }
      const figures = await this.figures(m, dto.merchantId, currency, dto.from, dto.to);
      const commission = commissionFor(rule, figures);
      const payable = figures.salesMinor - figures.returnsMinor - commission;
      const row = await this.statements.insert(m, {
        merchantId: dto.merchantId,
        from: dto.from,
        to: dto.to,
        currency,
        orders: figures.orders,
        salesMinor: figures.salesMinor,
        returnsMinor: figures.returnsMinor,
        commissionMinor: commission,
        payableMinor: payable,
        rule: { percentBp: rule.percentBp, fixedMinor: rule.fixedMinor },
        state: payable > 0 ? 'paying' : 'issued',
        issuedBy: actor.userId,
      });
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
        await this.statements.setTransfer(m, row.id, t.id);
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
    const r = await this.statements.figures(m, merchantId, currency, dayStart(from), until);
    return {
      salesMinor: Number(r.sales ?? 0),
      returnsMinor: Number(r.returns ?? 0),
      orders: Number(r.orders),
    };
  }

  /** The 'settlement' transfer hook: the merchant was paid (or the payout failed for good). */
  async onPayoutSettled(m: EntityManager, t: { sourceId: string; state: string }) {
    await this.statements.settle(m, t.sourceId, t.state === 'succeeded' ? 'paid' : 'failed');
  }

  async get(actor: Actor, id: string) {
    const row = await this.statements.byId(id);
    return statementView(SettlementStatementAccess.assertVisible(row, actor, id));
  }

  /** Newest statement first, paged like every list (no silent truncation). */
  async list(actor: Actor, q: { merchantId?: string; limit?: number; cursor?: string }) {
    const limit = q.limit ?? 50;
    const cursor = decodeCursor(q.cursor);
    const rows = await this.statements.page(
      actor,
      seesEverything(actor) ? (q.merchantId ?? null) : null,
      cursor,
      limit + 1,
    );
    return toPage(rows, limit, statementView, (r) => r.created_at);
  }

  /** The statement as CSV (one header row, one row of figures; amounts in minor units). */
  async csv(actor: Actor, id: string): Promise<string> {
    const s = await this.get(actor, id);
    // Each column beside its figure, so the two rows cannot drift apart.
    const columns: Array<[string, string | number]> = [
      ['statement_id', s.id],
      ['merchant_id', s.merchantId],
      ['period_from', s.period.from],
      ['period_to', s.period.to],
      ['currency', s.currency],
      ['orders', s.orders],
      ['sales_minor', s.salesMinor],
      ['returns_minor', s.returnsMinor],
      ['commission_minor', s.commissionMinor],
      ['payable_minor', s.payableMinor],
      ['state', s.state],
    ];
    const header = columns.map(([name]) => name);
    const values = columns.map(([, value]) => value);
    return `${header.join(',')}\r\n${values.join(',')}\r\n`;
  }
}
