import type { EntityManager, ObjectLiteral } from 'typeorm';
import type { Actor, ActorRole } from '../actor.js';

/** What every stateful entity carries (see StatefulEntity). */
export interface StatefulRow<S extends string = string> extends ObjectLiteral {
  id: string;
  state: S;
  version: number;
}

export interface GuardContext<E> {
  entity: E;
  actor: Actor;
  input: unknown;
  manager: EntityManager;
}

/** One row of a transition table: plain data plus an optional guard. */
export interface TransitionDef<S extends string, E> {
  action: string;
  from: readonly S[];
  to: S;
  roles: readonly ActorRole[];
  /** Returns a reason when the action may not happen now (answered as 409 with that reason). */
  guard?: (ctx: GuardContext<E>) => string | undefined | Promise<string | undefined>;
}

/** What a custody guard answers: a refusal (409), or facts for the hand-off's history entry. */
export interface CustodyDecision {
  refusal?: string;
  data?: Record<string, unknown>;
}

/**
 * A state machine: the transition table of one entity, and how to tell who may see it and
 * which items its history belongs to. Declared as data in the owning module, run by
 * TransitionService, checked at start-up by validateMachine.
 */
export interface MachineDef<S extends string, E extends StatefulRow<S>> {
  /** Domain name, e.g. 'Pickup'; used in messages and history events. */
  name: string;
  entity: new () => E;
  states: readonly S[];
  initial: readonly S[];
  transitions: readonly TransitionDef<S, E>[];
  /** Object-level access: false answers 404. Admin, support and system are decided here too. */
  canAccess(entity: E, actor: Actor): boolean;
  /** The items whose history records this entity's transitions. */
  itemIds(entity: E, manager: EntityManager): string[] | Promise<string[]>;
  /**
   * Checked by TransitionService whenever a transition names a new custodian (the `custodian`
   * param, or custodianKind/custodianId in the patch): may the entity pass to it?
   */
  custody?: (
    ctx: GuardContext<E> & { to: { kind: string; id: string | null } },
  ) => CustodyDecision | Promise<CustodyDecision>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMachine = MachineDef<string, any>;

/** Declares a machine with its types inferred from the table. */
export function defineMachine<S extends string, E extends StatefulRow<S>>(
  def: MachineDef<S, E>,
): MachineDef<S, E> {
  return def;
}

/** Actions the actor may take on the entity now (state and role; guards are checked on use). */
export function allowedActions<S extends string, E extends StatefulRow<S>>(
  machine: MachineDef<S, E>,
  entity: E,
  actor: Actor,
): string[] {
  if (!machine.canAccess(entity, actor)) return [];
  const actions = machine.transitions
    .filter((t) => t.from.includes(entity.state) && t.roles.includes(actor.role))
    .map((t) => t.action);
  return [...new Set(actions)];
}

/** Problems in a transition table: unknown or unreachable states, duplicate actions. */
export function validateMachine(machine: AnyMachine): string[] {
  const problems: string[] = [];
  const states = new Set<string>(machine.states);
  if (states.size !== machine.states.length) problems.push('a state is listed twice');
  if (machine.initial.length === 0) problems.push('no initial state');
  for (const s of machine.initial) if (!states.has(s)) problems.push(`unknown initial state ${s}`);
  const seen = new Set<string>();
  for (const t of machine.transitions) {
    if (!/^[a-z][a-z0-9-]*$/.test(t.action))
      problems.push(`action "${t.action}" is not kebab-case`);
    if (!states.has(t.to)) problems.push(`${t.action} goes to unknown state ${t.to}`);
    if (t.from.length === 0) problems.push(`${t.action} has no from-state`);
    if (t.roles.length === 0) problems.push(`${t.action} allows no role`);
    for (const f of t.from) {
      if (!states.has(f)) problems.push(`${t.action} starts from unknown state ${f}`);
      const key = `${f}:${t.action}`;
      if (seen.has(key)) problems.push(`duplicate action ${t.action} from ${f}`);
      seen.add(key);
    }
  }
  const reachable = new Set<string>(machine.initial);
  let grew = true;
  while (grew) {
    grew = false;
    for (const t of machine.transitions) {
      if (!reachable.has(t.to) && t.from.some((f: string) => reachable.has(f))) {
        reachable.add(t.to);
        grew = true;
      }
    }
  }
  for (const s of machine.states) if (!reachable.has(s)) problems.push(`state ${s} is unreachable`);
  return problems.map((p) => `${machine.name}: ${p}`);
}
