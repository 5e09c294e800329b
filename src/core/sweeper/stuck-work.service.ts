import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../actor.js';
import { Clock } from '../clock.js';
import { OpenSupportCase, type SourceRef } from '../jobs/job-catalogue.js';
import { job } from '../jobs/job-definition.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { type AnyMachine, ESCALATE, type StatefulRow } from '../state-machine/machine.js';
import { humanDuration, StateMachineRegistry } from '../state-machine/state-machine.registry.js';
import { TransitionService } from '../state-machine/transition.service.js';

/** A row past its state's limit. */
export interface StuckRow {
  machine: string;
  id: string;
  state: string;
  enteredAt: Date;
  limitMs: number;
  followUp: string;
  why: string;
}

export interface SweepReport {
  found: number;
  followedUp: number;
  escalated: number;
}

/** Rows handled per sweep: the next run (minutes later) takes the rest. */
const SWEEP_BATCH = 200;

/**
 * The sweeper for stuck work (issue 19, the pattern Twenty uses for stale workflow runs): every
 * stateful row records when it entered its state; rows past their state's limit get the
 * state's named follow-up (the owning module's handler, or the bare system transition), and
 * when that is `escalate` — or the follow-up leaves the row where it was — one support case per
 * stay names the item, the state and how long it has been there. Idempotent: an escalation is
 * recorded once per (row, entry into the state) before its case is written to the outbox.
 */
