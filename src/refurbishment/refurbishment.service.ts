import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { mapPage } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import type { RefurbishmentFilter } from './api/refurbishment.dto.js';
import type { RefurbishmentOrder } from './data/refurbishment.entities.js';
import { RefurbishmentOrderRepository } from './data/refurbishment-order.repository.js';
import { RefurbishmentMachine, RefurbishmentOrderAccess } from './domain/refurbishment.machine.js';
import { orderView, partView } from './domain/refurbishment-views.js';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Stage: refurbishment (spec §1, §3) — the reads: an order, a page of orders, where a part serial
 * went, and the partners' performance; every action answers with `get`. The actions live beside
 * it, split by trigger: RefurbishmentOpening (the RefurbishmentRequested job and the warehouse's
 * opening by hand), PartnerRepairs (what the partner's technicians do) and RefurbishmentDecisions
 * (what the warehouse or an admin decides: who repairs, and QC).
 *
 * The class keeps its name: the OpenAPI component `RefurbishmentPerformance` is named after it.
 */
@Injectable()
export class RefurbishmentService {
  constructor(private readonly orders: RefurbishmentOrderRepository) {}

  /** An order the actor may see, in their transaction (locked when asked). */
  async load(
    m: EntityManager,
    actor: Actor,
    id: string,
    lock = false,
  ): Promise<RefurbishmentOrder> {
    const order = await this.orders.findOrder(id, { lock, manager: m });
    return RefurbishmentOrderAccess.assertVisible(order, actor, id);
  }

  async get(actor: Actor, id: string) {
    const order = RefurbishmentOrderAccess.assertVisible(
      await this.orders.findOrder(id),
      actor,
      id,
    );
    const parts = await this.orders.parts(id);
    return withActions(RefurbishmentMachine, order, actor, orderView(order, parts));
  }

  async list(actor: Actor, filter: RefurbishmentFilter) {
    return mapPage(await this.orders.page(actor, filter), (o) =>
      withActions(RefurbishmentMachine, o, actor, orderView(o, null)),
    );
  }

  /** Where a part serial went in or came out (only in orders the actor may see). */
  async traceSerial(actor: Actor, serial: string) {
    const parts = await this.orders.partsWithSerial(actor, serial.trim());
    return {
      items: parts.map((p) => ({
        ...partView(p),
        direction: p.serialIn?.toUpperCase() === serial.trim().toUpperCase() ? 'in' : 'out',
      })),
    };
  }

  /** Turnaround and outcomes per refurbishment partner (technicians: their own partner only). */
  async performance(actor: Actor, partnerId: string | undefined) {
    const own = actor.role === 'technician' ? (actor.organisationId ?? NIL_UUID) : null;
    const rows = await this.orders.partnerPerformance(own, partnerId ?? null);
    const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
    return {
      items: rows.map((r) => ({
        partnerId: r.id,
        name: r.name,
        families: Array.isArray(r.families) ? r.families : [],
        assigned: r.assigned,
        inProgress: r.in_progress,
        awaitingQc: r.awaiting_qc,
        done: r.done,
        unrepairable: r.unrepairable,
        qcPassRate:
          r.qc_passed + r.qc_failed > 0 ? round(r.qc_passed / (r.qc_passed + r.qc_failed)) : null,
        turnaroundHours: {
          average: round(r.avg_hours),
          median: round(r.median_hours),
          max: round(r.max_hours),
        },
        averageRepairCost:
          r.avg_cost === null ? null : { amountMinor: Math.round(r.avg_cost), currency: 'CNY' },
      })),
    };
  }
}
