import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiTags } from '@nestjs/swagger';
import { CurrentActor, OptionalActor, Public, Roles } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import { NotFound } from '../../core/errors.js';
import { rawBodyOf } from '../../notifications/webhooks/raw-body.js';
import { SIGNATURE_HEADER } from '../../notifications/webhooks/signature.js';
import { CarriersService } from '../carriers.service.js';
import { VEHICLE_FACTS, type VehicleFacts } from '../../core/read-models/vehicle-facts.js';
import { InventoryService } from '../inventory.service.js';
import { ListingsService } from '../listings.service.js';
import { MarketService } from '../market.service.js';
import { PerformanceService } from '../performance.service.js';
import {
  AllocateDto,
  CheckoutDto,
  CreateCarrierAccountDto,
  CreateListingDto,
  DeclareLostDto,
  InventoryQuery,
  ListingQuery,
  MarketQuery,
  PerformanceQuery,
  PoolQuery,
  RebookReturnDto,
  ReturnRequestDto,
  SaleOrderQuery,
  ShipDto,
  UpdateListingDto,
} from './resale.dto.js';
import { SaleCheckoutService } from '../sale-checkout.service.js';
import { SaleOrdersService } from '../sale-orders.service.js';
import { SaleReturnsService } from '../sale-returns.service.js';
import { SaleShippingService } from '../sale-shipping.service.js';
import { TestPaymentsService } from '../test-payments.service.js';
import { PageQuery } from '../../core/http/pagination.js';
import { VersionDto } from '../../core/http/version.dto.js';
import { AttachPhotosDto } from '../../photos/api/photos.dto.js';
import { Action, IdParam } from '../../core/http/route.decorators.js';

@ApiTags('inventory')
@Controller('inventory')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  /** Items available for sale that no merchant holds yet. */
  @Get('pool')
  @Roles('merchant', 'admin', 'support')
  pool(@Query() q: PoolQuery) {
    return this.inventory.listPool(q);
  }

  @Action('pool/:itemId/claim', 'merchant')
  claim(@CurrentActor() actor: Actor, @IdParam('itemId') itemId: string) {
    return this.inventory.claim(actor, itemId);
  }

  @Post('allocations')
  @Roles('admin')
  allocate(@CurrentActor() actor: Actor, @Body() dto: AllocateDto) {
    return this.inventory.allocate(actor, dto.itemId, dto.merchantId);
  }

  /** Your merchant's inventory (admin and support: everyone's, or `merchantId`'s). */
  @Get()
  @Roles('merchant', 'admin', 'support')
  list(@CurrentActor() actor: Actor, @Query() q: InventoryQuery) {
    return this.inventory.listInventory(actor, q);
  }

  @Get(':itemId')
  @Roles('merchant', 'admin', 'support')
  get(@CurrentActor() actor: Actor, @IdParam('itemId') itemId: string) {
    return this.inventory.get(actor, itemId);
  }

  /** Give an unlisted item back to the pool. */
  @Action(':itemId/release', 'merchant', 'admin')
  release(@CurrentActor() actor: Actor, @IdParam('itemId') itemId: string) {
    return this.inventory.release(actor, itemId);
  }
}

@ApiTags('listings')
@Controller('listings')
export class ListingsController {
  constructor(
    private readonly listings: ListingsService,
    @Inject(VEHICLE_FACTS) private readonly vehicles: VehicleFacts,
  ) {}

