import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { User } from '../../accounts/user.entity.js';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page } from '../../core/http/pagination.js';
import { Item } from '../../core/items/item.entity.js';
import { execute } from '../../core/sql.js';
import { ErasureAccess } from '../domain/erasure.machine.js';
import { Erasure, type StationProgress, StorageMedium } from './erasure.entities.js';

/** A certified wipe as the sampling report reads it. */
export interface SampledWipeRow {
  id: string;
  batch_id: string;
  operator_id: string;
  organisation_id: string | null;
  sampled: boolean;
  reverified_by: string | null;
  reverification_outcome: 'passed' | 'failed' | null;
}

/**
 * Erasures and the storage media they wipe, with what the stage reads of the item being wiped
 * and of the people doing it.
 */
@Injectable()
export class ErasureRepository extends DataRepository {
  // ---- erasures ------------------------------------------------------------------------------

  readonly byId = this.findByIdOf(Erasure);

  byIdOrFail(id: string, manager?: EntityManager): Promise<Erasure> {
    return this.manager(manager).getRepository(Erasure).findOneByOrFail({ id });
  }

  /** The erasure, its row locked for the transaction. */
  readonly lock = this.lockByIdOf(Erasure);

  /** Any one erasure of the item (has its wipe started?). */
  anyOfItem(manager: EntityManager, itemId: string): Promise<Erasure | null> {
    return manager.getRepository(Erasure).findOne({ where: { itemId } });
  }

  /** Every erasure of an item's media. */
  erasuresOfItem(manager: EntityManager, itemId: string): Promise<Erasure[]> {
    return manager.getRepository(Erasure).find({ where: { itemId } });
  }

  /** Every erasure of the item, oldest first. */
  erasuresOfItemInOrder(itemId: string): Promise<Erasure[]> {
    return this.dataSource
      .getRepository(Erasure)
      .find({ where: { itemId }, order: { createdAt: 'ASC' } });
  }

  /** Every erasure of these media. */
  erasuresOfMedia(manager: EntityManager, mediumIds: string[]): Promise<Erasure[]> {
    return manager.getRepository(Erasure).find({ where: { mediumId: In(mediumIds) } });
  }

  /** The erasures the actor may see, filtered, a keyset page at a time. */
  page(
    actor: Actor,
    query: { state?: string; itemId?: string; limit?: number; cursor?: string },
  ): Promise<Page<Erasure>> {
    return this.visiblePage(ErasureAccess, 'e', actor, query, {
      'e.state': query.state,
      'e.item_id': query.itemId,
    });
  }

  /** Records a second operator's re-check of a certified wipe. */
  async recordReverification(
    manager: EntityManager,
    id: string,
    patch: Pick<
      Erasure,
      'reverifiedBy' | 'reverificationOutcome' | 'reverifiedAt' | 'reverificationNotes'
    >,
  ): Promise<void> {
    await manager.getRepository(Erasure).update({ id }, patch);
  }

  // ---- leases on running wipes ---------------------------------------------------------------

  /** A dead worker's running wipe taken over: 1 when this worker now holds its lease. */
  async takeOverLease(id: string, version: number, until: Date): Promise<number> {
    const { affected } = await execute(
      this.dataSource.manager,
      'UPDATE erasures SET lease_until = $3 WHERE id = $1 AND version = $2',
      [id, version, until],
    );
    return affected;
  }

  /** The worker's heartbeat on a running wipe. */
  async renewLease(id: string, version: number, until: Date): Promise<void> {
    await execute(
      this.dataSource.manager,
      `UPDATE erasures SET lease_until = $3 WHERE id = $1 AND version = $2 AND state = 'RUNNING'`,
      [id, version, until],
    );
  }

  /** The worker gives a running wipe's lease up (its station broke). */
  async freeLease(id: string, version: number): Promise<void> {
    await execute(
      this.dataSource.manager,
      'UPDATE erasures SET lease_until = NULL WHERE id = $1 AND version = $2',
      [id, version],
    );
  }

  // ---- registered stations -------------------------------------------------------------------

