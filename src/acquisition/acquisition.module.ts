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
import {
  BlockedIdentifier,
  TradeInItem,
  TradeInOrder,
  TradeInPayout,
} from './data/trade-in.entities.js';
import { BlockedIdentifierRepository } from './data/blocked-identifier.repository.js';
import { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { TradeInPayoutRepository } from './data/trade-in-payout.repository.js';
import { TradeInItemMachine, TradeInOrderMachine } from './domain/trade-in.machines.js';
import { BlocklistController } from './api/identifier-blocklist.controller.js';
import { TradeInsController } from './api/trade-ins.controller.js';
import { TradeInActions } from './trade-in-actions.service.js';
import { TradeInGrading } from './trade-in-grading.service.js';
import { TradeInIntake } from './trade-in-intake.service.js';
import { TradeInQuotes } from './trade-in-quotes.service.js';
import { TradeInReceiving } from './trade-in-receiving.service.js';
import { TradeInReview } from './trade-in-review.service.js';
import { TradeInSettlement } from './trade-in-settlement.service.js';
import { TradeInViews } from './trade-in-views.service.js';
import { QuoteTradeInJob } from './handlers/quote-trade-in.job.js';
import { ExpireTradeInQuoteJob } from './handlers/expire-trade-in-quote.job.js';
import { ExpireTradeInOfferJob } from './handlers/expire-trade-in-offer.job.js';
import { TradeInShipmentUpdateJob } from './handlers/trade-in-shipment-update.job.js';
import { ItemReceivedJob } from './handlers/item-received.job.js';
import { ItemGradedJob } from './handlers/item-graded.job.js';
import { ReceivingExceptionRaisedJob } from './handlers/receiving-exception-raised.job.js';
import { VehicleMileageFlaggedJob } from './handlers/vehicle-mileage-flagged.job.js';

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
    TradeInSettlement,
    TradeInIntake,
    TradeInActions,
    TradeInReview,
    TradeInViews,
    TradeInQuotes,
    TradeInReceiving,
    TradeInGrading,
    QuoteTradeInJob,
    ExpireTradeInQuoteJob,
    ExpireTradeInOfferJob,
    TradeInShipmentUpdateJob,
    ItemReceivedJob,
    ItemGradedJob,
    ReceivingExceptionRaisedJob,
    VehicleMileageFlaggedJob,
  ],
  exports: [TradeInViews],
})
export class AcquisitionModule implements OnModuleInit {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly quotes: TradeInQuotes,
    private readonly settlement: TradeInSettlement,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transferHooks: TransferHooks,
    private readonly orderNumbers: OrderNumbers,
    private readonly quoteTradeIn: QuoteTradeInJob,
    private readonly expireTradeInQuote: ExpireTradeInQuoteJob,
    private readonly expireTradeInOffer: ExpireTradeInOfferJob,
    private readonly tradeInShipmentUpdate: TradeInShipmentUpdateJob,
    private readonly itemReceived: ItemReceivedJob,
    private readonly itemGraded: ItemGradedJob,
    private readonly receivingExceptionRaised: ReceivingExceptionRaisedJob,
    private readonly vehicleMileageFlagged: VehicleMileageFlaggedJob,
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
    this.machines.onFollowUp(TradeInOrderMachine, 'expire', (id) => this.quotes.expire(id));
    this.machines.onFollowUp(TradeInItemMachine, 'expire-offer', (id, now) =>
      this.quotes.expireOffer(id, now),
    );
    this.jobs.register(QuoteTradeIn, (p, ctx) => this.quoteTradeIn.run(p, ctx));
    this.jobs.register(ExpireTradeInQuote, (p, ctx) => this.expireTradeInQuote.run(p, ctx));
    this.jobs.register(ExpireTradeInOffer, (p, ctx) => this.expireTradeInOffer.run(p, ctx));
    this.jobs.register(TradeInShipmentUpdate, (p, ctx) => this.tradeInShipmentUpdate.run(p, ctx));
    this.jobs.register(ItemReceived, (p, ctx) => this.itemReceived.run(p, ctx));
    this.jobs.register(ItemGraded, (p, ctx) => this.itemGraded.run(p, ctx));
    this.jobs.register(ReceivingExceptionRaised, (p, ctx) =>
      this.receivingExceptionRaised.run(p, ctx),
    );
    this.jobs.register(VehicleMileageFlagged, (p, ctx) => this.vehicleMileageFlagged.run(p, ctx));
    this.transferHooks.register('trade-in-payout', {
      holdReason: (m, t) => this.settlement.payoutHoldReason(m, t.sourceId),
      settled: (m, t) => this.settlement.onPayoutSettled(m, t),
    });
  }
}
