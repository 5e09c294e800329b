import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, seesEverything } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page } from '../../core/http/pagination.js';
import { eventOwnedBySql, ItemHistoryAccess } from '../../core/items/ownership.js';
import { execute } from '../../core/sql.js';
import type { CaseListQuery } from '../api/support.dto.js';
import { SupportCaseAccess } from '../domain/support-case.machine.js';
import { SupportCase, SupportCaseNote } from './support-case.entity.js';

/** An item as a case reads it: its owner and who holds it. */
export interface CaseItemRow {
  id: string;
  owner_id: string | null;
  custodian_kind: string;
  custodian_id: string | null;
}

/** A note before it is written. */
export type NewNote = Pick<
  SupportCaseNote,
  'caseId' | 'authorId' | 'authorRole' | 'internal' | 'body'
>;

/** Support cases, their notes, and what opening a case checks (items, orders, people). */
@Injectable()
export class SupportCaseRepository extends DataRepository {
  findCase(id: string, manager?: EntityManager): Promise<SupportCase | null> {
    return this.manager(manager).getRepository(SupportCase).findOneBy({ id });
  }

  /** Whether a case with this dedupe key was opened already. */
  existsWithDedupeKey(dedupeKey: string): Promise<boolean> {
    return this.dataSource.getRepository(SupportCase).existsBy({ dedupeKey });
  }

  /** One keyset page of the cases the actor may see, with the query's conditions. */
  page(actor: Actor, q: CaseListQuery): Promise<Page<SupportCase>> {
    const equal = {
      'c.state': q.state,
      'c.kind': q.kind,
      'c.assignee_id': q.assigneeId,
      'c.order_id': q.orderId,
    };
    return this.visiblePage(SupportCaseAccess, 'c', actor, q, equal, {
      narrow: (qb) => {
        if (seesEverything(actor) && q.customerId)
          qb.andWhere('c.customer_id = :cid', { cid: q.customerId });
        if (q.itemId) qb.andWhere(':item = ANY(c.item_ids)', { item: q.itemId });
        if (q.breached === true) qb.andWhere('coalesce(c.resolved_at, now()) > c.sla_due_at');
        if (q.breached === false) qb.andWhere('coalesce(c.resolved_at, now()) <= c.sla_due_at');
      },
    });
  }

  /**
   * Records the breach of a case still unresolved at its due time; the case when this call
   * recorded it, null when it was resolved in time, recorded already, or is gone.
   */
  async markBreached(manager: EntityManager, caseId: string): Promise<SupportCase | null> {
    const { rows } = await execute<{ id: string }>(
      manager,
      `UPDATE support_cases SET sla_breached_at = now()
        WHERE id = $1 AND resolved_at IS NULL AND sla_breached_at IS NULL
          AND sla_due_at <= now() + interval '1 second'
        RETURNING id`,
      [caseId],
    );
    if (rows.length === 0) return null;
    return manager.getRepository(SupportCase).findOneByOrFail({ id: caseId });
  }

  // ---- notes --------------------------------------------------------------------------------

  /** The case's notes, oldest first. */
  notes(caseId: string): Promise<SupportCaseNote[]> {
    return this.dataSource
      .getRepository(SupportCaseNote)
      .find({ where: { caseId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async addNote(note: NewNote, manager?: EntityManager): Promise<SupportCaseNote> {
    const repo = this.manager(manager).getRepository(SupportCaseNote);
    return repo.save(repo.create(note));
  }

  // ---- what a case refers to ----------------------------------------------------------------

  /** The items of `ids` that exist, in the order of `ids`. */
  async items(ids: string[]): Promise<CaseItemRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.dataSource.query<CaseItemRow[]>(
      'SELECT id, owner_id, custodian_kind, custodian_id FROM items WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return ids.map((id) => rows.find((r) => r.id === id)).filter((r) => r !== undefined);
  }

  /** The items of `ids` the actor owns or once owned (`ItemHistoryAccess`). */
  async everOwned(ids: string[], actor: Actor): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const params: unknown[] = [ids];
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT i.id FROM items i
        WHERE i.id = ANY($1::uuid[]) AND ${ItemHistoryAccess.rawWhere(actor, 'i', params)}`,
      params,
    );
    return new Set(rows.map((r) => r.id));
  }

  async exists(table: 'users' | 'organisations', id: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(`SELECT 1 FROM ${table} WHERE id = $1`, [
      id,
    ]);
    return rows.length > 0;
  }

  /**
   * Whether the order's events fall in the customer's own ownership period (issue 18), or the
   * customer acted on it themselves as a customer.
   */
  async orderTouchesOwner(orderId: string, userId: string | null): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM item_events e
        WHERE e.entity_id = $1 AND ${eventOwnedBySql('e', '$2')}
       UNION ALL
       SELECT 1 FROM item_events e
        WHERE e.entity_id = $1 AND e.actor_id = $2 AND e.actor_role = 'customer'
       LIMIT 1`,
      [orderId, userId],
    );
    return rows.length > 0;
  }

  /** A user's role and whether they are disabled. */
  async userStatus(userId: string): Promise<{ role: string; disabled: boolean } | null> {
    const rows = await this.dataSource.query<Array<{ role: string; disabled: boolean }>>(
      'SELECT role, disabled FROM users WHERE id = $1',
      [userId],
    );
    return rows[0] ?? null;
  }
}