  /** The oldest wipe of the station that is due, or one of its runs whose lease ran out. */
  async dueForStation(stationId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM erasures
        WHERE station_id = $1
          AND ((state = 'QUEUED' AND (next_attempt_at IS NULL OR next_attempt_at <= now()))
            OR (state = 'RUNNING' AND (lease_until IS NULL OR lease_until < now())))
        ORDER BY created_at, id LIMIT 1`,
      [stationId],
    );
    return row?.id ?? null;
  }

  /** The station takes its own run back after its lease ran out: 1 when it did. */
  async takeOverStationRun(
    id: string,
    version: number,
    until: Date,
    progress: StationProgress,
  ): Promise<number> {
    const { affected } = await execute(
      this.dataSource.manager,
      `UPDATE erasures SET lease_until = $3, progress = $4
        WHERE id = $1 AND version = $2 AND state = 'RUNNING'
          AND (lease_until IS NULL OR lease_until < now())`,
      [id, version, until, JSON.stringify(progress)],
    );
    return affected;
  }

  /** The station's progress on its run, renewing its lease: 1 when the run is still its own. */
  async recordStationProgress(
    id: string,
    stationId: string,
    attempt: number,
    progress: StationProgress,
    until: Date,
  ): Promise<number> {
    const { affected } = await execute(
      this.dataSource.manager,
      `UPDATE erasures SET progress = $4, lease_until = $5
        WHERE id = $1 AND station_id = $2 AND attempt = $3 AND state = 'RUNNING'`,
      [id, stationId, attempt, JSON.stringify(progress), until],
    );
    return affected;
  }

  /** Another open wipe already on this device of the station, if any. */
  async busyOnDevice(
    manager: EntityManager,
    stationId: string,
    device: string,
    exceptId: string,
  ): Promise<{ id: string } | undefined> {
    const [busy] = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM erasures WHERE station_id = $1 AND device = $2 AND id <> $3
          AND state IN ('QUEUED', 'RUNNING', 'VERIFYING') LIMIT 1`,
      [stationId, device, exceptId],
    );
    return busy;
  }

  /** The station's queued and running wipes. */
  queuedOrRunningOnStation(manager: EntityManager, stationId: string): Promise<Erasure[]> {
    return manager.getRepository(Erasure).find({
      where: { stationId, state: In(['QUEUED', 'RUNNING']) },
    });
  }

  // ---- sampling ------------------------------------------------------------------------------

  /** Serialises the batch's certifications for the transaction. */
  async lockBatch(manager: EntityManager, batchId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [batchId]);
  }

  /** The batch's certified wipes. */
  certifiedOfBatch(
    manager: EntityManager,
    batchId: string,
  ): Promise<Array<{ id: string; operator_id: string; sampled: boolean }>> {
    return manager.query(
      `SELECT id, operator_id, sampled FROM erasures WHERE batch_id = $1 AND state = 'SUCCEEDED'`,
      [batchId],
    );
  }

  /** Picks a wipe for re-verification (once), by this re-verifier if one is eligible. */
  async markSampled(
    manager: EntityManager,
    wipeId: string,
    reverifierId: string | null,
  ): Promise<void> {
    await execute(
      manager,
      'UPDATE erasures SET sampled = true, reverifier_id = $2 WHERE id = $1 AND NOT sampled',
      [wipeId, reverifierId],
    );
  }

  /** Certified wipes, filtered, for the sampling report. */
  certifiedWipes(filter: {
    organisationId: string | null;
    batchId?: string;
    from?: string;
    to?: string;
  }): Promise<SampledWipeRow[]> {
    const where = [`state = 'SUCCEEDED'`];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.organisationId) add('organisation_id = ?', filter.organisationId);
    if (filter.batchId) add('batch_id = ?', filter.batchId);
    if (filter.from) add('completed_at >= ?', filter.from);
    if (filter.to) add('completed_at < ?', filter.to);
    return this.dataSource.query<SampledWipeRow[]>(
      `SELECT id, batch_id, operator_id, organisation_id, sampled, reverified_by, reverification_outcome
         FROM erasures WHERE ${where.join(' AND ')}`,
      params,
    );
  }

  /** The operators' names on these wipes. */
  operatorNames(wipeIds: string[]): Promise<Array<{ operator_id: string; operator_name: string }>> {
    return this.dataSource.query(
      `SELECT DISTINCT operator_id, operator_name FROM erasures WHERE id = ANY($1::uuid[])`,
      [wipeIds],
    );
  }

  /** The organisation's active warehouse staff (eligible re-verifiers). */
  async warehouseStaffOf(manager: EntityManager, organisationId: string): Promise<string[]> {
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM users WHERE organisation_id = $1 AND role = 'warehouse' AND NOT disabled`,
      [organisationId],
    );
    return rows.map((u) => u.id);
  }

  // ---- storage media -------------------------------------------------------------------------

  readonly medium = this.findByIdOf(StorageMedium);

  /** An item's storage media. */
  mediaOfItem(manager: EntityManager, itemId: string): Promise<StorageMedium[]> {
    return manager.getRepository(StorageMedium).find({ where: { itemId } });
  }

  /** An item's storage media in their order. */
  mediaOfItemInOrder(itemId: string, manager?: EntityManager): Promise<StorageMedium[]> {
    return this.manager(manager)
      .getRepository(StorageMedium)
      .find({ where: { itemId }, order: { position: 'ASC' } });
  }

  /** How many storage media the item has. */
  countMediaOfItem(itemId: string, manager?: EntityManager): Promise<number> {
    return this.manager(manager).getRepository(StorageMedium).count({ where: { itemId } });
  }

  addMedium(manager: EntityManager, values: Partial<StorageMedium>): Promise<StorageMedium> {
    const repo = manager.getRepository(StorageMedium);
    return repo.save(repo.create(values));
  }

  addMedia(
    manager: EntityManager,
    values: Array<Partial<StorageMedium>>,
  ): Promise<StorageMedium[]> {
    const repo = manager.getRepository(StorageMedium);
    return repo.save(values.map((v) => repo.create(v)));
  }

  async updateMedium(
    manager: EntityManager,
    id: string,
    patch: Partial<StorageMedium>,
  ): Promise<void> {
    await manager.getRepository(StorageMedium).update({ id }, patch);
  }

  // ---- the item being wiped, the people wiping it --------------------------------------------

  item(itemId: string, manager?: EntityManager): Promise<Item | null> {
    return this.manager(manager)
      .getRepository(Item)
      .findOne({ where: { id: itemId } });
  }

  itemOrFail(itemId: string, manager?: EntityManager): Promise<Item> {
    return this.manager(manager).getRepository(Item).findOneByOrFail({ id: itemId });
  }

  /** Locks the item's row for the transaction. */
  async lockItem(manager: EntityManager, itemId: string): Promise<void> {
    await manager.query('SELECT 1 FROM items WHERE id = $1 FOR UPDATE', [itemId]);
  }

  user(manager: EntityManager, userId: string): Promise<User | null> {
    return manager.getRepository(User).findOne({ where: { id: userId } });
  }

  async organisationName(manager: EntityManager, id: string): Promise<string | undefined> {
    const rows = await manager.query<Array<{ name: string }>>(
      'SELECT name FROM organisations WHERE id = $1',
      [id],
    );
    return rows[0]?.name ?? undefined;
  }
}
