import { Injectable } from '@nestjs/common';
import { type AnyMachine, ESCALATE, type StateTimeout, validateMachine } from './machine.js';

/** Runs a timeout's named follow-up on one row (the module's own idempotent handler). */
export type FollowUpHandler = (id: string, now: Date) => Promise<void>;

/** One machine as data (GET /api/v1/state-machines). */
export interface MachineDescription {
  name: string;
  states: Array<{
    name: string;
    initial: boolean;
    terminal: boolean;
    timeout: (StateTimeout & { after: string }) | null;
  }>;
  initial: string[];
  terminal: string[];
  transitions: Array<{
    action: string;
    from: string[];
    to: string;
    roles: string[];
    guarded: boolean;
  }>;
}

/**
 * Every state machine of the platform, registered by its module at start-up. A broken table —
 * or one with a dead end (issue 19: a state with neither a timeout nor a person's action, or
 * one that cannot reach a terminal state) — stops the boot: better no server than one that can
 * put an item in a state nobody can leave.
 */
@Injectable()
export class StateMachineRegistry {
  private readonly machines = new Map<string, AnyMachine>();
  /** Limits that come from settings, replacing the declared ones (machine → state → ms). */
  private readonly limits = new Map<string, Map<string, number>>();
  private readonly followUps = new Map<string, FollowUpHandler>();

  register(...machines: AnyMachine[]): void {
    for (const machine of machines) {
      const problems = validateMachine(machine);
      if (problems.length > 0) {
        throw new Error(`Invalid state machine: ${problems.join('; ')}`);
      }
      const existing = this.machines.get(machine.name);
      if (existing && existing !== machine) {
        throw new Error(`Two state machines are named ${machine.name}`);
      }
      this.machines.set(machine.name, machine);
    }
  }

  /** A limit that a setting decides (e.g. the offer's validity): replaces the declared one. */
  setLimit(machine: AnyMachine, state: string, afterMs: number): void {
    if (!machine.timeouts?.[state]) {
      throw new Error(`${machine.name}: state ${state} has no timeout to set`);
    }
    if (!(Number.isFinite(afterMs) && afterMs > 0)) {
      throw new Error(`${machine.name}: a limit of ${afterMs} ms for ${state}`);
    }
    const map = this.limits.get(machine.name) ?? new Map<string, number>();
    map.set(state, afterMs);
    this.limits.set(machine.name, map);
  }

  /**
   * The module's own handler for a timeout's follow-up action (it knows the effects: a return
   * shipment, a refund…). Without one, the sweeper applies the action as a bare transition.
   */
  onFollowUp(machine: AnyMachine, action: string, handler: FollowUpHandler): void {
    if (action === ESCALATE || !machine.transitions.some((t) => t.action === action)) {
      throw new Error(`${machine.name} has no action ${action} to follow up with`);
    }
    this.followUps.set(`${machine.name}:${action}`, handler);
  }

  followUpHandler(machine: AnyMachine, action: string): FollowUpHandler | undefined {
    return this.followUps.get(`${machine.name}:${action}`);
  }

  /** The state's timeout with its effective limit, or undefined. */
  timeoutOf(machine: AnyMachine, state: string): StateTimeout | undefined {
    const declared = machine.timeouts?.[state];
    if (!declared) return undefined;
    const afterMs = this.limits.get(machine.name)?.get(state) ?? declared.afterMs;
    return { ...declared, afterMs };
  }

  get(name: string): AnyMachine | undefined {
    return this.machines.get(name);
  }

  all(): AnyMachine[] {
    return [...this.machines.values()];
  }

  describe(): MachineDescription[] {
    return this.all()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((m) => ({
        name: m.name,
        states: m.states.map((s: string) => {
          const timeout = this.timeoutOf(m, s);
          return {
            name: s,
            initial: m.initial.includes(s),
            terminal: m.terminal.includes(s),
            timeout: timeout ? { ...timeout, after: humanDuration(timeout.afterMs) } : null,
          };
        }),
        initial: [...m.initial],
        terminal: [...m.terminal],
        transitions: m.transitions.map((t) => ({
          action: t.action,
          from: [...t.from],
          to: t.to,
          roles: [...t.roles],
          guarded: t.guard !== undefined,
        })),
      }));
  }
}

/** 7 days, 36 hours, 20 minutes: how people say a limit. */
export function humanDuration(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  for (const [size, name] of units) {
    if (ms >= size) return `${(ms / size).toFixed(1)} ${name}s`;
  }
  return `${ms} ms`;
}
