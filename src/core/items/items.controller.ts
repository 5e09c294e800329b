import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor.js';
import { CurrentActor, Public, SignedIn } from '../../auth/access.decorators.js';
import { NotFound } from '../errors.js';
import { withActions } from '../http/stateful-view.js';
import type { Item } from './item.entity.js';
import { ItemMachine } from './item.machine.js';
import { ItemsService } from './items.service.js';

export function itemView(item: Item) {
  return {
    id: item.id,
    traceCode: item.traceCode,
    categoryId: item.categoryId,
    productModelId: item.productModelId,
    serialNumber: item.serialNumber,
    imei: item.imei,
    vin: item.vin,
    grade: item.grade,
    erasureStatus: item.erasureStatus,
    custodian: { kind: item.custodianKind, id: item.custodianId },
    ownerId: item.ownerId,
    declaredCondition: item.declaredCondition,
    createdAt: item.createdAt,
  };
}

@ApiTags('items')
@Controller()
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get('items/:id')
  @ApiBearerAuth()
  @SignedIn()
  async get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    const item = await this.items.get(actor, id);
    return withActions(ItemMachine, item, actor, itemView(item));
  }

  /** Recomputes the item's hash chain and reports the first broken link. */
  @Get('items/:id/history/verify')
  @ApiBearerAuth()
  @SignedIn()
  async verify(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    const item = await this.items.get(actor, id);
    return this.items.verifyHistory(item.id);
  }

  /** Public proof that an item's history is intact, by the code on its label. */
  @Get('trace/:traceCode/verify')
  @Public()
  async verifyByTraceCode(@Param('traceCode') traceCode: string) {
    const item = await this.items.findByTraceCode(traceCode);
    if (!item) throw new NotFound('Trace code', traceCode);
    const report = await this.items.verifyHistory(item.id);
    return { traceCode: item.traceCode, ...report, itemId: undefined };
  }
}
