import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { SYSTEM_ACTOR } from '../core/actor.js';
import { ExpireTradeInQuote, NotifyOwner } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { withTradeInMargin } from '../valuation/engine/margin.js';
import { ValuationService } from '../valuation/valuation.service.js';
import { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { declaredVehicleFactors } from './domain/offer-explanation.js';
import { TradeInOrderMachine } from './domain/trade-in.machines.js';
import { TradeInSettlement } from './trade-in-settlement.service.js';

const MS_PER_DAY = 86_400_000;

/**
 * A trade-in's clock (job-driven): the quote from the owner's description, the quote's expiry
 * and the expiry of a final offer the owner never answered. Each re-reads the order under its
 * row lock and skips work already done, so a job delivered twice changes nothing.
 */
@Injectable()
export class TradeInQuotes {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly valuation: ValuationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly orders: TradeInOrderRepository,
    private readonly settlement: TradeInSettlement,
  ) {}

  async quote(orderId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const order = await this.orders.lockOrder(m, orderId);
      if (!order || order.state !== 'QUOTING') return;
      const items = await this.orders.itemsOf(orderId, m);
      const now = new Date();
      const penalty = 'confidencePenalty' in order.fraud ? order.fraud.confidencePenalty : 0;
      let total = 0;
      for (const it of items) {
        const v = withTradeInMargin(
          await this.valuation.value({
            productModelId: it.productModelId,
            categoryId: it.categoryId,
            variant: it.variant,
            declaredCondition: it.declaredCondition,
            extraFactors: declaredVehicleFactors(it.declaredCondition),
            confidencePenalty: penalty,
            valuationDate: now,
          }),
          this.config.acquisition.marginShare,
        );
        total += v.amountMinor;
        await this.orders.setQuote(m, it.id, v);
      }
      const validUntil = new Date(
        now.getTime() + this.config.acquisition.quoteValidityDays * MS_PER_DAY,
      );
      await this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id: orderId,
        action: 'quote',
        actor: SYSTEM_ACTOR,
        patch: { quotedTotalMinor: total, quotedAt: now, quoteValidUntil: validUntil },
        data: { quotedTotalMinor: total, validUntil: validUntil.toISOString() },
        jobs: [
          job(ExpireTradeInQuote, { orderId }, validUntil),
          job(NotifyOwner, {
            userId: order.customerId,
            template: 'trade-in-quoted',
            params: { orderId, quotedTotalMinor: total, validUntil: validUntil.toISOString() },
          }),
        ],
      });
    });
  }

  async expire(orderId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const order = await this.orders.lockOrder(m, orderId);
      if (!order || order.state !== 'QUOTED' || !order.quoteValidUntil) return;
      const early = order.quoteValidUntil.getTime() - Date.now();
      if (early > 5 * 60_000) return; // re-quoted since: a later job expires it
      if (early > 0) throw new Error(`quote ${orderId} still valid for ${early} ms; retry`);
      await this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id: orderId,
        action: 'expire',
        actor: SYSTEM_ACTOR,
        effects: (mm) => this.settlement.cancelItems(mm, orderId, SYSTEM_ACTOR),
      });
    });
  }

  /**
   * ExpireTradeInOffer: an offer the owner never answered. The item goes back free, exactly
   * as if they had rejected it. While the order is held for review nothing moves (the sweeper
   * escalates it); an offer re-proposed since carries a later deadline and its own timer.
   */
  async expireOffer(tradeInItemId: string, now: Date = new Date()): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const found = await this.orders.findItem(m, tradeInItemId);
      if (!found) return;
      const order = await this.orders.lockOrder(m, found.orderId);
      const it = await this.orders.itemOrFail(m, found.id);
      if (!order || it.state !== 'OFFER_PENDING' || order.held) return;
      const early = (it.offerValidUntil?.getTime() ?? 0) - now.getTime();
      if (early > 5 * 60_000) return;
      if (early > 0) throw new Error(`offer ${it.id} still valid for ${early} ms; retry`);
      await this.settlement.sendBack(m, order, it, {
        action: 'expire-offer',
        actor: SYSTEM_ACTOR,
        reason: 'the owner did not answer the final offer in time',
      });
    });
  }
}
