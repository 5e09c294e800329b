import { ForbiddenException, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type DeepPartial, type EntityManager } from 'typeorm';
import type { Actor } from '../actor.js';
import { Clock } from '../clock.js';
import { NotFound, stateConflict } from '../errors.js';
import { HistoryService, type ItemHead } from '../history/history.service.js';
import type { OutboxJob } from '../jobs/job-definition.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { execute } from '../sql.js';
import { allowedActions, type MachineDef, type StatefulRow } from './machine.js';
import { findRowById, rowCodec, setList, warmRowCodecs } from './row-codec.js';

type Resolvable<T, E> = T | ((entity: E) => T);

interface Recording<E> {
  /** Extra facts for the history entry (e.g. a seal number, a grade, a reason). */
  data?: Resolvable<Record<string, unknown>, E>;
  place?: string | null;
  /** Who holds the item(s) after this step; recorded in the history. */
  custodian?: { kind: string; id: string | null } | null;
  /** Follow-up jobs, written to the outbox in the same transaction. */
  jobs?: Resolvable<readonly OutboxJob[], E>;
  /** More work that must commit or roll back with this transition. */
  effects?: (manager: EntityManager, entity: E) => Promise<void>;
  /** Join the caller's transaction instead of opening one. */
  manager?: EntityManager;
  /**
   * The items this step is about when the caller has read them in this transaction (or knows
   * there are none yet): the machine is not asked again, one round trip less where it reads them.
   */
  itemIds?: readonly string[];
}

export interface ApplyParams<E> extends Recording<E> {
  id: string;
  action: string;
  actor: Actor;
  /** The version the client last saw; a different current version answers 409. */
  expectedVersion?: number;
  /** Passed to the transition's guard. */
  input?: unknown;
  /** Columns to change together with the state. */
  patch?: Resolvable<DeepPartial<E>, E>;
  /** False when the caller already authorised the actor on the entity that owns this step. */
  checkAccess?: boolean;
  /**
   * The whole row as the caller already read it in this transaction (with `manager`): not read
   * again, one round trip less. The guarded update still refuses it if it changed since.
   */
  current?: E;
}

export interface CreateParams<S extends string, E> extends Recording<E> {
  actor: Actor;
  values: DeepPartial<E>;
  /** One of the machine's initial states; the first one by default. */
  state?: S;
}

/** The new custodian a transition names: in the patch (custodianKind/Id) or the history. */
function custodyTarget(
  patch: object,
  custodian: { kind: string; id: string | null } | null | undefined,
): { kind: string; id: string | null } | null {
  const p = patch as { custodianKind?: unknown; custodianId?: unknown };
  if (typeof p.custodianKind === 'string') {
    return { kind: p.custodianKind, id: typeof p.custodianId === 'string' ? p.custodianId : null };
  }
  return custodian ?? null;
}

function withCustodyData<E>(
  data: Resolvable<Record<string, unknown>, E> | undefined,
  extra: Record<string, unknown>,
): Resolvable<Record<string, unknown>, E> {
  return (entity: E) => ({
    ...(typeof data === 'function' ? data(entity) : (data ?? {})),
    ...extra,
  });
}

/**
 * The only way state changes (spec §3). In one database transaction it checks the action is
 * allowed for this actor and object, applies it with a guarded UPDATE (a stale version or a
 * concurrent change updates zero rows and answers 409), appends to the item history and writes
 * follow-up jobs to the outbox.
 */
