import { Body, Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentActor, SignedIn } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import { HandOverLotDto, RecyclingLotFilter, SealLotDto, SettleLotDto } from './recycling.dto.js';
import { RecyclingService } from '../recycling.service.js';
import { Action, IdParam } from '../../core/http/route.decorators.js';

@ApiTags('recycling-lots')
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
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.recycling.get(actor, id);
  }

  @Action(':id/seal', 'warehouse', 'admin')
  seal(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: SealLotDto) {
    return this.recycling.seal(actor, id, dto);
  }

  /** Recorded by the warehouse or by the recycler's staff, with the recycler's signature. */
  @Action(':id/hand-over', 'warehouse', 'technician', 'admin')
  handOver(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: HandOverLotDto) {
    return this.recycling.handOver(actor, id, dto);
  }

  /** The recycler's report: weight, value and the recycling or destruction certificate. */
  @Action(':id/settle', 'technician', 'admin')
  settle(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: SettleLotDto) {
    return this.recycling.settle(actor, id, dto);
  }
}
