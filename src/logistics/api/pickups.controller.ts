import { Body, Controller, Get, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles, SignedIn } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import { DispatchService } from '../dispatch.service.js';
import {
  AssignPickupDto,
  CollectPickupDto,
  CourierProfileDto,
  CreateConsolidationDto,
  DeliverPickupDto,
  DispatchBoardQuery,
  FailPickupDto,
  HandBackDto,
  MinePickupsQuery,
  PickupFilter,
  PickupLoadQuery,
  MoveWindowDto,
} from './logistics.dto.js';
import { CourierDayService } from '../courier-day.service.js';
import { DispatchBoardService } from '../dispatch-board.service.js';
import { PickupLoadService } from '../pickup-load.service.js';
import { PickupsService } from '../pickups.service.js';
import { PickupSchedulingService } from '../pickup-scheduling.service.js';
import { CourierWorkService } from '../courier-work.service.js';
import { StoreConsolidationService } from '../store-consolidation.service.js';
import { VersionDto } from '../../core/http/version.dto.js';
import { Action, IdParam } from '../../core/http/route.decorators.js';

@ApiTags('pickups')
@Controller('pickups')
export class PickupsController {
  constructor(
    private readonly pickups: PickupsService,
    private readonly scheduling: PickupSchedulingService,
    private readonly courierWork: CourierWorkService,
    private readonly consolidations: StoreConsolidationService,
    private readonly dispatch: DispatchService,
    private readonly load: PickupLoadService,
    private readonly board: DispatchBoardService,
    private readonly courierDay: CourierDayService,
  ) {}

  /**
   * The dispatch board: one day's pickups (of one area or all), the couriers serving them with
   * their load per window against their capacity, and each area window's capacity.
   */
  @Get('board')
  @Roles('admin', 'support')
  dispatchBoard(@CurrentActor() actor: Actor, @Query() query: DispatchBoardQuery) {
    return this.board.board(actor, query);
  }

  /** The courier's day as a route (window, then nearest next) with map links, and tomorrow's load. */
  @Get('route')
  @Roles('courier')
  route(@CurrentActor() actor: Actor, @Query() query: MinePickupsQuery) {
    return this.courierDay.route(actor, query.date);
  }

  /** Pickups booked per window of an area and day, against each window's capacity. */
  @Get('load')
  @Roles('admin', 'support')
  windowLoad(@Query() query: PickupLoadQuery) {
    return this.load.load(query.cityCode, query.date);
  }

  /** Couriers see theirs, owners theirs, warehouse and store staff their own parcels. */
  @Get()
  @SignedIn()
  list(@CurrentActor() actor: Actor, @Query() filter: PickupFilter) {
    return this.pickups.list(actor, filter);
  }

  /** "My pickups today", in window order, with address, window and items to scan. */
  @Get('mine')
  @Roles('courier')
  mine(@CurrentActor() actor: Actor, @Query() query: MinePickupsQuery) {
    return this.pickups.mine(actor, query.date);
  }

  @Get(':id')
  @SignedIn()
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.pickups.get(actor, id);
  }

  /** A sealed bag of a store's drop-offs for a warehouse (store staff). */
  @Post('consolidations')
  @Roles('warehouse')
  consolidate(@CurrentActor() actor: Actor, @Body() dto: CreateConsolidationDto) {
    return this.consolidations.createConsolidation(actor, dto);
  }

  @Action(':id/assign', 'admin')
  async assign(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: AssignPickupDto) {
    const p = await this.dispatch.assignByHand(actor, id, dto);
    return (await this.pickups.views(actor, [p]))[0];
  }

  @Action(':id/start', 'courier')
  start(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: VersionDto) {
    return this.courierWork.start(actor, id, dto.version);
  }

  @Action(':id/collect', 'courier')
  collect(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: CollectPickupDto) {
    return this.courierWork.collect(actor, id, dto);
  }

  @Action(':id/deliver', 'courier')
  deliver(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: DeliverPickupDto) {
    return this.courierWork.deliver(actor, id, dto);
  }

  @Action(':id/fail', 'courier', 'admin')
  fail(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: FailPickupDto) {
    return this.courierWork.fail(actor, id, dto);
  }

  /** The courier moves their pickup to another free window; the customer agreed and is told. */
  @Action(':id/move-window', 'courier')
  moveWindow(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: MoveWindowDto) {
    return this.courierDay.moveWindow(actor, id, dto);
  }

  /** The courier cannot make it: the pickup goes back to dispatch, unassigned, with the reason. */
  @Action(':id/hand-back', 'courier')
  handBack(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: HandBackDto) {
    return this.courierDay.handBack(actor, id, dto);
  }

  /** A failed pickup that found no free window: operations book it when one opens. */
  @Action(':id/reschedule', 'admin')
  reschedule(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: VersionDto) {
    return this.scheduling.rescheduleByHand(actor, id, dto.version);
  }
}

/** Couriers' dispatch profiles: capacity per window and the areas they serve. */
@ApiTags('pickups')
@Controller('couriers')
export class CouriersController {
  constructor(private readonly dispatch: DispatchService) {}

  @Get()
  @Roles('admin', 'support')
  async list() {
    return { items: await this.dispatch.listCouriers() };
  }

  @Put(':userId')
  @Roles('admin')
  save(@IdParam('userId') userId: string, @Body() dto: CourierProfileDto) {
    return this.dispatch.saveCourier(userId, dto);
  }
}
