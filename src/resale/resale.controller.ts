import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Public, Roles } from '../auth/access.decorators.js';
import type { Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { InventoryService } from './inventory.service.js';
import { ListingsService } from './listings.service.js';
import { MarketService } from './market.service.js';
import { PerformanceService } from './performance.service.js';
import {
  AllocateDto,
  CheckoutDto,
  CreateListingDto,
  InventoryQuery,
  ListingQuery,
  MarketQuery,
  PerformanceQuery,
  PoolQuery,
  ReturnRequestDto,
  SaleOrderQuery,
  ShipDto,
  UpdateListingDto,
  VersionDto,
} from './resale.dto.js';
import { SaleOrdersService } from './sale-orders.service.js';
import { TestPaymentsService } from './test-payments.service.js';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('inventory')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  /** Items available for sale that no merchant holds yet. */
  @Get('pool')
  @Roles('merchant', 'admin', 'support')
  pool(@Query() q: PoolQuery) {
    return this.inventory.listPool(q);
  }

  @Post('pool/:itemId/claim')
  @HttpCode(200)
  @Roles('merchant')
  claim(@CurrentActor() actor: Actor, @Param('itemId', ParseUUIDPipe) itemId: string) {
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
  get(@CurrentActor() actor: Actor, @Param('itemId', ParseUUIDPipe) itemId: string) {
    return this.inventory.get(actor, itemId);
  }

  /** Give an unlisted item back to the pool. */
  @Post(':itemId/release')
  @HttpCode(200)
  @Roles('merchant', 'admin')
  release(@CurrentActor() actor: Actor, @Param('itemId', ParseUUIDPipe) itemId: string) {
    return this.inventory.release(actor, itemId);
  }
}

@ApiTags('listings')
@ApiBearerAuth()
@Controller('listings')
export class ListingsController {
  constructor(private readonly listings: ListingsService) {}

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
  async get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.listings.view(actor, await this.listings.get(actor, id));
  }

  @Patch(':id')
  @Roles('merchant', 'admin')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateListingDto,
  ) {
    return this.listings.view(actor, await this.listings.update(actor, id, dto));
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Roles('merchant', 'admin')
  async publish(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: VersionDto,
  ) {
    return this.listings.view(actor, await this.listings.publish(actor, id, dto.version));
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('merchant', 'admin')
  async withdraw(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: VersionDto,
  ) {
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
  search(@Query() q: MarketQuery) {
    return this.market.search(q);
  }

  @Get(':id')
  @Public()
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.market.get(id);
  }
}

@ApiTags('sale-orders')
@ApiBearerAuth()
@Controller('sale-orders')
export class SaleOrdersController {
  constructor(
    private readonly orders: SaleOrdersService,
    private readonly testPayments: TestPaymentsService,
  ) {}

  /** Checkout: reserves the listing for you until the reservation runs out. */
  @Post()
  @Roles('customer')
  async checkout(@CurrentActor() actor: Actor, @Body() dto: CheckoutDto) {
    return this.orders.view(actor, await this.orders.checkout(actor, dto));
  }

  @Get()
  @Roles('customer', 'merchant', 'admin', 'support')
  list(@CurrentActor() actor: Actor, @Query() q: SaleOrderQuery) {
    return this.orders.list(actor, q);
  }

  @Get(':id')
  @Roles('customer', 'merchant', 'admin', 'support')
  async get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.orders.view(actor, await this.orders.get(actor, id));
  }

  /** A payment intent at the provider; the provider confirms by its signed webhook. */
  @Post(':id/pay')
  @HttpCode(200)
  @Roles('customer')
  async pay(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
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
  @Post(':id/test-payment')
  @HttpCode(200)
  @Roles('customer')
  testPayment(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.testPayments.complete(actor, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('customer', 'admin')
  async cancel(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: VersionDto,
  ) {
    return this.orders.view(actor, await this.orders.cancel(actor, id, dto.version));
  }

  @Post(':id/ship')
  @HttpCode(200)
  @Roles('merchant', 'admin')
  async ship(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ShipDto,
  ) {
    return this.orders.view(actor, await this.orders.ship(actor, id, dto));
  }

  @Post(':id/confirm-delivery')
  @HttpCode(200)
  @Roles('customer', 'merchant', 'admin')
  async confirmDelivery(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: VersionDto,
  ) {
    return this.orders.view(actor, await this.orders.confirmDelivery(actor, id, dto.version));
  }

  /** Return within the window: a courier collects it from you; refunded after re-inspection. */
  @Post(':id/request-return')
  @HttpCode(200)
  @Roles('customer')
  async requestReturn(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReturnRequestDto,
  ) {
    return this.orders.view(actor, await this.orders.requestReturn(actor, id, dto));
  }
}

@ApiTags('merchants')
@ApiBearerAuth()
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
  any(@Param('id', ParseUUIDPipe) id: string, @Query() q: PerformanceQuery) {
    return this.performance.forMerchant(id, q.days);
  }
}
