import {
  type EntityManager,
  getMetadataArgsStorage,
  type ObjectLiteral,
  type SelectQueryBuilder,
} from 'typeorm';
import { type Actor, type ActorRole, seesEverything } from '../actor.js';
import { NotFound } from '../errors.js';

/** What of the actor a row's column is compared with. */
export type ActorField = 'userId' | 'organisationId';

/**
 * One way a row can be the actor's: every listed property equals the actor's field (`'userId'`,
 * `'organisationId'`) or a fixed value (`{ is: 'ownership-transfer' }`). An actor whose field is
 * null never matches.
 */
export type AccessClause<E> = {
  [K in keyof E & string]?: ActorField | { is: string | number | boolean };
} & {
  /** And the related row this row names is the actor's under that row's own policy. */
  follows?: Follows<E>;
};

/**
 * A related-row rule (issue 18): the row is visible when the row it names through `by` (whose
 * `to` property, `id` by default, equals it) is visible under that row's policy — a certificate
 * follows its item, a medium its item. The single check loads the related row and asks its
 * policy; the list query compiles it to `EXISTS (SELECT 1 FROM related WHERE … AND its rules)`.
 */
export interface Follows<E> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any entity's policy
  policy: AccessPolicy<any>;
  by: keyof E & string;
  to?: string;
}

/** Per role, the clauses under which a row is the actor's (any one is enough); `any` applies to every role. */
export type AccessRules<E> = Partial<Record<ActorRole | 'any', readonly AccessClause<E>[]>>;

export interface AccessPolicyDef<E> {
  /** Domain name used in the 404 ("Trade-in 123 not found"). */
  name: string;
  /** The TypeORM entity; or `table` for rows read with raw SQL (their properties are columns). */
  entity?: new () => E;
  table?: string;
  rules: AccessRules<E>;
  /** Roles that see every row; admin, support and the system by default (spec §2). */
  seeAll?: (actor: Actor) => boolean;
  /** Database column of a property, when it is not the property in snake_case. */
  columns?: Partial<Record<keyof E & string, string>>;
}

