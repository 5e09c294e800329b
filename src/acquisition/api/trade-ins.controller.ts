import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles, SignedIn } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import {
  AcceptTradeInDto,
  CreateTradeInDto,
  ReleaseHoldDto,
  TradeInQuery,
} from './trade-ins.dto.js';
import { TradeInActions } from '../trade-in-actions.service.js';
import { TradeInIntake } from '../trade-in-intake.service.js';
import { TradeInReview } from '../trade-in-review.service.js';
import { TradeInViews } from '../trade-in-views.service.js';
import { VersionDto } from '../../core/http/version.dto.js';
import { Action, IdParam } from '../../core/http/route.decorators.js';

@ApiTags('trade-ins')
@Controller('trade-ins')
export class TradeInsController {
  constructor(
    private readonly tradeIns: TradeInViews,
    private readonly intake: TradeInIntake,
    private readonly actions: TradeInActions,
    private readonly review: TradeInReview,
  ) {}

  /** An owner describes 1–20 items; the quote follows from the valuation queue (QUOTING). */
  @Post()
  @Roles('customer')
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateTradeInDto) {
    return this.tradeIns.view(actor, await this.intake.create(actor, dto));
  }

  @Get()
  @Roles('customer', 'warehouse', 'support', 'admin')
  list(@CurrentActor() actor: Actor, @Query() q: TradeInQuery) {
    return this.tradeIns.list(actor, q);
  }

  /** The order with per-item quotes, final offers, why they differ, and payouts. */
  @Get(':id')
  @SignedIn()
  async get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.tradeIns.view(actor, await this.tradeIns.get(actor, id));
  }

  @Action(':id/accept', 'customer', 'admin')
  async accept(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: AcceptTradeInDto) {
    return this.tradeIns.view(
      actor,
      await this.actions.accept(actor, id, dto.version, dto.pickupWindow),
    );
  }

  @Action(':id/cancel', 'customer', 'admin')
  async cancel(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: VersionDto) {
    return this.tradeIns.view(actor, await this.actions.cancel(actor, id, dto.version));
  }

  /** Store staff take the owner's items in (channel store). */
  @Action(':id/drop-off', 'warehouse', 'admin')
  async dropOff(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: VersionDto) {
    return this.tradeIns.view(actor, await this.actions.dropOff(actor, id, dto.version));
  }

  @Action(':id/items/:itemId/accept-offer', 'customer', 'admin')
  async acceptOffer(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @IdParam('itemId') itemId: string,
    @Body() dto: VersionDto,
  ) {
    return this.tradeIns.view(
      actor,
      await this.actions.acceptOffer(actor, id, itemId, dto.version),
    );
  }

  @Action(':id/items/:itemId/reject-offer', 'customer', 'admin')
  async rejectOffer(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @IdParam('itemId') itemId: string,
    @Body() dto: VersionDto,
  ) {
    return this.tradeIns.view(
      actor,
      await this.actions.rejectOffer(actor, id, itemId, dto.version),
    );
  }

  /** A store drop-off back at the store: its staff hand it to the owner over the counter. */
  @Action(':id/items/:itemId/hand-back', 'warehouse', 'admin')
  async handBack(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @IdParam('itemId') itemId: string,
    @Body() dto: VersionDto,
  ) {
    return this.tradeIns.view(actor, await this.actions.handBack(actor, id, itemId, dto.version));
  }

  /**
   * After review: the order goes on (payouts that waited are created now). Money, so an admin or
   * a lead of a warehouse that received the order's items decides — not support (spec §2).
   */
  @Action(':id/release-hold', 'admin', 'warehouse')
  async releaseHold(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() dto: ReleaseHoldDto,
  ) {
    return this.tradeIns.view(
      actor,
      await this.review.releaseHold(actor, id, dto.note, dto.version),
    );
  }

  /**
   * A car's payout held for its mileage flag: an admin or a lead of the warehouse that received
   * the car decides (support may not).
   */
  @Action(':id/items/:itemId/release-mileage-hold', 'admin', 'warehouse')
  async releaseMileageHold(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @IdParam('itemId') itemId: string,
    @Body() dto: ReleaseHoldDto,
  ) {
    const order = await this.review.decideMileageHold(actor, id, itemId, dto.note);
    // Warehouse staff may not read the whole order (the owner's details): they get the decision.
    return actor.role === 'admin'
      ? this.tradeIns.view(actor, order)
      : { id: order.id, itemId, mileageHold: null, decision: 'release' };
  }

  @Action(':id/items/:itemId/unfreeze-payout', 'admin')
  async unfreezePayout(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @IdParam('itemId') itemId: string,
    @Body() dto: ReleaseHoldDto,
  ) {
    return this.tradeIns.view(actor, await this.review.unfreezePayout(actor, id, itemId, dto.note));
  }
}
