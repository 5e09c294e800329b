import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Organisation } from '../../accounts/organisation.entity.js';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page, paginate } from '../../core/http/pagination.js';
import { Item } from '../../core/items/item.entity.js';
import { findById } from '../../core/sql.js';
import type { RefurbishmentFilter } from '../api/refurbishment.dto.js';
import { RefurbishmentOrderAccess } from '../domain/refurbishment.machine.js';
import { RefurbishmentOrder, RefurbishmentPart } from './refurbishment.entities.js';
import { whereEqual } from '../../core/data/list-filters.js';

/** The states in which an item's order is still running (one per item). */
const ACTIVE_STATES = ['OPEN', 'ASSIGNED', 'IN_REPAIR', 'QC'];

/** A partner's refurbishment figures as `performance` reads them. */
export interface PartnerPerformanceRow {
  id: string;
  name: string;
  families: unknown;
  assigned: number;
  in_progress: number;
  awaiting_qc: number;
  done: number;
  unrepairable: number;
  qc_passed: number;
  qc_failed: number;
  avg_hours: number | null;
  median_hours: number | null;
  max_hours: number | null;
  avg_cost: number | null;
}

/** A part fitted or taken out, before it is written. */
export type NewPart = Pick<
  RefurbishmentPart,
  | 'orderId'
  | 'itemId'
  | 'partName'
  | 'partNumber'
  | 'serialIn'
  | 'serialOut'
  | 'costMinor'
  | 'recordedBy'
>;

