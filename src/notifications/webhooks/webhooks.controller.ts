import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentActor, Public, Roles } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import { InboundWebhooksService } from './inbound.service.js';
import { rawBodyOf } from './raw-body.js';
import { SIGNATURE_HEADER } from './signature.js';
import {
  CreateSubscriptionDto,
  DeliveryListQuery,
  InboundListQuery,
  ProviderSecretDto,
  SubscriptionListQuery,
  UpdateSubscriptionDto,
} from './webhooks.dto.js';
import { subscriptionView, WebhooksService } from './webhooks.service.js';
import { Action, IdParam } from '../../core/http/route.decorators.js';

const MANAGERS = ['admin', 'merchant', 'warehouse', 'technician'] as const;

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly inbound: InboundWebhooksService,
  ) {}

  @Post('subscriptions')
  @Roles(...MANAGERS)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateSubscriptionDto) {
    return this.webhooks.createSubscription(actor, dto);
  }

  @Get('subscriptions')
  @Roles(...MANAGERS)
  list(@CurrentActor() actor: Actor, @Query() q: SubscriptionListQuery) {
    return this.webhooks.listSubscriptions(actor, q);
  }

  @Get('subscriptions/:id')
  @Roles(...MANAGERS)
  async get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return subscriptionView(await this.webhooks.getSubscription(actor, id));
  }

  @Patch('subscriptions/:id')
  @Roles(...MANAGERS)
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: UpdateSubscriptionDto) {
    return this.webhooks.updateSubscription(actor, id, dto);
  }

  @Action('subscriptions/:id/rotate-secret', ...MANAGERS)
  rotate(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.webhooks.rotateSecret(actor, id);
  }

  @Get('deliveries')
  @Roles(...MANAGERS)
  deliveries(@CurrentActor() actor: Actor, @Query() q: DeliveryListQuery) {
    return this.webhooks.listDeliveries(actor, q);
  }

  /** One delivery with every attempt: time, status code, duration, error. */
  @Get('deliveries/:id')
  @Roles(...MANAGERS)
  delivery(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.webhooks.getDelivery(actor, id);
  }

  /** Sends the event again as a new delivery. */
  @Post('deliveries/:id/replay')
  @Roles(...MANAGERS)
  replay(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.webhooks.replay(actor, id);
  }

  @Put('providers/:provider')
  @Roles('admin')
  setProvider(@Param('provider') provider: string, @Body() dto: ProviderSecretDto) {
    return this.inbound.setProvider(provider, dto.secret, dto.active ?? true);
  }

  @Get('providers')
  @Roles('admin')
  providers() {
    return this.inbound.listProviders();
  }

  @Get('inbound')
  @Roles('admin', 'support')
  inboundList(@Query() q: InboundListQuery) {
    return this.inbound.list(q);
  }

  /** A partner's signed event: 200 once stored (a resend answers 200 with duplicate: true). */
  @Post('inbound/:provider')
  @HttpCode(200)
  @Public()
  receive(
    @Param('provider') provider: string,
    @Req() req: FastifyRequest,
    @Headers(SIGNATURE_HEADER) signature: string | undefined,
  ) {
    return this.inbound.receive(provider, rawBodyOf(req), signature, req.headers);
  }
}
