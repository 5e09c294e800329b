import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
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
};

/** Per role, the clauses under which a row is the actor's (any one is enough); `any` applies to every role. */
export type AccessRules<E> = Partial<Record<ActorRole | 'any', readonly AccessClause<E>[]>>;

export interface AccessPolicyDef<E> {
  /** Domain name used in the 404 ("Trade-in 123 not found"). */
  name: string;
  entity: new () => E;
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
  readonly entity: new () => E;
  readonly rules: AccessRules<E>;
  /** Properties the rules compare, with their database columns (checked against TypeORM at boot). */
  readonly columns: ReadonlyMap<string, string>;
  canSee(row: E, actor: Actor): boolean;
  /** The row, or a 404 naming the entity when it is missing or not the actor's. */
  assertVisible(row: E | null | undefined, actor: Actor, id: string): E;
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

type Condition = { column: string; value: unknown };

export function defineAccessPolicy<E extends ObjectLiteral>(
  def: AccessPolicyDef<E>,
): AccessPolicy<E> {
  const seeAll = def.seeAll ?? seesEverything;
  const columns = new Map<string, string>();
  for (const clauses of Object.values(def.rules) as AccessClause<E>[][]) {
    for (const clause of clauses) {
      for (const prop of Object.keys(clause)) {
        columns.set(
          prop,
          (def.columns as Record<string, string> | undefined)?.[prop] ?? snake(prop),
        );
      }
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
      const value = typeof want === 'string' ? actor[want] : want.is;
      if (value === null || value === undefined) return null;
      pairs.push([prop, value]);
    }
    return pairs;
  };

  /** The actor's clauses as SQL conditions; null = sees everything. */
  const conditions = (actor: Actor): Condition[][] | null => {
    if (seeAll(actor)) return null;
    const out: Condition[][] = [];
    for (const clause of clausesFor(actor)) {
      const pairs = resolve(clause, actor);
      if (pairs) out.push(pairs.map(([p, value]) => ({ column: columns.get(p)!, value })));
    }
    return out;
  };

  const render = (actor: Actor, alias: string, param: (value: unknown) => string): string => {
    const conds = conditions(actor);
    if (conds === null) return 'TRUE';
    if (conds.length === 0) return 'FALSE';
    const q = (c: string) => `${alias}.${c}`;
    return `(${conds
      .map((and) => `(${and.map((c) => `${q(c.column)} = ${param(c.value)}`).join(' AND ')})`)
      .join(' OR ')})`;
  };

  const policy: AccessPolicy<E> = {
    name: def.name,
    entity: def.entity,
    rules: def.rules,
    columns,
    canSee(row, actor) {
      if (seeAll(actor)) return true;
      return clausesFor(actor).some((clause) => {
        const pairs = resolve(clause, actor);
        return pairs !== null && pairs.every(([p, value]) => row[p] === value);
      });
    },
    assertVisible(row, actor, id) {
      if (!row || !policy.canSee(row, actor)) throw new NotFound(def.name, id);
      return row;
    },
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
  registry.push(policy);
  return policy;
}

/** Policies whose columns are not their entity's (run at boot, like the machines' check). */
export function accessPolicyProblems(
  metadataOf: (entity: new () => unknown) => {
    findColumnWithPropertyName(p: string): { databaseName: string } | undefined;
  },
): string[] {
  const problems: string[] = [];
  for (const policy of registry) {
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
