import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../core/actor.js';
import {
  NotifyOwner,
  OpenSupportCase,
  ReturnInspected,
  type ShipmentUpdatePayload,
} from '../core/jobs/job-catalogue.js';
import { job, type JobPayload, type OutboxJob } from '../core/jobs/job-definition.js';
import { ItemsService } from '../core/items/items.service.js';
import { PLATFORM_OWNER } from '../core/items/ownership.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { merchantEvent } from './merchant-events.js';
import { ValuationService } from '../valuation/valuation.service.js';
import type { ReportSummary, ReturnEvidence, SaleOrder } from './data/resale.entities.js';
import { SaleOrderMachine } from './domain/resale.machines.js';
import { refundColumns, SaleRefundsService } from './sale-refunds.service.js';
import { type InspectionEventRow, SaleOrderRepository } from './data/sale-order.repository.js';

const GRADE_RANK: Record<string, number> = { scrap: 0, good: 1, premium: 2 };
const SEVERITY_RANK: Record<string, number> = { none: 0, cosmetic: 1, functional: 2, critical: 3 };
/** Share of the price kept per grade step down when neither findings nor valuation price the damage. */
const FALLBACK_DEDUCTION_PER_STEP = 0.2;

function reportSummary(row: InspectionEventRow | undefined): ReportSummary | null {
  if (!row) return null;
  const d = row.data;
  const findings = Array.isArray(d.findings) ? (d.findings as Array<Record<string, unknown>>) : [];
  return {
    inspectionId: typeof d.inspectionId === 'string' ? d.inspectionId : null,
    grade: typeof d.grade === 'string' ? d.grade : null,
    score: typeof d.score === 'number' ? d.score : null,
    summary: typeof d.summary === 'string' ? d.summary : null,
    completedAt: new Date(row.created_at).toISOString(),
    findings: findings.map((f) => ({
      checkId: typeof f.checkId === 'string' ? f.checkId : '',
      label: typeof f.label === 'string' ? f.label : String(f.checkId),
      severity: typeof f.severity === 'string' ? f.severity : 'none',
    })),
  };
}

/**
 * A buyer's return as other stages report it: logistics' updates on the return shipment
 * (SaleOrderShipmentUpdate: its arrival, or a pickup given up on for good) and grading's
 * re-inspection (ReturnInspected), which decides the refund. What people do about a return is
 * `SaleReturnsService`.
 */
@Injectable()
export class SaleReturnEventsService {
  private readonly logger = new Logger(SaleReturnEventsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly saleOrders: SaleOrderRepository,
    private readonly valuation: ValuationService,
    private readonly items: ItemsService,
    private readonly outbox: OutboxService,
    private readonly refunds: SaleRefundsService,
  ) {}

  /** Logistics reports on the return shipment (SaleOrderShipmentUpdate). Idempotent. */
  async onShipmentUpdate(p: ShipmentUpdatePayload): Promise<void> {
    if (p.source.kind !== 'sale-order' || p.direction !== 'buyer-return') return;
    // The first 'delivered' tells the buyer their return has arrived (issue 25), once.
    const { rows, affected } = await this.dataSource.transaction((m) =>
      this.saleOrders.recordReturnShipment(m, p).then(async (result) => {
        const order = result.rows[0];
        if (order?.first_received) {
          await this.outbox.write(m, [
            job(NotifyOwner, {
              userId: order.buyer_id,
              template: 'sale-order-return-received',
              params: { saleOrderId: p.source.id, pickupId: p.pickupId },
            }),
          ]);
        }
        return result;
      }),
    );
    if (affected === 0 || rows.length === 0) {
      throw new Error(`Sale order ${p.source.id} not found`);
    }
    if (p.event === 'cancelled') await this.onReturnPickupCancelled(p);
  }

