import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ForbiddenException } from '@nestjs/common';
import fc from 'fast-check';
import { type Actor, type ActorRole, USER_ROLES } from '../../src/core/actor.js';
import { NotFound, TransitionConflict } from '../../src/core/errors.js';
import type { AnyMachine } from '../../src/core/state-machine/machine.js';
import { StateMachineRegistry } from '../../src/core/state-machine/state-machine.registry.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { recordFigures } from '../faults/support/report.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { RowMaker } from './support/row-maker.js';

const ROLES: readonly ActorRole[] = [...USER_ROLES, 'system'];
const RUNS_PER_MACHINE = 40;

interface Attempt {
  action: string;
  role: ActorRole;
  /** The version the actor last saw: the current one, or an older one (a stale screen). */
  stale: boolean;
  delayMs: number;
}

type Outcome = 'won' | 'forbidden' | 'conflict' | 'not-found' | 'other';

describe('races: random interleavings of actors on every state machine', () => {
  let t: TestApp;
  let machines: AnyMachine[];
  const totals = { rounds: 0, attempts: 0, wins: 0, divergences: 0, conflictingRounds: 0 };
  const perMachine: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp();
    machines = t.app.get(StateMachineRegistry).all();
  }, 60_000);
  afterAll(async () => {
    recordFigures('races', 'state machines', {
      machines: machines.map((m) => m.name).join(', '),
      ...Object.fromEntries(Object.entries(perMachine).map(([k, v]) => [`rounds ${k}`, v])),
      ...totals,
    });
    await t.close();
  });

  it('covers at least the core machines', () => {
    const names = machines.map((m) => m.name);
    for (const n of ['Item', 'TradeInOrder', 'Pickup']) expect(names).toContain(n);
  });

  it('keeps the database equal to the model, with exactly one winner per conflict', async () => {
    const transitions = t.app.get(TransitionService);
    const rows = new RowMaker(t.dataSource);
    const divergences: string[] = [];
    const unexpected: string[] = [];
    for (const machine of machines) {
      const table = t.dataSource.getMetadata(machine.entity).tableName;
      const make = (state: string) => rows.make(table, { state, version: 1 });
      // Mostly a role the action allows (so there is something to race for), sometimes any.
      const attempt = fc
        .record({
          row: fc.constantFrom(...machine.transitions),
          anyRole: fc.constantFrom(...ROLES),
          pick: fc.integer({ min: 0, max: 9 }),
          stale: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
          delayMs: fc.integer({ min: 0, max: 3 }),
        })
        .map(({ row, anyRole, pick, stale, delayMs }) => ({
          action: pick === 0 ? 'no-such-action' : row.action,
          role: pick < 8 ? row.roles[pick % row.roles.length] : anyRole,
          stale,
          delayMs,
        }));
      const scenario = fc.record({
        start: fc.constantFrom(...machine.states),
        rounds: fc.array(fc.array(attempt, { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 8,
        }),
      });

      await fc
        .assert(
          fc.asyncProperty(scenario, async ({ start, rounds }) => {
            const id = await make(start);
            const model = { state: start, version: 1 };
            for (const round of rounds) {
              const results = await Promise.all(
                round.map(async (a: Attempt): Promise<Outcome> => {
                  await new Promise((r) => setTimeout(r, a.delayMs));
                  const actor: Actor = {
                    role: a.role,
                    userId: a.role === 'system' ? null : randomUUID(),
                    organisationId: null,
                  };
                  try {
                    await transitions.apply(machine, {
                      id,
                      action: a.action,
                      actor,
                      expectedVersion: a.stale ? model.version - 1 : model.version,
                      checkAccess: false,
                    });
                    return 'won';
                  } catch (err) {
                    if (err instanceof ForbiddenException) return 'forbidden';
                    if (err instanceof TransitionConflict) return 'conflict';
                    if (err instanceof NotFound) return 'not-found';
                    unexpected.push(`${machine.name} ${a.action}: ${(err as Error).message}`);
                    return 'other';
                  }
                }),
              );
              // The model: which attempts could win from (state, version)?
              const eligible = round.map((a) => {
                const tr = machine.transitions.find(
                  (x) =>
                    x.action === a.action &&
                    x.from.includes(model.state) &&
                    x.roles.includes(a.role),
                );
                return !a.stale && tr ? tr : null;
              });
              const winners = results.flatMap((r, i) => (r === 'won' ? [i] : []));
              const problems: string[] = [];
              round.forEach((a, i) => {
                const permitted = machine.transitions.some(
                  (x) => x.action === a.action && x.roles.includes(a.role),
                );
                if (!permitted && results[i] !== 'forbidden')
                  problems.push(`${a.role} ${a.action} not 403`);
                if (permitted && !eligible[i] && results[i] !== 'conflict')
                  problems.push(
                    `${a.role} ${a.action} from ${model.state} answered ${results[i]}, not 409`,
                  );
                if (eligible[i] && results[i] !== 'won' && results[i] !== 'conflict')
                  problems.push(`${a.role} ${a.action} answered ${results[i]}`);
              });
              if (winners.length > 1) problems.push(`${winners.length} winners`);
              const unguarded = eligible.some((tr) => tr && !tr.guard);
              if (unguarded && winners.length !== 1)
                problems.push('an allowed action, yet no winner');
              if (eligible.filter(Boolean).length > 1) totals.conflictingRounds++;
              if (winners.length === 1) {
                model.state = eligible[winners[0]]!.to;
                model.version++;
              }
              const [row] = await t.dataSource.query<Array<{ state: string; version: number }>>(
                `SELECT state, version FROM "${table}" WHERE id = $1`,
                [id],
              );
              if (row.state !== model.state || row.version !== model.version)
                problems.push(
                  `database ${row.state}/v${row.version}, model ${model.state}/v${model.version}`,
                );
              totals.rounds++;
              perMachine[machine.name] = (perMachine[machine.name] ?? 0) + 1;
              totals.attempts += round.length;
              totals.wins += winners.length;
              if (problems.length) {
                totals.divergences++;
                divergences.push(
                  `${machine.name}: ${problems.join('; ')} ${unexpected.at(-1) ?? ''}`,
                );
                return false;
              }
            }
            return true;
          }),
          { numRuns: RUNS_PER_MACHINE, endOnFailure: true },
        )
        .catch((err: Error) => {
          const cause = (err as Error & { cause?: unknown }).cause;
          throw new Error(
            `${machine.name}: ${err.message}\n${String(cause)}\n${divergences.slice(-3).join('\n')}`,
          );
        });
    }
    expect(divergences).toEqual([]);
    // Not vacuous: many rounds had several actors entitled to act on one object at once.
    expect(totals.conflictingRounds).toBeGreaterThan(20);
    expect(totals.rounds).toBeGreaterThan(1000);
  }, 240_000);
});