  /** A draft from an item you hold, priced by the valuation engine unless you set a price. */
  @Post()
  @Roles('merchant')
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateListingDto) {
    return this.listings.view(actor, await this.listings.create(actor, dto));
  }

  @Get()
  @Roles('merchant', 'admin', 'support')
  list(@CurrentActor() actor: Actor, @Query() q: ListingQuery) {
    return this.listings.list(actor, q);
  }

  @Get(':id')
  @Roles('merchant', 'admin', 'support')
  async get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    const listing = await this.listings.get(actor, id);
    // A car's mileage flag with its evidence, where the merchant prices and describes it.
    const car = (await this.vehicles.flagsForItems([listing.itemId])).get(listing.itemId);
    return {
      ...this.listings.view(actor, listing),
      vehicle: car ?? null,
      photos: await this.listings.listingPhotos(actor, listing.id),
    };
  }

  /**
   * Adds uploaded photos (POST /photos?purpose=listing) to the listing, after those it has.
   * They become public: the market shows their thumbnails.
   */
  @Action(':id/photos', 'merchant', 'admin')
  attachPhotos(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: AttachPhotosDto) {
    return this.listings.attachPhotos(actor, id, dto.photoIds);
  }

  @Patch(':id')
  @Roles('merchant', 'admin')
  async update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: UpdateListingDto) {
    return this.listings.view(actor, await this.listings.update(actor, id, dto));
  }

  @Action(':id/publish', 'merchant', 'admin')
  async publish(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: VersionDto) {
    return this.listings.view(actor, await this.listings.publish(actor, id, dto.version));
  }

  @Action(':id/withdraw', 'merchant', 'admin')
  async withdraw(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: VersionDto) {
    return this.listings.view(actor, await this.listings.withdraw(actor, id, dto.version));
  }
}

@ApiTags('market')
@Controller('market/listings')
export class MarketController {
  constructor(private readonly market: MarketService) {}

  /** Browse and search published listings (no login, no personal data). */
  @Get()
  @Public()
  search(@OptionalActor() caller: Actor | null, @Query() q: MarketQuery) {
    return this.market.search(q, caller);
  }

  @Get(':id')
  @Public()
  get(@OptionalActor() caller: Actor | null, @IdParam() id: string) {
    return this.market.get(id, caller);
  }
}

@ApiTags('sale-orders')
@Controller('sale-orders')
export class SaleOrdersController {
  constructor(
    private readonly orders: SaleOrdersService,
    private readonly checkouts: SaleCheckoutService,
    private readonly shipping: SaleShippingService,
    private readonly returns: SaleReturnsService,
    private readonly testPayments: TestPaymentsService,
  ) {}

  /** Checkout: reserves the listing for you until the reservation runs out. */
  @Post()
  @Roles('customer')
  async checkout(@CurrentActor() actor: Actor, @Body() dto: CheckoutDto) {
    return this.orders.view(actor, await this.checkouts.checkout(actor, dto));
  }

  @Get()
  @Roles('customer', 'merchant', 'admin', 'support')
  list(@CurrentActor() actor: Actor, @Query() q: SaleOrderQuery) {
    return this.orders.list(actor, q);
  }

