import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import {
  ExpireTradeInOffer,
  ExpireTradeInQuote,
  ItemGraded,
  ItemReceived,
  QuoteTradeIn,
  ReceivingExceptionRaised,
  VehicleMileageFlagged,
  TradeInShipmentUpdate,
} from '../core/jobs/job-catalogue.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { OrderNumbers, orderNumbersOf } from '../core/read-models/order-numbers.js';
import { days, hours } from '../core/state-machine/machine.js';
import { StateMachineRegistry } from '../core/state-machine/state-machine.registry.js';
import { MoneyModule } from '../money/money.module.js';
import { ServiceAreasModule } from '../service-areas/service-areas.module.js';
import { ValuationModule } from '../valuation/valuation.module.js';
import { TransferHooks } from '../money/transfers/transfer-hooks.js';
import { TradeInWorkflow } from './trade-in-workflow.service.js';
import {
  BlockedIdentifier,
  TradeInItem,
  TradeInOrder,
  TradeInPayout,
} from './data/trade-in.entities.js';
import { BlockedIdentifierRepository } from './data/blocked-identifier.repository.js';
import { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { TradeInPayoutRepository } from './data/trade-in-payout.repository.js';
import { TradeInItemMachine, TradeInOrderMachine } from './trade-in.machines.js';
import { BlocklistController, TradeInsController } from './trade-ins.controller.js';
import { TradeInsService } from './trade-ins.service.js';

/** Acquisition (spec §3): trade-in orders from quote to payout or return. */
@Module({
  imports: [
    CatalogModule,
    ServiceAreasModule,
    ValuationModule,
    MoneyModule,
    TypeOrmModule.forFeature([TradeInOrder, TradeInItem, TradeInPayout, BlockedIdentifier]),
  ],
  controllers: [TradeInsController, BlocklistController],
  providers: [
    TradeInOrderRepository,
    TradeInPayoutRepository,
    BlockedIdentifierRepository,
    TradeInsService,
    TradeInWorkflow,
  ],
  exports: [TradeInsService],
})
export class AcquisitionModule implements OnModuleInit {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly workflow: TradeInWorkflow,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transferHooks: TransferHooks,
    private readonly orderNumbers: OrderNumbers,
  ) {}

  onModuleInit(): void {
    this.orderNumbers.register('trade-in', orderNumbersOf('trade_in_orders'));
    this.machines.register(TradeInOrderMachine);
    this.machines.register(TradeInItemMachine);
    // Limits set by the owner-facing validities; the timers fire at the limit, the sweeper
    // catches rows whose timer was lost.
    const { quoteValidityDays, offerValidityDays } = this.config.acquisition;
    this.machines.setLimit(TradeInOrderMachine, 'QUOTED', days(quoteValidityDays) + hours(1));
    this.machines.setLimit(TradeInItemMachine, 'OFFER_PENDING', days(offerValidityDays));
    this.machines.setLimit(TradeInOrderMachine, 'OFFER_PENDING', days(offerValidityDays + 1));
    this.machines.onFollowUp(TradeInOrderMachine, 'expire', (id) => this.workflow.expire(id));
    this.machines.onFollowUp(TradeInItemMachine, 'expire-offer', (id, now) =>
      this.workflow.expireOffer(id, now),
    );
    this.jobs.register(QuoteTradeIn, (p) => this.workflow.quote(p.orderId));
    this.jobs.register(ExpireTradeInQuote, (p) => this.workflow.expire(p.orderId));
    this.jobs.register(ExpireTradeInOffer, (p) => this.workflow.expireOffer(p.tradeInItemId));
    this.jobs.register(TradeInShipmentUpdate, (p) => this.workflow.onShipmentUpdate(p));
    this.jobs.register(ItemReceived, (p) => this.workflow.onItemReceived(p));
    this.jobs.register(ItemGraded, (p) => this.workflow.onItemGraded(p));
    this.jobs.register(ReceivingExceptionRaised, (p) => this.workflow.onReceivingException(p));
    this.jobs.register(VehicleMileageFlagged, (p) => this.workflow.onVehicleMileageFlagged(p));
    this.transferHooks.register('trade-in-payout', {
      holdReason: (m, t) => this.workflow.payoutHoldReason(m, t.sourceId),
      settled: (m, t) => this.workflow.onPayoutSettled(m, t),
    });
  }
}
