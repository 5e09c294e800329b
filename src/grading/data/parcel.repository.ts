import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor } from '../../core/actor.js';
import { type Page } from '../../core/http/pagination.js';
import { Item } from '../../core/items/item.entity.js';
import { ParcelAccess, ReceivingExceptionAccess } from '../domain/access.js';
import type { ParcelQuery, ReceivingExceptionQuery } from '../api/receiving.dto.js';
import { Parcel } from './parcel.entity.js';
import { ReceivingException } from './receiving-exception.entity.js';
import { execute } from '../../core/sql.js';
import { rowCodec } from '../../core/state-machine/row-codec.js';
import { WarehouseWorkRepository } from './warehouse-list.js';

/** An item to label, with whether the actor's warehouse holds or expects it. */
export interface LabelRow {
  id: string;
  trace_code: string;
  category: string | null;
  category_zh: string | null;
  brand: string | null;
  model: string | null;
  mine: boolean;
}

/** Parcels, the exceptions found receiving them and the items they carry. */
@Injectable()
export class ParcelRepository extends WarehouseWorkRepository {
  readonly findParcel = this.findByIdOf(Parcel);

  parcelOrFail(manager: EntityManager, id: string): Promise<Parcel> {
    return manager.getRepository(Parcel).findOneOrFail({ where: { id } });
  }

  /** Whether the pickup's parcel is expected already (one per pickup). */
  existsForPickup(pickupId: string): Promise<boolean> {
    return this.dataSource.getRepository(Parcel).exists({ where: { pickupId } });
  }

  /** An organisation's kind, or undefined when there is none of this id. */
  async organisationKind(id: string): Promise<string | undefined> {
    const [org] = await this.dataSource.query<Array<{ kind: string }>>(
      'SELECT kind FROM organisations WHERE id = $1',
      [id],
    );
    return org?.kind;
  }

  /** The items to label, with `mine` true where `warehouseId` holds or expects the item. */
  labelRows(itemIds: string[], warehouseId: string | null): Promise<LabelRow[]> {
    return this.dataSource.manager.query<LabelRow[]>(
      `SELECT i.id, i.trace_code, c.name AS category, c.name_zh AS category_zh, m.brand, m.model,
              ($2::uuid IS NOT NULL AND (
                (i.custodian_kind = 'warehouse' AND i.custodian_id = $2::uuid)
                OR EXISTS (SELECT 1 FROM parcels p
                            WHERE p.warehouse_id = $2::uuid AND i.id = ANY(p.item_ids)))) AS mine
         FROM items i
         LEFT JOIN categories c ON c.id = i.category_id
         LEFT JOIN product_models m ON m.id = i.product_model_id
        WHERE i.id = ANY($1::uuid[])`,
      [itemIds, warehouseId],
    );
  }

  /** The items of these ids (any order). */
  async items(manager: EntityManager, ids: string[]): Promise<Item[]> {
    if (ids.length === 0) return [];
    return manager
      .getRepository(Item)
      .createQueryBuilder('i')
      .where('i.id IN (:...ids)', { ids })
      .getMany();
  }

  itemByTraceCode(manager: EntityManager, traceCode: string): Promise<Item | null> {
    return manager.getRepository(Item).findOne({ where: { traceCode } });
  }

  itemOrFail(manager: EntityManager, id: string): Promise<Item> {
    return manager.getRepository(Item).findOneOrFail({ where: { id } });
  }

  /** Some owner of these items, or null when none has one. */
  async anyOwner(manager: EntityManager, itemIds: string[]): Promise<string | null> {
    const [row] = await manager.query<Array<{ owner_id: string | null }>>(
      'SELECT owner_id FROM items WHERE id = ANY($1::uuid[]) AND owner_id IS NOT NULL LIMIT 1',
      [itemIds],
    );
    return row?.owner_id ?? null;
  }

  /** The oldest parcel expected in the warehouse under this seal number. */
  expectedBySeal(manager: EntityManager, warehouseId: string, seal: string) {
    return manager.getRepository(Parcel).findOne({
      where: { warehouseId, sealNumber: seal, state: 'EXPECTED' },
      order: { createdAt: 'ASC' },
    });
  }

  /** The oldest parcel expected in the warehouse that carries the item. */
  expectedWithItem(manager: EntityManager, warehouseId: string, itemId: string) {
    return manager
      .getRepository(Parcel)
      .createQueryBuilder('p')
      .where('p.warehouse_id = :w AND p.state = :s AND :item = ANY(p.item_ids)', {
        w: warehouseId,
        s: 'EXPECTED',
        item: itemId,
      })
      .orderBy('p.created_at', 'ASC')
      .getOne();
  }

  /** Records the seal number read on a parcel still expected; the parcel as it is now. */
  recordSealRead(manager: EntityManager, parcelId: string, seal: string): Promise<Parcel> {
    return this.changedParcel(
      manager,
      parcelId,
      `UPDATE parcels SET seal_read = $2, updated_at = now() WHERE id = $1 AND state = 'EXPECTED'`,
      [seal],
    );
  }

  /** Records an item scanned into a parcel still expected (once); the parcel as it is now. */
  recordItemScan(manager: EntityManager, parcelId: string, itemId: string): Promise<Parcel> {
    return this.changedParcel(
      manager,
      parcelId,
      `UPDATE parcels SET scanned_item_ids = array_append(scanned_item_ids, $2::uuid),
              updated_at = now()
        WHERE id = $1 AND state = 'EXPECTED' AND NOT ($2::uuid = ANY(scanned_item_ids))`,
      [itemId],
    );
  }

  /** The row comes back from the update itself (a round trip less); read when it changed none. */
  private async changedParcel(
    manager: EntityManager,
    id: string,
    update: string,
    params: unknown[],
  ): Promise<Parcel> {
    // A parcel is plain columns, so it always has a codec (as items do in setCustodian).
    const codec = rowCodec(manager, Parcel)!;
    const { rows } = await execute(manager, `${update} RETURNING ${codec.selectList}`, [
      id,
      ...params,
    ]);
    return rows.length ? codec.fromRow(manager, rows[0]) : this.parcelOrFail(manager, id);
  }

  /** One page (oldest first) of the parcels the actor may see. */
  page(actor: Actor, query: ParcelQuery): Promise<Page<Parcel>> {
    return this.warehouseQueue(ParcelAccess, 'p', actor, query, { 'p.state': query.state });
  }

  /** A parcel's exceptions, oldest first. */
  exceptionsOf(manager: EntityManager, parcelId: string): Promise<ReceivingException[]> {
    return manager
      .getRepository(ReceivingException)
      .find({ where: { parcelId }, order: { createdAt: 'ASC' } });
  }

  /** One page (oldest first) of the receiving exceptions the actor may see. */
  exceptionsPage(actor: Actor, query: ReceivingExceptionQuery): Promise<Page<ReceivingException>> {
    const equal = {
      'e.parcel_id': query.parcelId,
      'e.item_id': query.itemId,
      'e.kind': query.kind,
    };
    return this.warehouseQueue(ReceivingExceptionAccess, 'e', actor, query, equal);
  }

  /** Records an exception found at receiving. */
  saveException(
    manager: EntityManager,
    values: Omit<ReceivingException, 'id' | 'createdAt'>,
  ): Promise<ReceivingException> {
    const repo = manager.getRepository(ReceivingException);
    return repo.save(repo.create(values));
  }
}
