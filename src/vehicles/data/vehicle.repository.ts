import { Injectable } from '@nestjs/common';
import { type EntityManager, IsNull } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page, type PageQuery, paginate } from '../../core/http/pagination.js';
import { SOURCE_TRUST, type MileageSource } from '../domain/mileage.js';
import { VehicleAccess } from '../domain/vehicle-access.js';
import { MileageReadingRow, RecordConsent, Vehicle } from './vehicle.entities.js';

/** An item carrying a VIN, as the vehicles stage reads it. */
export interface VehicleItemRow {
  id: string;
  trace_code: string;
  state: string;
  owner_id: string | null;
  custodian_id: string | null;
  product_model_id: string | null;
  category_id: string | null;
  grade: 'premium' | 'good' | 'scrap' | null;
  declared_condition: Record<string, unknown>;
  created_at: Date;
}

/** A mileage reading to record (its trust follows from its source). */
export interface NewMileageReading {
  km: number;
  readOn: string;
  source: MileageSource;
  sourceRef: string | null;
  dedupeKey: string;
  itemId: string | null;
  recordedBy: string | null;
}

/** Cars (one row per VIN): identity and registration, mileage readings, owners' consents. */
@Injectable()
export class VehicleRepository extends DataRepository {
  /** The car with this VIN, if it is a row yet. */
  byVin(vin: string, manager?: EntityManager): Promise<Vehicle | null> {
    return this.manager(manager).getRepository(Vehicle).findOne({ where: { vin } });
  }

  /** The car with this VIN, which must be a row. */
  byVinOrFail(manager: EntityManager, vin: string): Promise<Vehicle> {
    return manager.getRepository(Vehicle).findOneByOrFail({ vin });
  }

  /** The car's row if there is one (the access check of a car not yet a row). */
  known(manager: EntityManager, vin: string): Promise<Vehicle | null> {
    return manager.getRepository(Vehicle).findOneBy({ vin });
  }

  /**
   * The vehicle row for a VIN, inserted with `values` unless it exists (a concurrent insert is
   * ignored), then read.
   */
  async ensure(
    manager: EntityManager,
    vin: string,
    values: () => Partial<Vehicle>,
  ): Promise<Vehicle> {
    const repo = manager.getRepository(Vehicle);
    const existing = await repo.findOne({ where: { vin } });
    if (existing) return existing;
    await repo.createQueryBuilder().insert().values(values()).orIgnore().execute();
    return repo.findOneByOrFail({ vin });
  }

  /** Writes these columns of the car. */
  async update(manager: EntityManager, id: string, patch: Partial<Vehicle>): Promise<void> {
    await manager.getRepository(Vehicle).update(id, patch);
  }

  /** The items carrying this VIN, oldest first. */
  itemsOf(manager: EntityManager, vin: string): Promise<VehicleItemRow[]> {
    return manager.query<VehicleItemRow[]>(
      `SELECT id, trace_code, state, owner_id, custodian_id, product_model_id, category_id, grade,
              declared_condition, created_at
         FROM items WHERE vin = $1 ORDER BY created_at`,
      [vin],
    );
  }

  /** Whether any item carries this VIN. */
  async hasItemWithVin(manager: EntityManager, vin: string): Promise<boolean> {
    const [existing] = await manager.query<unknown[]>('SELECT 1 FROM items WHERE vin = $1', [vin]);
    return !!existing;
  }

  /** The VIN of an item (null without one, undefined for no such item). */
  async vinOfItem(itemId: string): Promise<string | null | undefined> {
    const [row] = await this.dataSource.query<Array<{ vin: string | null }>>(
      'SELECT vin FROM items WHERE id = $1',
      [itemId],
    );
    return row?.vin;
  }

  /** The cars among these items, by item id (items without a VIN left out). */
  carItems(manager: EntityManager, itemIds: readonly string[]) {
    return manager.query<Array<{ id: string; vin: string }>>(
      'SELECT id, vin FROM items WHERE id = ANY($1::uuid[]) AND vin IS NOT NULL',
      [itemIds],
    );
  }

  /** The rows of these VINs. */
  byVins(manager: EntityManager, vins: string[]): Promise<Vehicle[]> {
    return manager
      .getRepository(Vehicle)
      .createQueryBuilder('v')
      .where('v.vin IN (:...vins)', { vins })
      .getMany();
  }

  /** Flagged cars the actor may see, most recently flagged first (keyset on flagged_at, id). */
  flaggedPage(actor: Actor, page: PageQuery): Promise<Page<Vehicle>> {
    const qb = this.dataSource
      .getRepository(Vehicle)
      .createQueryBuilder('v')
      .where("v.mileage_status <> 'clear'");
    VehicleAccess.restrict(qb, actor, 'v');
    // A car leaves 'clear' only together with its flagged_at (see assessMileage).
    return paginate(qb, page, { by: 'flagged_at' });
  }

  // ---- mileage readings -------------------------------------------------------------------

  /** Records readings of a car; one already recorded (same dedupe key) is skipped. */
  async insertReadings(
    manager: EntityManager,
    vin: string,
    rows: NewMileageReading[],
  ): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(MileageReadingRow)
      .values(
        rows.map((r) => ({
          ...r,
          vin,
          trust: SOURCE_TRUST[r.source],
          dedupeKey: `${vin}:${r.dedupeKey}`,
        })),
      )
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length;
  }

  /** A car's readings, oldest first. */
  readings(manager: EntityManager, vin: string): Promise<MileageReadingRow[]> {
    return manager
      .getRepository(MileageReadingRow)
      .find({ where: { vin }, order: { readOn: 'ASC', createdAt: 'ASC' } });
  }

  // ---- consents -----------------------------------------------------------------------------

  /** The owner's latest active consent of this scope for the car. */
  activeConsent(
    manager: EntityManager,
    vin: string,
    ownerId: string,
    scope: RecordConsent['scope'],
  ): Promise<RecordConsent | null> {
    return manager.getRepository(RecordConsent).findOne({
      where: { vin, ownerId, scope, revokedAt: IsNull() },
      order: { grantedAt: 'DESC' },
    });
  }

  /** Saves a new consent. */
  createConsent(
    manager: EntityManager,
    values: Pick<RecordConsent, 'vin' | 'ownerId' | 'scope' | 'statement' | 'grantedAt'> & {
      revokedAt: null;
    },
  ): Promise<RecordConsent> {
    const repo = manager.getRepository(RecordConsent);
    return repo.save(repo.create(values));
  }

  /** A consent of this car. */
  consent(id: string, vin: string, manager?: EntityManager): Promise<RecordConsent | null> {
    return this.manager(manager).getRepository(RecordConsent).findOne({ where: { id, vin } });
  }

  /** Saves a consent's changes (its revocation). */
  async saveConsent(consent: RecordConsent): Promise<void> {
    await this.dataSource.getRepository(RecordConsent).save(consent);
  }

  /** Every consent given for the car. */
  consents(manager: EntityManager, vin: string): Promise<RecordConsent[]> {
    return manager.getRepository(RecordConsent).find({ where: { vin } });
  }

  // ---- the demo seed ------------------------------------------------------------------------

  /** Product models by code, with their category and whether it requires erasure. */
  seedModels() {
    return this.dataSource.query<
      Array<{ code: string; id: string; category_id: string; requires_erasure: boolean }>
    >(
      `SELECT m.code, m.id, m.category_id, c.requires_erasure
             FROM product_models m JOIN categories c ON c.id = m.category_id`,
    );
  }
}
