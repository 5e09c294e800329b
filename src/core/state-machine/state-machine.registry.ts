import { Injectable } from '@nestjs/common';
import { type AnyMachine, validateMachine } from './machine.js';

/**
 * Every state machine of the platform, registered by its module at start-up. A broken table
 * stops the boot: better no server than one that can put an item in a state nobody can leave.
 */
@Injectable()
export class StateMachineRegistry {
  private readonly machines = new Map<string, AnyMachine>();

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

  get(name: string): AnyMachine | undefined {
    return this.machines.get(name);
  }

  all(): AnyMachine[] {
    return [...this.machines.values()];
  }
}