/** Refurbishment orders, their parts, and the partners and items they concern. */
@Injectable()
export class RefurbishmentOrderRepository extends DataRepository {
  async findOrder(
    id: string,
    { lock = false, manager }: { lock?: boolean; manager?: EntityManager } = {},
  ): Promise<RefurbishmentOrder | null> {
    const m = this.manager(manager);
    if (!lock) return findById(m, RefurbishmentOrder, id);
    return m
      .getRepository(RefurbishmentOrder)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The item's order still running, if any. */
  activeOrderOf(manager: EntityManager, itemId: string): Promise<RefurbishmentOrder | null> {
    return manager
      .getRepository(RefurbishmentOrder)
      .createQueryBuilder('o')
      .where('o.item_id = :itemId AND o.state IN (:...states)', { itemId, states: ACTIVE_STATES })
      .getOne();
  }

  /** One keyset page of the orders the actor may see, with the filter's conditions. */
  page(actor: Actor, filter: RefurbishmentFilter): Promise<Page<RefurbishmentOrder>> {
    const qb = this.dataSource.getRepository(RefurbishmentOrder).createQueryBuilder('o');
    const { sql, params } = RefurbishmentOrderAccess.where(actor, 'o');
    qb.andWhere(sql, params);
    whereEqual(qb, {
      'o.state': filter.state,
      'o.item_id': filter.itemId,
      'o.partner_id': filter.partnerId,
    });
    return paginate(qb, filter);
  }

  // ---- parts --------------------------------------------------------------------------------

  /** The order's parts in the order they were recorded. */
  parts(orderId: string, manager?: EntityManager): Promise<RefurbishmentPart[]> {
    return this.manager(manager)
      .getRepository(RefurbishmentPart)
      .find({ where: { orderId }, order: { createdAt: 'ASC' } });
  }

  addPart(manager: EntityManager, part: NewPart): Promise<RefurbishmentPart> {
    const repo = manager.getRepository(RefurbishmentPart);
    return repo.save(repo.create(part));
  }

  /** Whether a part with this serial was fitted already (any order, any case). */
  async isSerialFitted(manager: EntityManager, serial: string): Promise<boolean> {
    const found = await manager.query<unknown[]>(
      'SELECT 1 FROM refurbishment_parts WHERE upper(serial_in) = upper($1) LIMIT 1',
      [serial],
    );
    return found.length > 0;
  }

  /** The parts whose serial went in or came out, in orders the actor may see, oldest first. */
  async partsWithSerial(actor: Actor, serial: string): Promise<RefurbishmentPart[]> {
    const qb = this.dataSource
      .getRepository(RefurbishmentOrder)
      .createQueryBuilder('o')
      .innerJoin(RefurbishmentPart, 'p', 'p.order_id = o.id')
      .where('(upper(p.serial_in) = upper(:s) OR upper(p.serial_out) = upper(:s))', {
        s: serial,
      });
    const { sql, params } = RefurbishmentOrderAccess.where(actor, 'o');
    qb.andWhere(sql, params);
    const orders = await qb.select('o.id', 'id').getRawMany<{ id: string }>();
    if (orders.length === 0) return [];
    return this.dataSource
      .getRepository(RefurbishmentPart)
      .createQueryBuilder('p')
      .where('p.order_id IN (:...ids)', { ids: orders.map((o) => o.id) })
      .andWhere('(upper(p.serial_in) = upper(:s) OR upper(p.serial_out) = upper(:s))', {
        s: serial,
      })
      .orderBy('p.created_at', 'ASC')
      .getMany();
  }

  // ---- partners -----------------------------------------------------------------------------

  /** Competent partners (capabilities.refurbishes has the family) with room, least loaded first. */
  async leastLoadedPartner(manager: EntityManager, family: string): Promise<{ id: string } | null> {
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT o.id FROM organisations o
         LEFT JOIN LATERAL (
           SELECT count(*)::int AS load FROM refurbishment_orders r
            WHERE r.partner_id = o.id AND r.state IN ('ASSIGNED', 'IN_REPAIR')) l ON true
        WHERE o.kind = 'partner'
          AND jsonb_typeof(o.capabilities -> 'refurbishes') = 'array'
          AND o.capabilities -> 'refurbishes' @> jsonb_build_array($1::text)
          AND (jsonb_typeof(o.capabilities -> 'maxConcurrentRepairs') IS DISTINCT FROM 'number'
               OR l.load < (o.capabilities ->> 'maxConcurrentRepairs')::numeric)
        ORDER BY l.load, o.created_at, o.id
        LIMIT 1`,
      [family],
    );
    return rows[0] ?? null;
  }

  readonly findOrganisation = this.findByIdOf(Organisation);

  /** Orders, outcomes and turnaround per refurbishment partner (`own`, `partnerId`: only that one). */
  partnerPerformance(
    own: string | null,
    partnerId: string | null,
  ): Promise<PartnerPerformanceRow[]> {
    return this.dataSource.query<PartnerPerformanceRow[]>(
      `SELECT o.id, o.name, o.capabilities -> 'refurbishes' AS families,
              count(r.id)::int AS assigned,
              (count(*) FILTER (WHERE r.state IN ('ASSIGNED', 'IN_REPAIR')))::int AS in_progress,
              (count(*) FILTER (WHERE r.state = 'QC'))::int AS awaiting_qc,
              (count(*) FILTER (WHERE r.state = 'DONE'))::int AS done,
              (count(*) FILTER (WHERE r.state = 'UNREPAIRABLE'))::int AS unrepairable,
              (count(*) FILTER (WHERE r.qc_passed))::int AS qc_passed,
              (count(*) FILTER (WHERE r.qc_passed = false))::int AS qc_failed,
              avg(t.hours)::float8 AS avg_hours,
              (percentile_cont(0.5) WITHIN GROUP (ORDER BY t.hours))::float8 AS median_hours,
              max(t.hours)::float8 AS max_hours,
              avg(r.repair_cost_minor)::float8 AS avg_cost
         FROM organisations o
         LEFT JOIN refurbishment_orders r ON r.partner_id = o.id
         LEFT JOIN LATERAL (
           SELECT extract(epoch FROM r.repair_finished_at - r.assigned_at) / 3600 AS hours) t
           ON true
        WHERE o.kind = 'partner'
          AND ($1::uuid IS NULL OR o.id = $1) AND ($2::uuid IS NULL OR o.id = $2)
          AND ((jsonb_typeof(o.capabilities -> 'refurbishes') = 'array'
                AND jsonb_array_length(o.capabilities -> 'refurbishes') > 0) OR r.id IS NOT NULL)
        GROUP BY o.id
        ORDER BY o.name, o.id`,
      [own, partnerId],
    );
  }

  // ---- the items repaired -------------------------------------------------------------------

  findItem(id: string): Promise<Item | null> {
    return findById(this.dataSource.manager, Item, id);
  }

  /** The item, locked until the transaction ends. */
  readonly lockItem = this.lockByIdOf(Item);
}
