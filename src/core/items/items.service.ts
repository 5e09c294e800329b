import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, SYSTEM_ACTOR } from '../actor.js';
import { NotFound, TransitionConflict } from '../errors.js';
import { HistoryService, type ChainReport } from '../history/history.service.js';
import { TransitionService } from '../state-machine/transition.service.js';
import type { OutboxJob } from '../jobs/job-definition.js';
import { Item, type CustodianKind, type ErasureStatus } from './item.entity.js';
import { ItemMachine, itemCustodyGuard, type ItemState } from './item.machine.js';
import { newTraceCode, normaliseTraceCode } from './trace-code.js';

export interface NewItem {
  categoryId?: string | null;
  productModelId?: string | null;
  serialNumber?: string | null;
  imei?: string | null;
  vin?: string | null;
  declaredCondition?: Record<string, unknown>;
  ownerId?: string | null;
  custodian: { kind: CustodianKind; id: string | null };
  erasureStatus: ErasureStatus;
  state?: ItemState;
}

@Injectable()
export class ItemsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly history: HistoryService,
  ) {}

  /**
   * Registers a physical item with a fresh trace code, inside the caller's transaction. A trace
   * code collision (one in ~10^13) surfaces as a unique violation and the caller's request fails
   * cleanly; it is not retried here because a failed statement aborts the whole transaction.
   */
  async register(
    manager: EntityManager,
    actor: Actor,
    item: NewItem,
    recording: { data?: Record<string, unknown>; place?: string | null; jobs?: OutboxJob[] } = {},
  ): Promise<Item> {
    return this.transitions.create(ItemMachine, {
      manager,
      actor,
      state: item.state,
      values: {
        traceCode: newTraceCode(),
        categoryId: item.categoryId ?? null,
        productModelId: item.productModelId ?? null,
        serialNumber: item.serialNumber ?? null,
        imei: item.imei ?? null,
        vin: item.vin ?? null,
        declaredCondition: item.declaredCondition ?? {},
        ownerId: item.ownerId ?? null,
        custodianKind: item.custodian.kind,
        custodianId: item.custodian.id,
        erasureStatus: item.erasureStatus,
      },
      custodian: item.custodian,
      ...recording,
    });
  }

  /**
   * Moves custody of items, inside the caller's transaction. The stage records the hand-over in
   * its own transition (whose history entry names the new custodian); this keeps the item row
   * in step for steps that change who holds an item without changing its state.
   */
  async setCustodian(
    manager: EntityManager,
    itemIds: readonly string[],
    custodian: { kind: CustodianKind; id: string | null },
    actor: Actor = SYSTEM_ACTOR,
  ): Promise<void> {
    if (itemIds.length === 0) return;
    // The item machine's custody guard decides every hand-off (issue 17), also these.
    const held = await manager
      .getRepository(Item)
      .createQueryBuilder('i')
      .setLock('pessimistic_write')
      .where('i.id IN (:...ids)', { ids: [...itemIds] })
      .orderBy('i.id')
      .getMany();
    for (const item of held) {
      const decision = await itemCustodyGuard(manager, item, custodian);
      if (decision.refusal) {
        throw new TransitionConflict(`Cannot hand over: ${decision.refusal}`, {
          entity: ItemMachine.name,
          state: item.state,
          version: item.version,
          allowedActions: [],
        });
      }
      if (decision.data) {
        await this.history.append(manager, [item.id], {
          type: 'Item.custody-erasure-delegated',
          entity: ItemMachine.name,
          entityId: item.id,
          fromState: item.state,
          toState: item.state,
          actor,
          custodian,
          data: decision.data,
        });
      }
    }
    await manager.query(
      `UPDATE items SET custodian_kind = $1, custodian_id = $2, updated_at = now()
        WHERE id = ANY($3::uuid[])`,
      [custodian.kind, custodian.id, itemIds],
    );
  }

  async get(actor: Actor, id: string): Promise<Item> {
    const item = await this.dataSource.getRepository(Item).findOne({ where: { id } });
    if (!item || !ItemMachine.canAccess(item, actor)) throw new NotFound('Item', id);
    return item;
  }

  /** Public lookup by trace code (a mistyped code is simply not found). */
  async findByTraceCode(code: string): Promise<Item | null> {
    const normalised = normaliseTraceCode(code);
    if (!normalised) return null;
    return this.dataSource.getRepository(Item).findOne({ where: { traceCode: normalised } });
  }

  verifyHistory(itemId: string): Promise<ChainReport> {
    return this.history.verify(itemId);
  }
}