  @Get(':id')
  @Roles('customer', 'merchant', 'admin', 'support')
  async get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.orders.present(actor, await this.orders.get(actor, id));
  }

  /** A payment intent at the provider; the provider confirms by its signed webhook. */
  @Action(':id/pay', 'customer')
  async pay(@CurrentActor() actor: Actor, @IdParam() id: string) {
    const intent = await this.orders.pay(actor, id);
    // Tells a test-mode client (the console, demos) where it may complete the payment itself.
    const testMode = this.testPayments.refusal() === null;
    return {
      ...intent,
      testMode,
      ...(testMode ? { testPaymentPath: `/sale-orders/${id}/test-payment` } : {}),
    };
  }

  /**
   * Test mode only (never in production, only with the built-in test provider): the test
   * provider signs its confirmation and it is applied through the inbound webhook path.
   */
  @Action(':id/test-payment', 'customer')
  testPayment(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.testPayments.complete(actor, id);
  }

  @Action(':id/cancel', 'customer', 'admin')
  async cancel(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: VersionDto) {
    return this.orders.view(actor, await this.checkouts.cancel(actor, id, dto.version));
  }

  @Action(':id/ship', 'merchant', 'admin')
  async ship(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: ShipDto) {
    return this.orders.view(actor, await this.shipping.ship(actor, id, dto));
  }

  /**
   * The buyer confirms delivery. The carrier's signed tracking webhook proves it too; the
   * merchant can only ask the buyer (request-delivery-confirmation).
   */
  @Action(':id/confirm-delivery', 'customer')
  async confirmDelivery(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() dto: VersionDto,
  ) {
    return this.orders.view(actor, await this.shipping.confirmDelivery(actor, id, dto.version));
  }

  /** The merchant asks the buyer to confirm delivery (it cannot confirm it itself). */
  @Action(':id/request-delivery-confirmation', 'merchant', 'admin')
  async requestDeliveryConfirmation(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() dto: VersionDto,
  ) {
    return this.orders.view(
      actor,
      await this.shipping.requestDeliveryConfirmation(actor, id, dto.version),
    );
  }

  /** Support or an admin declares a shipped parcel lost: full refund, the item written off. */
  @Action(':id/declare-lost', 'support', 'admin')
  async declareLost(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() dto: DeclareLostDto,
  ) {
    return this.orders.view(actor, await this.shipping.declareLost(actor, id, dto));
  }

  /** The return pickup failed for good: book another one. */
  @Action(':id/rebook-return', 'customer', 'support', 'admin')
  async rebookReturn(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() dto: RebookReturnDto,
  ) {
    return this.orders.view(actor, await this.returns.rebookReturn(actor, id, dto));
  }

  /** The return pickup failed for good: the buyer keeps the item, no refund. */
  @Action(':id/withdraw-return', 'customer', 'support', 'admin')
  async withdrawReturn(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() dto: RebookReturnDto,
  ) {
    return this.orders.view(actor, await this.returns.withdrawReturn(actor, id, dto));
  }

  /** Return within the window: a courier collects it from you; refunded after re-inspection. */
  @Action(':id/request-return', 'customer')
  async requestReturn(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() dto: ReturnRequestDto,
  ) {
    return this.orders.view(actor, await this.returns.requestReturn(actor, id, dto));
  }
}

@ApiTags('carriers')
@Controller('carrier-accounts')
export class CarrierAccountsController {
  constructor(private readonly carriers: CarriersService) {}

  /** Registers a carrier account; the answer carries its webhook secret (shown only now). */
  @Post()
  @Roles('admin')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateCarrierAccountDto) {
    return this.carriers.create(actor, dto);
  }

  /** Accounts merchants may ship with (no secrets). */
  @Get()
  @Roles('admin', 'support', 'merchant')
  list(@Query() q: PageQuery) {
    return this.carriers.list(q);
  }

  @Action(':id/rotate-secret', 'admin')
  rotate(@IdParam() id: string) {
    return this.carriers.rotate(id);
  }
}

@ApiTags('carriers')
@Controller('webhooks/inbound/carriers')
export class CarrierWebhooksController {
  constructor(private readonly carriers: CarriersService) {}

  /**
   * A carrier's tracking event, signed with its account's secret over the raw body
   * (`Reloop-Signature: t=<unix>,v1=<hex>`): `delivered` proves delivery, `lost` declares the
   * parcel lost. A resend of an event id answers `duplicate: true` and changes nothing.
   */
  @Post(':accountId')
  @HttpCode(200)
  @Public()
  receive(
    @IdParam('accountId') accountId: string,
    @Req() req: FastifyRequest,
    @Headers(SIGNATURE_HEADER) signature: string | undefined,
  ) {
    return this.carriers.receive(accountId, rawBodyOf(req), signature);
  }
}

@ApiTags('merchants')
@Controller('merchants')
export class MerchantsController {
  constructor(private readonly performance: PerformanceService) {}

  @Get('me/performance')
  @Roles('merchant')
  mine(@CurrentActor() actor: Actor, @Query() q: PerformanceQuery) {
    if (!actor.organisationId) throw new NotFound('Merchant');
    return this.performance.forMerchant(actor.organisationId, q.days);
  }

  @Get(':id/performance')
  @Roles('admin')
  any(@IdParam() id: string, @Query() q: PerformanceQuery) {
    return this.performance.forMerchant(id, q.days);
  }
}