  /**
   * Logistics gave up on the return pickup (three failed attempts): the order waits in
   * RETURN_PICKUP_FAILED for a rebooking or the buyer keeping the item, and support is asked.
   */
  private async onReturnPickupCancelled(p: ShipmentUpdatePayload): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const order = await this.saleOrders.lockOrder(m, p.source.id);
      if (!order || order.state !== 'RETURN_REQUESTED') return; // moved on already
      if (order.returnPickupId !== null && order.returnPickupId !== p.pickupId) return; // old round
      await this.transitions.apply(SaleOrderMachine, {
        manager: m,
        id: order.id,
        action: 'fail-return-pickup',
        actor: SYSTEM_ACTOR,
        data: { pickupId: p.pickupId, reason: p.reason, round: order.returnRound },
        jobs: (o) => [
          job(NotifyOwner, {
            userId: o.buyerId,
            template: 'sale-order-return-pickup-failed',
            params: { saleOrderId: o.id, reason: p.reason },
          }),
          job(OpenSupportCase, {
            kind: 'late-pickup',
            dedupeKey: `return-pickup-failed:${o.id}:${o.returnRound}`,
            summary: `Return pickup of sale order ${o.id} failed for good: rebook it or let the buyer keep the item`,
            itemIds: [o.itemId],
            orderRef: { kind: 'sale-order', id: o.id },
            customerId: o.buyerId,
            detail: { organisationId: o.merchantId, pickupId: p.pickupId, reason: p.reason },
          }),
        ],
      });
    });
  }

  /**
   * The report the item was sold with (the latest completed inspection before payment) and the
   * re-inspection's, both read from the item's hash-chained history.
   */
  private async inspectionReports(
    m: EntityManager,
    order: SaleOrder,
    returnInspectionId: string,
  ): Promise<{
    before: ReportSummary | null;
    after: ReportSummary | null;
    raw: Array<Record<string, unknown>>;
  }> {
    const rows = await this.saleOrders.inspectionEvents(m, order.itemId);
    const after = rows.find((r) => r.data.inspectionId === returnInspectionId);
    const paidAt = order.paidAt?.getTime() ?? Number.POSITIVE_INFINITY;
    const before = rows
      .filter((r) => r !== after && new Date(r.created_at).getTime() <= paidAt)
      .at(-1);
    const raw =
      after && Array.isArray(after.data.findings)
        ? (after.data.findings as Array<Record<string, unknown>>)
        : [];
    return { before: reportSummary(before), after: reportSummary(after), raw };
  }

  /**
   * Damage the buyer caused: findings worse after the return than in the report the item was
   * sold with. Priced by the standard's deduction hints on those findings; without hints by
   * the valuation of the two grades; failing that, a fixed share per grade step.
   */
  private async assessReturn(
    m: EntityManager,
    order: SaleOrder,
    p: JobPayload<typeof ReturnInspected>,
  ): Promise<ReturnEvidence> {
    const { before, after, raw } = await this.inspectionReports(m, order, p.inspectionId);
    const worse = (GRADE_RANK[p.grade] ?? 0) < (GRADE_RANK[order.gradeSold] ?? 0);
    const beforeBy = new Map((before?.findings ?? []).map((f) => [f.checkId, f.severity]));
    const damage = (after?.findings ?? [])
      .filter(
        (f) =>
          (SEVERITY_RANK[f.severity] ?? 0) >
          (SEVERITY_RANK[beforeBy.get(f.checkId) ?? 'none'] ?? 0),
      )
      .map((f) => ({
        checkId: f.checkId,
        label: f.label,
        before: beforeBy.get(f.checkId) ?? 'none',
        after: f.severity,
      }));
    if (!worse || damage.length === 0 || before === null) {
      return {
        beforeSale: before,
        afterReturn: after,
        damage,
        outcome: 'full-refund',
        deductionMinor: 0,
        basis: !worse
          ? 'the returned item is graded as sold'
          : before === null
            ? 'no report of the item before its sale to compare with'
            : 'worse grade without a finding the sale report did not have: the merchant is answerable',
      };
    }
    const price = order.priceMinor;
    const damaged = new Set(damage.map((d) => d.checkId));
    const hinted = raw
      .filter((f) => damaged.has(String(f.checkId)))
      .reduce((sum, f) => {
        if (typeof f.deductionMinor === 'number') return sum + f.deductionMinor;
        if (typeof f.deductionShare === 'number') return sum + Math.round(f.deductionShare * price);
        return sum;
      }, 0);
    let deduction = hinted;
    let basis = 'the deduction the grading standard sets for each damage finding';
    if (deduction <= 0) {
      const item = await this.saleOrders.itemOf(order.itemId, m);
      try {
        const [sold, returned] = await Promise.all(
          [order.gradeSold, p.grade].map((grade) =>
            this.valuation.value({
              productModelId: item.productModelId,
              categoryId: item.categoryId,
              grade,
            }),
          ),
        );
        if (sold.amountMinor <= 0) throw new Error('no value for the grade sold');
        deduction = Math.round(price * (1 - returned.amountMinor / sold.amountMinor));
        basis = `valuation of the item as ${p.grade} against ${order.gradeSold}`;
      } catch {
        const steps = (GRADE_RANK[order.gradeSold] ?? 0) - (GRADE_RANK[p.grade] ?? 0);
        deduction = Math.round(price * FALLBACK_DEDUCTION_PER_STEP * steps);
        basis = `${FALLBACK_DEDUCTION_PER_STEP * 100} % of the price per grade step down`;
      }
    }
    deduction = Math.min(price, Math.max(0, deduction));
    return {
      beforeSale: before,
      afterReturn: after,
      damage,
      outcome: deduction > 0 ? 'partial-refund' : 'full-refund',
      deductionMinor: deduction,
      basis,
    };
  }

  /**
   * Grading re-inspected the returned item: compare with the report it was sold with. Damage
   * the buyer caused is deducted (partial refund, the evidence shown to the buyer, open to a
   * dispute case); a worse grade without new damage is the merchant's grade mismatch (full
   * refund). The refund's idempotency key is the order's, so a re-run refunds once.
   */
  async onReturnInspected(p: JobPayload<typeof ReturnInspected>): Promise<void> {
    if (p.source.kind !== 'sale-order') return;
    await this.dataSource.transaction(async (m) => {
      const order = await this.saleOrders.lockOrder(m, p.source.id);
      if (!order) throw new Error(`Sale order ${p.source.id} not found`);
      if (order.state === 'RETURNED') return; // applied already
      if (order.state !== 'RETURN_REQUESTED') {
        this.logger.warn(`ReturnInspected for sale order ${order.id} in ${order.state}: ignored`);
        return;
      }
      if (order.itemId !== p.itemId) throw new Error(`Item ${p.itemId} is not on ${order.id}`);
      const mismatch = p.grade !== order.gradeSold;
      const worse = (GRADE_RANK[p.grade] ?? 0) < (GRADE_RANK[order.gradeSold] ?? 0);
      const evidence = await this.assessReturn(m, order, p);
      const refundMinor = order.priceMinor - evidence.deductionMinor;
      const refund = await this.refunds.refund(
        m,
        order,
        'return-refund',
        refundMinor,
        evidence.outcome === 'partial-refund' ? 'buyer return, damage deducted' : 'buyer return',
      );
      const jobs: OutboxJob[] = [
        merchantEvent(order, 'sale-order.returned', {
          gradeSold: order.gradeSold,
          gradeReturned: p.grade,
          gradeMismatch: mismatch,
          refundMinor,
          damageMinor: evidence.deductionMinor,
        }),
        job(NotifyOwner, {
          userId: order.buyerId,
          template:
            evidence.outcome === 'partial-refund'
              ? 'sale-order-partially-refunded'
              : 'sale-order-refunded',
          params: {
            saleOrderId: order.id,
            amountMinor: refundMinor,
            deductionMinor: evidence.deductionMinor,
            currency: order.currency,
          },
        }),
      ];
      if (worse) {
        // Worse than sold: misgraded by the merchant, or damaged by the buyer; a person reviews.
        jobs.push(
          job(OpenSupportCase, {
            kind: 'buyer-return-dispute',
            dedupeKey: `return-grade:${order.id}`,
            summary: `Returned item graded ${p.grade}, sold as ${order.gradeSold} (${evidence.outcome})`,
            itemIds: [order.itemId],
            orderRef: { kind: 'sale-order', id: order.id },
            customerId: order.buyerId,
            detail: {
              organisationId: order.merchantId,
              inspectionId: p.inspectionId,
              outcome: evidence.outcome,
              deductionMinor: evidence.deductionMinor,
              damage: evidence.damage,
            },
          }),
        );
      }
      const now = new Date();
      await this.transitions.apply(SaleOrderMachine, {
        manager: m,
        id: order.id,
        action: 'complete-return',
        actor: SYSTEM_ACTOR,
        patch: {
          returnGrade: p.grade,
          gradeMismatch: mismatch,
          returnedAt: now,
          ...refundColumns(refundMinor, refund),
          returnEvidence: evidence,
          returnDamageMinor: evidence.deductionMinor,
        },
        data: {
          inspectionId: p.inspectionId,
          gradeSold: order.gradeSold,
          gradeReturned: p.grade,
          gradeMismatch: mismatch,
          refundMinor,
          deductionMinor: evidence.deductionMinor,
          outcome: evidence.outcome,
          refundKey: refund.key,
        },
        jobs,
      });
      // Returned and refunded: the platform owns the item again; the buyer's period ends here.
      await this.items.transferOwnership(m, order.itemId, PLATFORM_OWNER, 'sale-returned');
    });
  }
}