@Injectable()
export class TransitionService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly history: HistoryService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  /** The row codecs are built at boot, not by the first request on each entity. */
  onModuleInit(): void {
    if (this.dataSource.isInitialized) warmRowCodecs(this.dataSource.manager);
  }

  inTransaction<T>(
    manager: EntityManager | undefined,
    fn: (m: EntityManager) => Promise<T>,
  ): Promise<T> {
    return manager ? fn(manager) : this.dataSource.transaction(fn);
  }

  async create<S extends string, E extends StatefulRow<S>>(
    machine: MachineDef<S, E>,
    params: CreateParams<S, E>,
  ): Promise<E> {
    const state = params.state ?? machine.initial[0];
    if (!machine.initial.includes(state)) {
      throw new Error(`${machine.name} cannot start in state ${state}`);
    }
    return this.inTransaction(params.manager, async (manager) => {
      const repo = manager.getRepository(machine.entity);
      const entity: E = await repo.save(
        repo.create({
          ...params.values,
          state,
          version: 1,
          stateEnteredAt: this.clock.now(),
        } as DeepPartial<E>),
      );
      // A new item's chain starts empty (the columns' defaults): its row, inserted just now and
      // seen by no one else before commit, is not read back for its history head.
      const values = params.values as { historySeq?: unknown; historyHash?: unknown };
      const fresh =
        rowCodec(manager, machine.entity)?.table === '"items"' &&
        values.historySeq === undefined &&
        values.historyHash === undefined;
      await this.record(
        manager,
        machine,
        entity,
        `${machine.name}.created`,
        null,
        params,
        fresh ? new Map([[entity.id, { history_seq: 0, history_hash: '' }]]) : undefined,
        params.itemIds,
      );
      this.metrics.countTransition(manager.queryRunner, machine.name, 'created');
      return entity;
    });
  }

  async apply<S extends string, E extends StatefulRow<S>>(
    machine: MachineDef<S, E>,
    params: ApplyParams<E>,
  ): Promise<E> {
    return this.inTransaction(params.manager, async (manager) => {
      // Plain SQL through the driver where the entity allows it (issue 27 point 2).
      const codec = rowCodec(manager, machine.entity);
      const read = (id: string) =>
        codec
          ? findRowById(manager, codec, id)
          : manager.getRepository(machine.entity).findOne({ where: { id } as never });
      const reuse = params.manager && params.current?.id === params.id;
      const entity = reuse ? params.current! : await read(params.id);
      if (!entity || (params.checkAccess !== false && !machine.canAccess(entity, params.actor))) {
        throw new NotFound(machine.name, params.id);
      }
      const candidates = machine.transitions.filter((t) => t.action === params.action);
      if (!candidates.some((t) => t.roles.includes(params.actor.role))) {
        throw new ForbiddenException(
          `A ${params.actor.role} may not ${params.action} a ${machine.name}`,
        );
      }
      const conflict = (message: string, current: E = entity) =>
        stateConflict(machine, current, params.actor, message);
      const transition = candidates.find(
        (t) => t.from.includes(entity.state) && t.roles.includes(params.actor.role),
      );
      if (!transition) {
        throw conflict(`Cannot ${params.action} a ${machine.name} that is ${entity.state}`);
      }
      if (params.expectedVersion !== undefined && params.expectedVersion !== entity.version) {
        throw conflict(
          `${machine.name} ${entity.id} is at version ${entity.version}, not ${params.expectedVersion}`,
        );
      }
      const refusal = await transition.guard?.({
        entity,
        actor: params.actor,
        input: params.input,
        manager,
      });
      if (refusal) throw conflict(`Cannot ${params.action}: ${refusal}`);

      const fromState = entity.state;
      const patch =
        (typeof params.patch === 'function' ? params.patch(entity) : params.patch) ?? {};
      // The custody guard (issue 17): a transition that hands the entity to someone else.
      const to = custodyTarget(patch, params.custodian);
      const custody =
        to && machine.custody
          ? await machine.custody({
              entity,
              actor: params.actor,
              input: params.input,
              manager,
              to,
            })
          : undefined;
      if (custody?.refusal) throw conflict(`Cannot ${params.action}: ${custody.refusal}`);
      // Only a new state restarts the clock its timeout runs on (a self-loop does not).
      const entered = transition.to !== entity.state ? { stateEnteredAt: this.clock.now() } : {};
      const values = { ...patch, state: transition.to, ...entered };
      // The items whose history this step appends to, known before the update so that the
      // update can lock their rows and return their heads in the same statement.
      const itemIds = params.itemIds ?? (await machine.itemIds({ ...entity, ...values }, manager));
      const { affected, heads } = await this.guardedUpdate(
        manager,
        machine,
        entity,
        values,
        itemIds,
      );
      if (affected !== 1) {
        const current = (await read(entity.id)) ?? entity;
        throw conflict(
          `${machine.name} ${entity.id} was changed by someone else; reload and retry`,
          current,
        );
      }
      const updated: E = Object.assign(entity, patch, entered, {
        state: transition.to,
        version: entity.version + 1,
      });
      await this.record(
        manager,
        machine,
        updated,
        `${machine.name}.${params.action}`,
        fromState,
        custody?.data ? { ...params, data: withCustodyData(params.data, custody.data) } : params,
        heads,
        itemIds,
      );
      this.metrics.countTransition(manager.queryRunner, machine.name, params.action);
      return updated;
    });
  }

  /**
   * `UPDATE ... SET <values>, version = version + 1 WHERE id AND state AND version` as the query
   * builder's `update().set()` writes it (undefined skipped, the update date set), in plain SQL
   * when the entity and values allow; the number of rows changed, and the history heads of
   * `itemIds` when the same statement locked them.
   */
  private async guardedUpdate<S extends string, E extends StatefulRow<S>>(
    manager: EntityManager,
    machine: MachineDef<S, E>,
    entity: E,
    values: Record<string, unknown>,
    itemIds: readonly string[],
  ): Promise<{ affected: number; heads?: ReadonlyMap<string, ItemHead> }> {
    const codec = rowCodec(manager, machine.entity);
    const set = { ...values };
    delete set.version;
    const list = codec ? setList(manager, codec, set, 4) : null;
    if (codec && list) {
      const sql = [...list.sql, '"version" = version + 1'];
      const updateDate = codec.metadata.updateDateColumn;
      if (codec.updateDate && updateDate && !list.columns.has(updateDate.databaseName)) {
        sql.push(`${codec.updateDate} = CURRENT_TIMESTAMP`);
      }
      const update = `UPDATE ${codec.table} SET ${sql.join(', ')} WHERE id = $1 AND state = $2 AND version = $3`;
      const params = [entity.id, entity.state, entity.version, ...list.params];
      if (codec.table === '"items"') {
        // An item's own transition locks its row here: its history head comes back with it, so
        // the history append does not read it again.
        const { rows, affected } = await execute<ItemHead>(
          manager,
          `${update} RETURNING history_seq, history_hash`,
          params,
        );
        return { affected, heads: affected === 1 ? new Map([[entity.id, rows[0]]]) : undefined };
      }
      const ids = [...new Set(itemIds)].sort();
      if (ids.length === 0) return { affected: (await execute(manager, update, params)).affected };
      // Another entity's step locks its items' rows in the same statement, after its own row and
      // in id order as the history append would, only when the update succeeded: their heads
      // come back, one round trip less. Every listed item exists, so no row means no update.
      const { rows } = await execute<ItemHead & { id: string }>(
        manager,
        `WITH changed AS (${update} RETURNING 1)
         SELECT i.id, i.history_seq, i.history_hash FROM items i
          WHERE i.id = ANY($${params.length + 1}::uuid[]) AND EXISTS (SELECT 1 FROM changed)
          ORDER BY i.id FOR UPDATE OF i`,
        [...params, ids],
      );
      if (rows.length === 0) return { affected: 0 };
      if (rows.length !== ids.length) {
        throw new Error(`${machine.name} ${entity.id} names an item that does not exist`);
      }
      return { affected: 1, heads: new Map(rows.map((r) => [r.id, r])) };
    }
    const result = await manager
      .createQueryBuilder()
      .update(machine.entity)
      .set({ ...values, version: () => 'version + 1' } as never)
      .where('id = :id AND state = :from AND version = :version', {
        id: entity.id,
        from: entity.state,
        version: entity.version,
      })
      .execute();
    return { affected: result.affected ?? 0 };
  }

  /** Reads back what the current user may do with an entity (for `allowedActions`). */
  allowedActions<S extends string, E extends StatefulRow<S>>(
    machine: MachineDef<S, E>,
    entity: E,
    actor: Actor,
  ): string[] {
    return allowedActions(machine, entity, actor);
  }

  private async record<S extends string, E extends StatefulRow<S>>(
    manager: EntityManager,
    machine: MachineDef<S, E>,
    entity: E,
    type: string,
    fromState: string | null,
    params: Recording<E> & { actor: Actor },
    heads?: ReadonlyMap<string, ItemHead>,
    knownItemIds?: readonly string[],
  ): Promise<void> {
    const itemIds = knownItemIds ?? (await machine.itemIds(entity, manager));
    let written = false;
    if (itemIds.length > 0) {
      const data = typeof params.data === 'function' ? params.data(entity) : params.data;
      // Without effects the jobs are known now: the history statement writes them too.
      const jobs = params.effects
        ? undefined
        : typeof params.jobs === 'function'
          ? params.jobs(entity)
          : params.jobs;
      written = !params.effects;
      await this.history.append(
        manager,
        itemIds,
        {
          type,
          entity: machine.name,
          entityId: entity.id,
          fromState,
          toState: entity.state,
          actor: params.actor,
          custodian: params.custodian,
          place: params.place,
          data,
        },
        heads,
        jobs,
      );
    }
    if (written) return;
    await params.effects?.(manager, entity);
    const jobs = typeof params.jobs === 'function' ? params.jobs(entity) : params.jobs;
    if (jobs?.length) await this.outbox.write(manager, jobs);
  }
}
