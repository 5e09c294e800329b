import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { takesValue } from '../catalog/standards/grade-answers.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { SYSTEM_ACTOR } from '../core/actor.js';
import {
  ExpireTradeInOffer,
  type ItemGraded,
  NotifyOwner,
  SecondGradingRequested,
} from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { withTradeInMargin } from '../valuation/engine/margin.js';
import { ValuationService } from '../valuation/valuation.service.js';
import { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { needsSecondGrader } from './domain/fairness.js';
import { declaredVehicleFactors, explainOffer, toDeduction } from './domain/offer-explanation.js';
import { TradeInItemMachine, type TradeInOrderState } from './domain/trade-in.machines.js';
import { TradeInSettlement } from './trade-in-settlement.service.js';

type ItemGradedPayload = NonNullable<(typeof ItemGraded)['payload']>;

/** Orders in which grading results still count. */
const INSPECTABLE: readonly TradeInOrderState[] = ['IN_TRANSIT', 'INSPECTING', 'OFFER_PENDING'];
const MS_PER_DAY = 86_400_000;

/**
 * Grading results (job-driven): the final offer from what inspection found, priced on the
 * quote's basis, explained line by line; a cut beyond the fairness guard's share asks a second
 * grader, one beyond the tolerance asks the owner.
 */
@Injectable()
export class TradeInGrading {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly outbox: OutboxService,
    private readonly valuation: ValuationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly orders: TradeInOrderRepository,
    private readonly settlement: TradeInSettlement,
  ) {}

  async onItemGraded(p: ItemGradedPayload): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const found = await this.orders.itemCarrying(m, p.itemId);
      if (!found) return;
      const order = await this.orders.lockOrder(m, found.orderId);
      if (!order || !INSPECTABLE.includes(order.state)) return;
      const it = await this.orders.itemOrFail(m, found.id);
      if (it.state !== 'AWAITING_INSPECTION' && it.state !== 'SECOND_GRADING') return;
      if (
        it.state === 'SECOND_GRADING' &&
        !p.confirmedBySecondGrader &&
        it.inspectionId === p.inspectionId
      ) {
        return; // the same result delivered again
      }
      if (!it.quote || it.quotedMinor === null)
        throw new Error(`trade-in item ${it.id} has no quote`);

      const final = withTradeInMargin(
        await this.valuation.value({
          productModelId: it.productModelId,
          categoryId: it.categoryId,
          grade: p.grade,
          variant: it.variant,
          declaredCondition: it.declaredCondition,
          defects: p.findings.filter(takesValue).map(toDeduction),
          extraFactors: declaredVehicleFactors(it.declaredCondition),
          // Same date and parameters as the quote: only what inspection found moves the price.
          valuationDate: new Date(it.quote.valuationDate),
          paramsVersion: it.quote.paramsVersion,
          confidencePenalty: 'confidencePenalty' in order.fraud ? order.fraud.confidencePenalty : 0,
        }),
        // A quote given before margins existed keeps its basis: no margin on its final price.
        it.quote.lines.some((l) => l.code === 'trade-in-margin')
          ? this.config.acquisition.marginShare
          : 0,
      );
      const explanation = explainOffer(it.quote, final, p);
      const quotedMinor = it.quotedMinor;
      const finalMinor = final.amountMinor;
      const patch = {
        final,
        finalMinor,
        explanation,
        inspectionId: p.inspectionId,
        grade: p.grade,
        confirmedBySecondGrader: p.confirmedBySecondGrader,
      };
      const secondGrader =
        !p.confirmedBySecondGrader &&
        needsSecondGrader({
          quotedMinor,
          finalMinor,
          maxCutShare: this.config.acquisition.maxCutShare,
        });
      const withinTolerance =
        quotedMinor - finalMinor <= this.config.acquisition.offerTolerance * quotedMinor + 1e-9;

      if (p.hold) {
        await this.settlement.hold(m, order, {
          code: 'grading-hold',
          detail: `inspection ${p.inspectionId} asked to hold the item`,
          at: new Date().toISOString(),
          itemId: p.itemId,
        });
      }
      const askSecond = job(SecondGradingRequested, {
        itemId: p.itemId,
        inspectionId: p.inspectionId,
        quotedMinor,
        finalMinor,
      });
      if (secondGrader && it.state === 'SECOND_GRADING') {
        // A new first-grader result while waiting: ask again for this inspection.
        await this.orders.setGrading(m, it.id, patch);
        await this.outbox.write(m, [askSecond]);
        return;
      }
      const action = secondGrader
        ? 'request-second-grading'
        : withinTolerance
          ? 'confirm-offer'
          : 'propose-offer';
      const offerValidUntil =
        action === 'propose-offer'
          ? new Date(Date.now() + this.config.acquisition.offerValidityDays * MS_PER_DAY)
          : null;
      await this.transitions.apply(TradeInItemMachine, {
        manager: m,
        id: it.id,
        action,
        actor: SYSTEM_ACTOR,
        patch: { ...patch, offerValidUntil },
        data: {
          grade: p.grade,
          quotedMinor,
          finalMinor,
          inspectionId: p.inspectionId,
          ...(offerValidUntil ? { offerValidUntil: offerValidUntil.toISOString() } : {}),
        },
        jobs: secondGrader
          ? [askSecond]
          : offerValidUntil
            ? [
                job(NotifyOwner, {
                  userId: order.customerId,
                  template: 'trade-in-offer-pending',
                  params: {
                    orderId: order.id,
                    itemId: p.itemId,
                    quotedMinor,
                    finalMinor,
                    validUntil: offerValidUntil.toISOString(),
                  },
                }),
                job(ExpireTradeInOffer, { tradeInItemId: it.id }, offerValidUntil),
              ]
            : [],
      });
      await this.settlement.reconcile(m, order.id);
    });
  }
}
