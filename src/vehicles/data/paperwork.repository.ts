import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import type { TransferStatus } from '../../core/read-models/vehicle-facts.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page } from '../../core/http/pagination.js';
import { PaperworkTaskAccess } from '../domain/paperwork.machine.js';
import type { PaperworkQuery } from '../api/vehicles.dto.js';
import { PaperworkTask } from './vehicle.entities.js';

/** A car's trace code and catalogue model, as the paperwork names it. */
export interface PaperworkCarRow {
  id: string;
  trace_code: string;
  brand: string | null;
  model: string | null;
}

/** A car sale's paperwork tasks, and the items and custody they are about. */
@Injectable()
export class PaperworkRepository extends DataRepository {
  /** Serialises the openers of one sale's tasks until the transaction ends. */
  async lockSale(manager: EntityManager, saleOrderId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`paperwork:${saleOrderId}`]);
  }

  /** The cars (items with a VIN) among these items, by id. */
  cars(manager: EntityManager, itemIds: readonly string[]) {
    return manager.query<Array<{ id: string; vin: string }>>(
      'SELECT id, vin FROM items WHERE id = ANY($1::uuid[]) AND vin IS NOT NULL ORDER BY id',
      [itemIds],
    );
  }

  /** The tasks of a sale. */
  tasksOfSale(manager: EntityManager, saleOrderId: string): Promise<PaperworkTask[]> {
    return manager.getRepository(PaperworkTask).find({ where: { saleOrderId } });
  }

  /** The platform warehouse that last held the item (its history names every custodian). */
  async lastWarehouse(manager: EntityManager, itemId: string): Promise<string | null> {
    const [held] = await manager.query<Array<{ custodian_id: string }>>(
      `SELECT custodian_id FROM item_events
        WHERE item_id = $1 AND custodian_kind = 'warehouse' AND custodian_id IS NOT NULL
        ORDER BY seq DESC LIMIT 1`,
      [itemId],
    );
    return held?.custodian_id ?? null;
  }

  /** An item's VIN and custodian. */
  async item(
    manager: EntityManager,
    itemId: string,
  ): Promise<{ vin: string | null; custodian_id: string | null } | undefined> {
    const [item] = await manager.query<Array<{ vin: string | null; custodian_id: string | null }>>(
      'SELECT vin, custodian_id FROM items WHERE id = $1',
      [itemId],
    );
    return item;
  }

  /** The tasks the actor may see, filtered, a keyset page at a time. */
  page(actor: Actor, q: PaperworkQuery): Promise<Page<PaperworkTask>> {
    return this.visiblePage(PaperworkTaskAccess, 't', actor, q, {
      't.state': q.state,
      't.sale_order_id': q.saleOrderId,
    });
  }

  /** A task by id. */
  get(id: string): Promise<PaperworkTask | null> {
    return this.dataSource.getRepository(PaperworkTask).findOne({ where: { id } });
  }

  /** Trace code and model of each of these items. */
  carNames(itemIds: string[]): Promise<PaperworkCarRow[]> {
    return this.dataSource.query<PaperworkCarRow[]>(
      `SELECT i.id, i.trace_code, pm.brand, pm.model
         FROM items i LEFT JOIN product_models pm ON pm.id = i.product_model_id
        WHERE i.id = ANY($1::uuid[])`,
      [itemIds],
    );
  }
}

/**
 * Whether a sale's ownership transfer is done. A sale of an item with a VIN always requires it,
 * even before its paperwork tasks exist (then it is simply not done). A plain function over the
 * caller's manager, so a state-machine guard can call it inside the transition's transaction.
 */
export async function readTransferStatus(
  manager: EntityManager,
  saleOrderId: string,
  itemIds: readonly string[],
): Promise<TransferStatus> {
  const tasks = await manager
    .getRepository(PaperworkTask)
    .find({ where: { saleOrderId }, order: { createdAt: 'ASC' } });
  const [{ cars }] = itemIds.length
    ? await manager.query<Array<{ cars: number }>>(
        'SELECT count(*)::int AS cars FROM items WHERE id = ANY($1::uuid[]) AND vin IS NOT NULL',
        [itemIds],
      )
    : [{ cars: 0 }];
  const transfer = tasks.find((t) => t.kind === 'ownership-transfer');
  const required = cars > 0 || tasks.length > 0;
  return {
    required,
    done: !required || transfer?.state === 'DONE',
    tasks: tasks.map((t) => ({ id: t.id, kind: t.kind, state: t.state })),
  };
}
