import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { Organisation } from '../../accounts/organisation.entity.js';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page } from '../../core/http/pagination.js';
import { Item } from '../../core/items/item.entity.js';
import { findById, findByIds } from '../../core/sql.js';
import type { PickupFilter } from '../api/logistics.dto.js';
import { PickupAccess } from '../domain/pickup.machine.js';
import { Pickup, type PickupDirection } from './pickup.entity.js';

/** A SCHEDULED pickup as a dispatch run reads it. */
export interface DispatchRow {
  id: string;
  area_code: string;
  d: string;
  window_index: number;
  handed_back_by: string[];
}

/** A place's name in English and Chinese. */
export interface PlaceName {
  name: string;
  nameZh: string | null;
}

/**
 * Pickups, the items they carry and what their views and checks read around them (warehouses,
 * stores, place names). Booked capacity per window is `PickupBookings`.
 */
@Injectable()
export class PickupRepository extends DataRepository {
  findPickup(id: string, manager?: EntityManager): Promise<Pickup | null> {
    return findById(this.manager(manager), Pickup, id);
  }

  /** The pickup, locked until the transaction ends. */
  readonly lockPickup = this.lockByIdOf(Pickup);

  /** The pickup of this source and direction: the given round, else the latest. */
  findBySource(
    source: { kind: Pickup['sourceKind']; id: string },
    direction: PickupDirection,
    round?: number,
  ): Promise<Pickup | null> {
    return this.dataSource.getRepository(Pickup).findOne({
      where: {
        sourceKind: source.kind,
        sourceId: source.id,
        direction,
        ...(round !== undefined ? { round } : {}),
      },
      order: { round: 'DESC' },
    });
  }

  /** One keyset page of the pickups the actor may see, with the filter's conditions. */
  page(actor: Actor, filter: PickupFilter): Promise<Page<Pickup>> {
    return this.visiblePage(PickupAccess, 'p', actor, filter, {
      'p.state': filter.state,
      'p.area_code': filter.areaCode,
      'p.courier_id': filter.courierId,
      'p.direction': filter.direction,
    });
  }

  /** A courier's pickups of one local date, in window order. */
  courierDay(courierId: string, day: string): Promise<Pickup[]> {
    return this.dataSource
      .getRepository(Pickup)
      .createQueryBuilder('p')
      .where('p.courier_id = :me AND p.promised_date = :day', { me: courierId, day })
      .orderBy('p.windowStart', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .getMany();
  }

  /** A courier's pickups of these local dates (no order promised). */
  courierDays(courierId: string, days: string[]): Promise<Pickup[]> {
    return this.dataSource
      .getRepository(Pickup)
      .find({ where: { courierId, promisedDate: In(days) } });
  }

  /** One day's pickups in these states (of one area, or all), in window order, at most `take`. */
  dayBoard(
    day: string,
    states: string[],
    areaCode: string | null,
    take: number,
  ): Promise<Pickup[]> {
    return this.dataSource
      .getRepository(Pickup)
      .createQueryBuilder('p')
      .where('p.promised_date = :day AND p.state IN (:...states)', { day, states })
      .andWhere(areaCode ? 'p.area_code = :area' : 'TRUE', { area: areaCode ?? undefined })
      .orderBy('p.windowStart', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .take(take)
      .getMany();
  }

  /** Records that this attempt's lateness was reported (once per attempt). */
  async markLate(manager: EntityManager, id: string, attempt: number): Promise<void> {
    await manager.query('UPDATE pickups SET late_attempt = $2 WHERE id = $1', [id, attempt]);
  }

  /** Open pickups (not delivered or cancelled) carrying any of these items. */
  async openPickupIdsCarrying(manager: EntityManager, itemIds: string[]): Promise<string[]> {
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM pickups WHERE item_ids && $1::uuid[] AND state NOT IN ('DELIVERED', 'CANCELLED')`,
      [itemIds],
    );
    return rows.map((r) => r.id);
  }

  // ---- dispatch ------------------------------------------------------------------------------

  /** The one dispatch lock: runs, hand assignments and couriers' own changes take it. */
  async lockDispatch(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['pickup-dispatch']);
  }

  /**
   * SCHEDULED pickups of an area (or every area) in promise order, locked without SKIP LOCKED:
   * a pickup busy in another transaction is waited for, not silently left for the next sweep.
   */
  scheduledForDispatch(
    manager: EntityManager,
    cityCode: string | null,
    batch: number,
  ): Promise<DispatchRow[]> {
    return manager.query<DispatchRow[]>(
      `SELECT id, area_code, to_char(promised_date, 'YYYY-MM-DD') AS d, window_index, handed_back_by
         FROM pickups
        WHERE state = 'SCHEDULED' AND ($1::text IS NULL OR area_code = $1)
        ORDER BY promised_date, window_index, id
        LIMIT ${Number(batch)}
        FOR UPDATE`,
      [cityCode],
    );
  }

  // ---- the items a pickup carries ------------------------------------------------------------

  items(manager: EntityManager, itemIds: readonly string[]): Promise<Item[]> {
    return findByIds(manager, Item, itemIds);
  }

  itemsByTraceCodes(manager: EntityManager, codes: string[]): Promise<Item[]> {
    return manager.getRepository(Item).find({ where: { traceCode: In(codes) } });
  }

  // ---- around a pickup -----------------------------------------------------------------------

  findOrganisation(id: string): Promise<Organisation | null> {
    return this.dataSource.getRepository(Organisation).findOne({ where: { id } });
  }

  /** A warehouse in the city, else any (deterministic); null when there is none yet. */
  async nearestWarehouseId(cityCode: string): Promise<string | null> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM organisations WHERE kind = 'warehouse'
        ORDER BY (city_code = $1) DESC NULLS LAST, created_at, id LIMIT 1`,
      [cityCode],
    );
    return rows[0]?.id ?? null;
  }

  /** The names of these service areas (cities) and districts, by code. */
  async placeNames(
    cityCodes: string[],
    districtCodes: string[],
  ): Promise<{ cities: Map<string, PlaceName>; districts: Map<string, PlaceName> }> {
    type Row = { code: string; name: string; name_zh: string | null };
    const [cityRows, districtRows] = await Promise.all([
      this.dataSource.query<Row[]>(
        'SELECT city_code AS code, city_name AS name, city_name_zh AS name_zh FROM service_areas WHERE city_code = ANY($1::text[])',
        [cityCodes],
      ),
      this.dataSource.query<Row[]>(
        'SELECT code, name, name_zh FROM service_area_districts WHERE code = ANY($1::text[])',
        [districtCodes],
      ),
    ]);
    const toMap = (rows: Row[]) =>
      new Map(rows.map((r) => [r.code, { name: r.name, nameZh: r.name_zh }]));
    return { cities: toMap(cityRows), districts: toMap(districtRows) };
  }
}
