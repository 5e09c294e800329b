import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { PhotosModule } from '../photos/photos.module.js';
import { PhotoSubjects } from '../photos/photo-subjects.js';
import {
  ExpireSaleReservation,
  ItemAvailableForSale,
  ReturnInspected,
  SaleOrderShipmentUpdate,
  WithdrawUncertifiedItem,
} from '../core/jobs/job-catalogue.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { OrderNumbers, orderNumbersOf } from '../core/read-models/order-numbers.js';
import { minutes } from '../core/state-machine/machine.js';
import { StateMachineRegistry } from '../core/state-machine/state-machine.registry.js';
import { VEHICLE_FACTS, type VehicleFacts } from '../core/read-models/vehicle-facts.js';
import { MoneyModule } from '../money/money.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { InboundWebhookHandlers } from '../notifications/webhooks/inbound-handlers.registry.js';
import { ServiceAreasModule } from '../service-areas/service-areas.module.js';
import { ValuationModule } from '../valuation/valuation.module.js';
import { CarrierAccountRepository } from './data/carrier-account.repository.js';
import { InventoryRepository } from './data/inventory.repository.js';
import { ListingRepository } from './data/listing.repository.js';
import { MarketRepository } from './data/market.repository.js';
import { MerchantPerformanceRepository } from './data/merchant-performance.repository.js';
import { SaleOrderRepository } from './data/sale-order.repository.js';
import { InventoryService } from './inventory.service.js';
import { ListingsService } from './listings.service.js';
import { MarketService } from './market.service.js';
import { PAYMENT_SUCCEEDED } from '../money/providers/payment-provider.js';
import { PaymentProviders } from '../money/providers/payment-providers.js';
import { TransferHooks } from '../money/transfers/transfer-hooks.js';
import { PerformanceService } from './performance.service.js';
import { CarriersService } from './carriers.service.js';
import {
  CarrierAccountsController,
  CarrierWebhooksController,
  InventoryController,
  ListingsController,
  MarketController,
  MerchantsController,
  SaleOrdersController,
} from './api/resale.controller.js';
import { InventoryEntry, Listing, SaleOrder } from './data/resale.entities.js';
import {
  ListingMachine,
  SaleOrderMachine,
  ListingAccess,
  useVehicleFacts,
} from './domain/resale.machines.js';
import { SaleCheckoutService } from './sale-checkout.service.js';
import { SaleOrderEventsService } from './sale-order-events.service.js';
import { SaleOrdersService } from './sale-orders.service.js';
import { SaleRefundsService } from './sale-refunds.service.js';
import { SaleReturnEventsService } from './sale-return-events.service.js';
import { SaleReturnsService } from './sale-returns.service.js';
import { SaleShippingService } from './sale-shipping.service.js';
import { TestPaymentsService } from './test-payments.service.js';
import { ExpireSaleReservationJob } from './handlers/expire-sale-reservation.job.js';
import { ItemAvailableForSaleJob } from './handlers/item-available-for-sale.job.js';
import { PaymentSucceededJob } from './handlers/payment-succeeded.job.js';
import { ReturnInspectedJob } from './handlers/return-inspected.job.js';
import { SaleOrderShipmentUpdateJob } from './handlers/sale-order-shipment-update.job.js';
import { WithdrawUncertifiedItemJob } from './handlers/withdraw-uncertified-item.job.js';

/**
 * Stage: resale (spec §1, §3). Merchant inventory from the pool of available items, listings
 * priced by the valuation engine, the public market, sale orders paid through a payment
 * provider, delivery, buyer returns back into reverse logistics, merchant performance.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([InventoryEntry, Listing, SaleOrder]),
    CatalogModule,
    ValuationModule,
    ServiceAreasModule,
    NotificationsModule,
    MoneyModule,
    PhotosModule,
  ],
  controllers: [
    InventoryController,
    ListingsController,
    MarketController,
    SaleOrdersController,
    MerchantsController,
    CarrierAccountsController,
    CarrierWebhooksController,
  ],
  providers: [
    CarriersService,
    InventoryService,
    ListingsService,
    MarketService,
    SaleOrdersService,
    SaleCheckoutService,
    SaleShippingService,
    SaleOrderEventsService,
    SaleRefundsService,
    SaleReturnsService,
    SaleReturnEventsService,
    PerformanceService,
    TestPaymentsService,
    SaleOrderRepository,
    ListingRepository,
    InventoryRepository,
    CarrierAccountRepository,
    MarketRepository,
    MerchantPerformanceRepository,
    ItemAvailableForSaleJob,
    ExpireSaleReservationJob,
    SaleOrderShipmentUpdateJob,
    ReturnInspectedJob,
    WithdrawUncertifiedItemJob,
    PaymentSucceededJob,
  ],
  exports: [ListingsService, InventoryService, SaleOrdersService],
})
export class ResaleModule implements OnModuleInit {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly inbound: InboundWebhookHandlers,
    private readonly orderEvents: SaleOrderEventsService,
    private readonly refunds: SaleRefundsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly providers: PaymentProviders,
    private readonly transferHooks: TransferHooks,
    private readonly photoSubjects: PhotoSubjects,
    private readonly listings: ListingsService,
    @Inject(VEHICLE_FACTS) private readonly vehicleFacts: VehicleFacts,
    private readonly orderNumbers: OrderNumbers,
    private readonly itemAvailableForSale: ItemAvailableForSaleJob,
    private readonly expireSaleReservation: ExpireSaleReservationJob,
    private readonly saleOrderShipmentUpdate: SaleOrderShipmentUpdateJob,
    private readonly returnInspected: ReturnInspectedJob,
    private readonly withdrawUncertifiedItem: WithdrawUncertifiedItemJob,
    private readonly paymentSucceeded: PaymentSucceededJob,
  ) {}

  onModuleInit(): void {
    this.orderNumbers.register('sale', orderNumbersOf('sale_orders'));
    this.photoSubjects.register('listing', ListingAccess);
    this.machines.register(ListingMachine);
    useVehicleFacts(this.vehicleFacts);
    this.machines.register(SaleOrderMachine);
    // The checkout reservation's own timer expires it; the sweeper catches a lost timer.
    this.machines.setLimit(
      SaleOrderMachine,
      'PENDING_PAYMENT',
      minutes(this.config.resale.reservationMinutes + 5),
    );
    this.machines.onFollowUp(SaleOrderMachine, 'expire', (saleOrderId) =>
      this.orderEvents.expire({ saleOrderId }),
    );
    this.jobs.register(ItemAvailableForSale, (p, ctx) => this.itemAvailableForSale.run(p, ctx));
    this.jobs.register(ExpireSaleReservation, (p, ctx) => this.expireSaleReservation.run(p, ctx));
    this.jobs.register(SaleOrderShipmentUpdate, (p, ctx) =>
      this.saleOrderShipmentUpdate.run(p, ctx),
    );
    this.jobs.register(ReturnInspected, (p, ctx) => this.returnInspected.run(p, ctx));
    this.jobs.register(WithdrawUncertifiedItem, (p, ctx) =>
      this.withdrawUncertifiedItem.run(p, ctx),
    );
    // The payment confirmations of every provider this process talks to (each verified by
    // its own scheme before it gets here).
    for (const provider of this.providers.all()) {
      this.inbound.register(provider.name, PAYMENT_SUCCEEDED, (m, event) =>
        this.paymentSucceeded.run(m, event),
      );
    }
    this.transferHooks.register('sale-order', {
      settled: (m, t) => this.refunds.onRefundSettled(m, t),
    });
  }
}