@Injectable()
export class StuckWorkService {
  private readonly logger = new Logger(StuckWorkService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly machines: StateMachineRegistry,
    private readonly transitions: TransitionService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Rows past their state's limit plus `overMs`, longest waiting first, keyset paged by
   * (entered, id). `pendingOnly`: those the sweeper has not escalated yet.
   */
  async find(opts: {
    now: Date;
    overMs?: number;
    machine?: string;
    state?: string;
    limit: number;
    after?: { at: Date; id: string } | null;
    pendingOnly?: boolean;
  }): Promise<StuckRow[]> {
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const parts: string[] = [];
    const timed: StuckRow[] = [];
    for (const machine of this.machines.all()) {
      if (opts.machine && machine.name !== opts.machine) continue;
      const table = this.dataSource.getMetadata(machine.entity).tableName;
      for (const state of machine.states) {
        if (opts.state && state !== opts.state) continue;
        const timeout = this.machines.timeoutOf(machine, state);
        if (!timeout) continue;
        const cut = new Date(opts.now.getTime() - timeout.afterMs - (opts.overMs ?? 0));
        const key = p(`${machine.name}:${state}`);
        timed.push({
          machine: machine.name,
          id: '',
          state,
          enteredAt: cut,
          limitMs: timeout.afterMs,
          followUp: timeout.followUp,
          why: timeout.why,
        });
        parts.push(
          `SELECT ${key}::text AS key, t.id, t.state_entered_at FROM "${table}" t
            WHERE t.state = ${p(state)} AND t.state_entered_at <= ${p(cut)}` +
            (opts.pendingOnly
              ? ` AND NOT EXISTS (SELECT 1 FROM stuck_escalations e WHERE e.machine = ${p(machine.name)}
                    AND e.entity_id = t.id AND e.state_entered_at = t.state_entered_at)`
              : ''),
        );
      }
    }
    if (parts.length === 0) return [];
    const after = opts.after
      ? `WHERE (u.state_entered_at, u.id) > (${p(opts.after.at)}::timestamptz, ${p(opts.after.id)}::uuid)`
      : '';
    const rows = await this.dataSource.query<
      Array<{ key: string; id: string; state_entered_at: Date }>
    >(
      `SELECT u.key, u.id, u.state_entered_at FROM (${parts.join(' UNION ALL ')}) u ${after}
        ORDER BY u.state_entered_at, u.id LIMIT ${p(opts.limit)}`,
      params,
    );
    return rows.map((r) => {
      const [machine, state] = r.key.split(':');
      const t = timed.find((x) => x.machine === machine && x.state === state)!;
      return { ...t, id: r.id, enteredAt: new Date(r.state_entered_at) };
    });
  }

  /** One sweep: a batch of stuck rows, each followed up or escalated. */
  async sweep(now: Date = this.clock.now()): Promise<SweepReport> {
    const rows = await this.find({ now, limit: SWEEP_BATCH, pendingOnly: true });
    const report: SweepReport = { found: rows.length, followedUp: 0, escalated: 0 };
    for (const row of rows) {
      try {
        const outcome = await this.handle(row, now);
        if (outcome === 'followed-up') {
          report.followedUp++;
          this.metrics.stuckFollowUps.inc({ machine: row.machine });
        }
        if (outcome === 'escalated') {
          report.escalated++;
          this.metrics.stuckEscalations.inc({ machine: row.machine });
        }
      } catch (err) {
        this.logger.warn(`Stuck ${row.machine} ${row.id}: ${(err as Error).message}`);
      }
    }
    if (report.found > 0) this.logger.log(`Stuck work: ${JSON.stringify(report)}`);
    return report;
  }

  private async handle(row: StuckRow, now: Date): Promise<'followed-up' | 'escalated' | 'none'> {
    const machine = this.machines.get(row.machine);
    if (!machine) return 'none';
    if (row.followUp === ESCALATE) {
      return (await this.escalate(machine, row, now, null)) ? 'escalated' : 'none';
    }
    let failure: string | null = null;
    try {
      const handler = this.machines.followUpHandler(machine, row.followUp);
      if (handler) await handler(row.id, now);
      else {
        await this.transitions.apply(machine, {
          id: row.id,
          action: row.followUp,
          actor: SYSTEM_ACTOR,
          data: {
            reason: 'timeout',
            limit: humanDuration(row.limitMs),
            enteredAt: row.enteredAt.toISOString(),
          },
        });
      }
    } catch (err) {
      failure = (err as Error).message;
    }
    const after = await this.dataSource
      .getRepository<StatefulRow & { stateEnteredAt: Date }>(machine.entity)
      .findOne({ where: { id: row.id } });
    const moved =
      !after ||
      after.state !== row.state ||
      after.stateEnteredAt.getTime() !== row.enteredAt.getTime();
    if (moved) return 'followed-up';
    const reason = failure
      ? `the follow-up "${row.followUp}" failed: ${failure}`
      : `the follow-up "${row.followUp}" left it where it was`;
    return (await this.escalate(machine, row, now, reason)) ? 'escalated' : 'none';
  }

  /** Records the escalation once per stay and writes its support case to the outbox. */
  private async escalate(
    machine: AnyMachine,
    row: StuckRow,
    now: Date,
    reason: string | null,
  ): Promise<boolean> {
    const caseKey = `stuck:${machine.name}:${row.id}:${row.state}:${row.enteredAt.toISOString()}`;
    return this.dataSource.transaction(async (m) => {
      const claimed = await m.query<unknown[]>(
        `INSERT INTO stuck_escalations
           (machine, entity_id, state, state_entered_at, follow_up, case_key, reason, escalated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT DO NOTHING RETURNING entity_id`,
        [machine.name, row.id, row.state, row.enteredAt, row.followUp, caseKey, reason, now],
      );
      if (claimed.length === 0) return false;
      const entity = await m
        .getRepository<StatefulRow>(machine.entity)
        .findOne({ where: { id: row.id } });
      const itemIds = entity ? await machine.itemIds(entity, m) : [];
      const codes = await traceCodes(m, itemIds);
      const stuckFor = humanDuration(roundToMinutes(now.getTime() - row.enteredAt.getTime()));
      const what = codes.length ? ` (${codes.join(', ')})` : '';
      await this.outbox.write(m, [
        job(OpenSupportCase, {
          kind: 'stuck-work',
          dedupeKey: caseKey,
          summary:
            `${machine.name} ${row.id}${what} has been ${row.state} for ${stuckFor} ` +
            `(limit ${humanDuration(row.limitMs)})`,
          itemIds,
          orderRef: entity ? orderRefOf(machine.name, entity) : null,
          customerId: null,
          detail: {
            machine: machine.name,
            entityId: row.id,
            state: row.state,
            enteredAt: row.enteredAt.toISOString(),
            stuckForMs: now.getTime() - row.enteredAt.getTime(),
            stuckFor,
            limitMs: row.limitMs,
            limit: humanDuration(row.limitMs),
            followUp: row.followUp,
            why: row.why,
            traceCodes: codes,
            ...(reason ? { reason } : {}),
          },
        }),
      ]);
      return true;
    });
  }
}

function roundToMinutes(ms: number): number {
  return Math.max(60_000, Math.round(ms / 60_000) * 60_000);
}

async function traceCodes(m: EntityManager, itemIds: string[]): Promise<string[]> {
  if (itemIds.length === 0) return [];
  const rows = await m.query<Array<{ trace_code: string }>>(
    'SELECT trace_code FROM items WHERE id = ANY($1::uuid[]) ORDER BY trace_code',
    [itemIds],
  );
  return rows.map((r) => r.trace_code);
}

/** The order a stuck row belongs to, for the case's link (the stages' own names). */
function orderRefOf(machine: string, entity: StatefulRow): SourceRef | null {
  const e = entity as StatefulRow & { orderId?: string; sourceKind?: string; sourceId?: string };
  if (machine === 'TradeInOrder') return { kind: 'trade-in', id: e.id };
  if (machine === 'TradeInItem' && e.orderId) return { kind: 'trade-in', id: e.orderId };
  if (machine === 'SaleOrder') return { kind: 'sale-order', id: e.id };
  if (machine === 'Pickup' && (e.sourceKind === 'trade-in' || e.sourceKind === 'sale-order')) {
    return { kind: e.sourceKind, id: e.sourceId! };
  }
  return null;
}
