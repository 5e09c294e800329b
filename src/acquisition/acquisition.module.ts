import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import {
  ExpireTradeInQuote,
  ItemGraded,
  ItemReceived,
  QuoteTradeIn,
  ReceivingExceptionRaised,
  VehicleMileageFlagged,
  TradeInShipmentUpdate,
} from '../core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
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
} from './trade-in.entities.js';
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
  providers: [TradeInsService, TradeInWorkflow],
  exports: [TradeInsService],
})
export class AcquisitionModule implements OnModuleInit {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly workflow: TradeInWorkflow,
    private readonly transferHooks: TransferHooks,
  ) {}

  onModuleInit(): void {
    this.machines.register(TradeInOrderMachine);
    this.machines.register(TradeInItemMachine);
    this.jobs.register(QuoteTradeIn, (p) => this.workflow.quote(p.orderId));
    this.jobs.register(ExpireTradeInQuote, (p) => this.workflow.expire(p.orderId));
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
