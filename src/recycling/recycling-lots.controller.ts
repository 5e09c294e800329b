import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles, SignedIn } from '../core/http/access.decorators.js';
import type { Actor } from '../core/actor.js';
import { HandOverLotDto, RecyclingLotFilter, SealLotDto, SettleLotDto } from './recycling.dto.js';
import { RecyclingService } from './recycling.service.js';

@ApiTags('recycling-lots')
@ApiBearerAuth()
@Controller('recycling-lots')
export class RecyclingLotsController {
  constructor(private readonly recycling: RecyclingService) {}

  /** Recyclers see their lots, warehouse staff their warehouse's; admin and support all. */
  @Get()
  @SignedIn()
  list(@CurrentActor() actor: Actor, @Query() filter: RecyclingLotFilter) {
    return this.recycling.list(actor, filter);
  }

  @Get(':id')
  @SignedIn()
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.recycling.get(actor, id);
  }

  @Post(':id/seal')
  @HttpCode(200)
  @Roles('warehouse', 'admin')
  seal(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SealLotDto,
  ) {
    return this.recycling.seal(actor, id, dto);
  }

  /** Recorded by the warehouse or by the recycler's staff, with the recycler's signature. */
  @Post(':id/hand-over')
  @HttpCode(200)
  @Roles('warehouse', 'technician', 'admin')
  handOver(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: HandOverLotDto,
  ) {
    return this.recycling.handOver(actor, id, dto);
  }

  /** The recycler's report: weight, value and the recycling or destruction certificate. */
  @Post(':id/settle')
  @HttpCode(200)
  @Roles('technician', 'admin')
  settle(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SettleLotDto,
  ) {
    return this.recycling.settle(actor, id, dto);
  }
}