/** Named parameters for a TypeORM query builder, positional ones for raw SQL. */
export interface AccessSql {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * One entity's visibility, declared once (issue 18). The same declaration answers the
 * single-object check (`canSee`, `assertVisible` → 404) and the list query (`where`, `restrict`,
 * `rawWhere`), so the two can no longer drift apart.
 */
export interface AccessPolicy<E> {
  readonly name: string;
  readonly entity: (new () => E) | undefined;
  readonly table: string | undefined;
  readonly rules: AccessRules<E>;
  /** Properties the rules compare, with their database columns (checked against TypeORM at boot). */
  readonly columns: ReadonlyMap<string, string>;
  /**
   * The in-memory check. A policy with related-row rules cannot always answer it without the
   * database: it throws when only such a rule could still admit the row (use `visibleTo`).
   */
  canSee(row: E, actor: Actor): boolean;
  /** The row, or a 404 naming the entity when it is missing or not the actor's. */
  assertVisible(row: E | null | undefined, actor: Actor, id: string): E;
  /** The single-object check, related-row rules included (they read the related row). */
  visibleTo(db: EntityManager, row: E, actor: Actor): Promise<boolean>;
  /** `assertVisible` with related-row rules: the row, or a 404 naming the entity. */
  assertVisibleTo(
    db: EntityManager,
    row: E | null | undefined,
    actor: Actor,
    id: string,
  ): Promise<E>;
  /** The table the policy's rows live in (an entity's is read from its TypeORM metadata). */
  tableName(): string;
  /** The rules as SQL on `alias`, values through `param` (what `where` and `rawWhere` use). */
  render(actor: Actor, alias: string, param: (value: unknown) => string): string;
  /** A where-clause on `alias` with named parameters (unique per alias). */
  where(actor: Actor, alias: string): AccessSql;
  /** Adds the where-clause to a query builder. */
  restrict<Q extends ObjectLiteral>(
    qb: SelectQueryBuilder<Q>,
    actor: Actor,
    alias: string,
  ): SelectQueryBuilder<Q>;
  /** The where-clause for raw SQL: values are pushed onto `params` as $n. */
  rawWhere(actor: Actor, alias: string, params: unknown[]): string;
}

const registry: AccessPolicy<ObjectLiteral>[] = [];

/** Every policy declared so far (CoreModule checks their columns against the entities at boot). */
export function accessPolicies(): readonly AccessPolicy<ObjectLiteral>[] {
  return registry;
}

const snake = (p: string) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** An entity's table name from its @Entity decorator (the project names every table). */
function tableOf(entity: new () => unknown): string {
  const name = getMetadataArgsStorage().tables.find((t) => t.target === entity)?.name;
  if (!name) throw new Error(`${entity.name}: no @Entity table name`);
  return name;
}

export function defineAccessPolicy<E extends ObjectLiteral>(
  def: AccessPolicyDef<E>,
): AccessPolicy<E> {
  if (!def.entity === !def.table) throw new Error(`${def.name}: give an entity or a table`);
  const seeAll = def.seeAll ?? seesEverything;
  const columnOf = (prop: string) =>
    (def.columns as Record<string, string> | undefined)?.[prop] ?? snake(prop);
  const columns = new Map<string, string>();
  for (const clauses of Object.values(def.rules) as AccessClause<E>[][]) {
    for (const clause of clauses) {
      for (const prop of Object.keys(clause)) {
        if (prop !== 'follows') columns.set(prop, columnOf(prop));
      }
      if (clause.follows) columns.set(clause.follows.by, columnOf(clause.follows.by));
    }
  }

  const clausesFor = (actor: Actor): readonly AccessClause<E>[] => [
    ...(def.rules.any ?? []),
    ...(actor.role === 'system' ? [] : (def.rules[actor.role] ?? [])),
  ];

  /** A clause as (property, value) pairs for this actor, or null when the actor cannot match it. */
  const resolve = (clause: AccessClause<E>, actor: Actor): Array<[string, unknown]> | null => {
    const pairs: Array<[string, unknown]> = [];
    for (const [prop, want] of Object.entries(clause) as Array<
      [string, ActorField | { is: unknown }]
    >) {
      if (prop === 'follows') continue;
      const value = typeof want === 'string' ? actor[want] : want.is;
      if (value === null || value === undefined) return null;
      pairs.push([prop, value]);
    }
    return pairs;
  };

  /** The related row's key property and its column. */
  const target = (f: Follows<E>) => {
    const to = f.to ?? 'id';
    return { to, column: f.policy.columns.get(to) ?? snake(to) };
  };

  const render = (actor: Actor, alias: string, param: (value: unknown) => string): string => {
    if (seeAll(actor)) return 'TRUE';
    const q = (c: string) => `${alias}.${c}`;
    const ors: string[] = [];
    clausesFor(actor).forEach((clause, i) => {
      const pairs = resolve(clause, actor);
      if (!pairs) return;
      // A related-row rule through a policy no module bound admits nothing.
      if (clause.follows && unbound(clause.follows.policy)) return;
      const ands = pairs.map(([p, value]) => `${q(columns.get(p)!)} = ${param(value)}`);
      if (clause.follows) {
        const f = clause.follows;
        const inner = `${alias.replace(/\W/g, '_')}_f${i}`;
        ands.push(
          `EXISTS (SELECT 1 FROM ${f.policy.tableName()} ${inner} WHERE ${inner}.${target(f).column} = ${q(columns.get(f.by)!)} AND ${f.policy.render(actor, inner, param)})`,
        );
      }
      ors.push(`(${ands.join(' AND ')})`);
    });
    return ors.length ? `(${ors.join(' OR ')})` : 'FALSE';
  };

  const plainMatch = (row: E, pairs: Array<[string, unknown]>) =>
    pairs.every(([p, value]) => row[p] === value);

  const policy: AccessPolicy<E> = {
    name: def.name,
    entity: def.entity,
    table: def.table,
    rules: def.rules,
    columns,
    canSee(row, actor) {
      if (seeAll(actor)) return true;
      let undecided = false;
      for (const clause of clausesFor(actor)) {
        const pairs = resolve(clause, actor);
        if (pairs === null || !plainMatch(row, pairs)) continue;
        if (!clause.follows) return true;
        undecided = true;
      }
      if (undecided) throw new Error(`${def.name}: a related-row rule needs visibleTo`);
      return false;
    },
    assertVisible(row, actor, id) {
      if (!row || !policy.canSee(row, actor)) throw new NotFound(def.name, id);
      return row;
    },
    async visibleTo(db, row, actor) {
      if (seeAll(actor)) return true;
      for (const clause of clausesFor(actor)) {
        const pairs = resolve(clause, actor);
        if (pairs === null || !plainMatch(row, pairs)) continue;
        const f = clause.follows;
        if (!f) return true;
        if (unbound(f.policy)) continue;
        const key: unknown = row[f.by];
        if (key === null || key === undefined) continue;
        const { to, column } = target(f);
        const entity = f.policy.entity;
        const related = entity
          ? await db.getRepository<ObjectLiteral>(entity).findBy({ [to]: key })
          : await db.query<ObjectLiteral[]>(
              `SELECT * FROM ${f.policy.tableName()} WHERE ${column} = $1`,
              [key],
            );
        for (const r of related) if (await f.policy.visibleTo(db, r, actor)) return true;
      }
      return false;
    },
    async assertVisibleTo(db, row, actor, id) {
      if (!row || !(await policy.visibleTo(db, row, actor))) throw new NotFound(def.name, id);
      return row;
    },
    tableName() {
      return def.table ?? tableOf(def.entity!);
    },
    render,
    where(actor, alias) {
      const params: Record<string, unknown> = {};
      const safe = alias.replace(/\W/g, '_');
      const sql = render(actor, alias, (value) => {
        const name = `access_${safe}_${Object.keys(params).length}`;
        params[name] = value;
        return `:${name}`;
      });
      return { sql, params };
    },
    restrict(qb, actor, alias) {
      const { sql, params } = policy.where(actor, alias);
      return qb.andWhere(sql, params);
    },
    rawWhere(actor, alias, params) {
      return render(actor, alias, (value) => `$${params.push(value)}`);
    },
  };
  registry.push(policy as unknown as AccessPolicy<ObjectLiteral>);
  return policy;
}

/** A policy another module binds at start-up (see `policyBoundLater`). */
export interface BoundLaterPolicy<E extends ObjectLiteral> extends AccessPolicy<E> {
  /** Binds the policy this one stands for (once; binding the same one again is a no-op). */
  bind(policy: AccessPolicy<E>): void;
  readonly bound: boolean;
}

/**
 * A policy that another module supplies at start-up, for a port: the photos module names "the
 * policy of the thing a photo is attached to" for each kind of thing, and each stage binds its
 * own (`PhotoSubjects.register`), so the lower module imports no stage. Until it is bound it
 * admits no row (a stage that is not installed has no things to see). It is not registered
 * itself: the policy bound to it is.
 */
export function policyBoundLater<E extends ObjectLiteral>(label: string): BoundLaterPolicy<E> {
  let target: AccessPolicy<E> | null = null;
  const none = new Map<string, string>();
  const late: BoundLaterPolicy<E> = {
    get name() {
      return target?.name ?? label;
    },
    get entity() {
      return target?.entity;
    },
    get table() {
      return target?.table;
    },
    get rules() {
      return target?.rules ?? {};
    },
    get columns() {
      return target?.columns ?? none;
    },
    get bound() {
      return target !== null;
    },
    bind(policy) {
      if (target && target !== policy) throw new Error(`${label} is bound to ${target.name}`);
      target = policy;
    },
    canSee: (row, actor) => target?.canSee(row, actor) ?? false,
    assertVisible(row, actor, id) {
      if (!row || !late.canSee(row, actor)) throw new NotFound(late.name, id);
      return row;
    },
    visibleTo: async (db, row, actor) => (target ? target.visibleTo(db, row, actor) : false),
    async assertVisibleTo(db, row, actor, id) {
      if (!row || !(await late.visibleTo(db, row, actor))) throw new NotFound(late.name, id);
      return row;
    },
    tableName() {
      if (!target) throw new Error(`${label}: no policy bound`);
      return target.tableName();
    },
    render: (actor, alias, param) => target?.render(actor, alias, param) ?? 'FALSE',
    where: (actor, alias) => target?.where(actor, alias) ?? { sql: 'FALSE', params: {} },
    restrict: (qb, actor, alias) =>
      target ? target.restrict(qb, actor, alias) : qb.andWhere('FALSE'),
    rawWhere: (actor, alias, params) => target?.rawWhere(actor, alias, params) ?? 'FALSE',
  };
  return late;
}

/** A policy bound later that no module has bound yet. */
function unbound(p: object): boolean {
  return 'bound' in p && !(p as BoundLaterPolicy<ObjectLiteral>).bound;
}

/**
 * Policies whose columns are not their entity's or table's (run at boot, like the machines'
 * check). `columnsOf` answers a table's columns (raw-SQL policies).
 */
export async function accessPolicyProblems(
  metadataOf: (entity: new () => unknown) => {
    findColumnWithPropertyName(p: string): { databaseName: string } | undefined;
  },
  columnsOf: (table: string) => Promise<string[]>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const policy of registry) {
    // A related-row rule's target: its table exists and has the column it is joined on.
    for (const clauses of Object.values(policy.rules) as AccessClause<ObjectLiteral>[][]) {
      for (const { follows } of clauses) {
        if (!follows || unbound(follows.policy)) continue;
        const to = follows.to ?? 'id';
        const column = follows.policy.columns.get(to) ?? snake(to);
        const have = await columnsOf(follows.policy.tableName());
        if (!have.includes(column))
          problems.push(`${policy.name}: follows ${follows.policy.name} on a missing ${column}`);
      }
    }
    if (!policy.entity) {
      const have = new Set(await columnsOf(policy.table!));
      for (const column of policy.columns.values())
        if (!have.has(column)) problems.push(`${policy.name}: no column ${policy.table}.${column}`);
      continue;
    }
    const meta = metadataOf(policy.entity);
    for (const [prop, column] of policy.columns) {
      const found = meta.findColumnWithPropertyName(prop);
      if (!found) problems.push(`${policy.name}: no property ${prop}`);
      else if (found.databaseName !== column)
        problems.push(`${policy.name}: ${prop} is column ${found.databaseName}, not ${column}`);
    }
  }
  return problems;
}
