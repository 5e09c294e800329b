import type { EntityManager, ObjectLiteral } from 'typeorm';
import { type Actor, type ActorRole, USER_ROLES } from '../actor.js';

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

/**
 * A flag set or cleared without leaving the state (held, frozen…): one self-loop row per state
 * the action is allowed in, since a row has a single `to`. The flag's columns change through
 * the action's `patch`, so the version check, the guard, the 409s and the history entry are the
 * core's, as for any transition; the state's timeout clock does not restart.
 */
export function selfLoops<S extends string, E>(
  action: string,
  states: readonly S[],
  roles: readonly ActorRole[],
  guard?: TransitionDef<S, E>['guard'],
): TransitionDef<S, E>[] {
  return states.map((state) => ({ action, from: [state], to: state, roles, guard }));
}

/**
 * The row maker of one machine's table, so a transition reads as one line:
 * `t('assign', ['OPEN'], 'ASSIGNED', ['admin'], guard?)`. `also` joins every row's roles (the
 * item machine lets the platform and admins take each of its steps).
 */
export function transitionRows<S extends string, E>(also: readonly ActorRole[] = []) {
  return (
    action: string,
    from: readonly S[],
    to: S,
    roles: readonly ActorRole[],
    guard?: TransitionDef<S, E>['guard'],
  ): TransitionDef<S, E> => ({ action, from, to, roles: [...roles, ...also], guard });
}

export const minutes = (n: number): number => n * 60_000;
export const hours = (n: number): number => n * 3_600_000;
export const days = (n: number): number => n * 86_400_000;

/** The follow-up that opens a support case naming the row, its state and how long it has been there. */
export const ESCALATE = 'escalate';

/**
 * How long a row may stay in a state, and what happens then (issue 19: no dead ends). The
 * sweeper applies `followUp` to rows past `afterMs`: an action of the machine that leaves the
 * state and that the platform ('system') may take (expire, auto-return…), or `escalate`.
 */
export interface StateTimeout {
  afterMs: number;
  followUp: string;
  /** Why this limit, in one sentence (shown by GET /state-machines). */
  why: string;
  /** The setting that changes the limit, when there is one (the module applies it at boot). */
  setting?: string;
}

/** The usual timeout: past `afterMs` a support case is opened (ESCALATE). */
export const escalateAfter = (afterMs: number, why: string): StateTimeout => ({
  afterMs,
  followUp: ESCALATE,
  why,
});

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
  /** States a row may rest in for good (its journey is over, or it is someone's to keep). */
  terminal: readonly S[];
  transitions: readonly TransitionDef<S, E>[];
  /** Per state: how long a row may stay there and the named follow-up (see StateTimeout). */
  timeouts?: Partial<Record<S, StateTimeout>>;
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
  problems.push(...livenessProblems(machine, machine.timeouts ?? {}));
  return problems.map((p) => `${machine.name}: ${p}`);
}

const PEOPLE = new Set<string>(USER_ROLES);

/**
 * No dead ends (issue 19): every state that is not terminal has a timeout with a named
 * follow-up, or an action a person (a role that exists, not the platform) may take to leave it;
 * and from every state some terminal state can be reached.
 */
export function livenessProblems(
  machine: AnyMachine,
  timeouts: Partial<Record<string, StateTimeout>>,
): string[] {
  const problems: string[] = [];
  const states = new Set<string>(machine.states);
  const terminal = new Set<string>(machine.terminal ?? []);
  if (terminal.size === 0) problems.push('no terminal state');
  for (const s of terminal) if (!states.has(s)) problems.push(`unknown terminal state ${s}`);
  for (const s of Object.keys(timeouts))
    if (!states.has(s)) problems.push(`timeout for unknown state ${s}`);
  for (const s of machine.states) {
    const timeout = timeouts[s];
    const leaving = machine.transitions.filter((t) => t.from.includes(s) && t.to !== s);
    if (terminal.has(s)) {
      if (timeout) problems.push(`terminal state ${s} has a timeout`);
      continue;
    }
    if (timeout) {
      if (!(Number.isFinite(timeout.afterMs) && timeout.afterMs > 0)) {
        problems.push(`state ${s} has a timeout of ${timeout.afterMs} ms`);
      }
      const named =
        timeout.followUp === ESCALATE ||
        leaving.some((t) => t.action === timeout.followUp && t.roles.includes('system'));
      if (!named) {
        problems.push(
          `state ${s}: the timeout's follow-up "${timeout.followUp}" is not an action the platform may take from ${s} (nor "${ESCALATE}")`,
        );
      }
      continue;
    }
    const byPerson = leaving.some((t) => t.roles.some((r) => PEOPLE.has(r)));
    if (!byPerson) {
      problems.push(
        `state ${s} is a dead end: no timeout with a named follow-up, and no action a person may take to leave it`,
      );
    }
  }
  // Backwards from the terminal states: every state must lead to one.
  const ends = new Set<string>(terminal);
  let grew = true;
  while (grew) {
    grew = false;
    for (const t of machine.transitions) {
      if (ends.has(t.to)) {
        for (const f of t.from) {
          if (!ends.has(f)) {
            ends.add(f);
            grew = true;
          }
        }
      }
    }
  }
  for (const s of machine.states) {
    if (!ends.has(s)) problems.push(`state ${s} cannot reach a terminal state`);
  }
  return problems;
}
