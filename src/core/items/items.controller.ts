import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Actor, seesEverything } from '../actor.js';
import { CurrentActor, SignedIn } from '../http/access.decorators.js';
import { withActions } from '../http/stateful-view.js';
import type { Item } from './item.entity.js';
import { ItemMachine } from './item.machine.js';
import { ItemsService } from './items.service.js';
import { IdParam } from '../http/route.decorators.js';

const ORGANISATION_KINDS = new Set(['warehouse', 'store', 'partner', 'merchant', 'recycler']);
const IDENTIFIER_ROLES = new Set<Actor['role']>(['warehouse', 'technician']);

/**
 * The item as its audience may see it (issue 18). Staff who see everything see all of it. The
 * seller, while it is theirs, sees what they declared. Whoever holds it next sees what their role
 * needs and nothing that ties it to the seller: warehouse and repair staff the IMEI and serial
 * (they test and repair the device), a merchant or a buyer the model and grade — never the
 * former owner's id, IMEI, serial or declared condition. A person holding it is named only to
 * staff and to that person. The VIN stays visible: a car is registered and sold by it.
 */
export function itemView(item: Item, actor: Actor, declaredBy: string | null) {
  const staff = seesEverything(actor);
  const declarer =
    actor.userId !== null && actor.userId === item.ownerId && actor.userId === declaredBy;
  const identifiers = staff || declarer || IDENTIFIER_ROLES.has(actor.role);
  const custodianNamed =
    staff ||
    ORGANISATION_KINDS.has(item.custodianKind) ||
    (item.custodianId !== null && item.custodianId === actor.userId);
  const ownerNamed = staff || (item.ownerId !== null && item.ownerId === actor.userId);
  return {
    id: item.id,
    traceCode: item.traceCode,
    categoryId: item.categoryId,
    productModelId: item.productModelId,
    serialNumber: identifiers ? item.serialNumber : null,
    imei: identifiers ? item.imei : null,
    vin: item.vin,
    grade: item.grade,
    erasureStatus: item.erasureStatus,
    custodian: { kind: item.custodianKind, id: custodianNamed ? item.custodianId : null },
    ownerId: ownerNamed ? item.ownerId : null,
    declaredCondition:
      staff || declarer || actor.role === 'warehouse' ? item.declaredCondition : null,
    createdAt: item.createdAt,
  };
}

@ApiTags('items')
@Controller()
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get('items/:id')
  @SignedIn()
  async get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    const item = await this.items.get(actor, id);
    const declaredBy = await this.items.firstOwnerId(item.id);
    return withActions(ItemMachine, item, actor, {
      ...itemView(item, actor, declaredBy),
      // Who owned it when: for staff only (each party sees its own period elsewhere).
      ...(seesEverything(actor) ? { ownerships: await this.items.ownerships(item.id) } : {}),
    });
  }

  /** Recomputes the item's hash chain and reports the first broken link. */
  @Get('items/:id/history/verify')
  @SignedIn()
  async verify(@CurrentActor() actor: Actor, @IdParam() id: string) {
    const item = await this.items.get(actor, id);
    return this.items.verifyHistory(item.id);
  }
}
