import { describe, expect, it } from '@jest/globals';
import { TradeInItemMachine, TradeInOrderMachine } from './acquisition/domain/trade-in.machines.js';
import { ErasureMachine } from './erasure/domain/erasure.machine.js';
import { CalibrationTaskMachine } from './grading/domain/calibration-task.machine.js';
import { InspectionMachine } from './grading/domain/inspection.machine.js';
import { ParcelMachine } from './grading/domain/parcel.machine.js';
import { PickupMachine } from './logistics/domain/pickup.machine.js';
import { RecyclingLotMachine } from './recycling/domain/recycling-lot.machine.js';
import { RefurbishmentMachine } from './refurbishment/domain/refurbishment.machine.js';
import { ListingMachine, SaleOrderMachine } from './resale/domain/resale.machines.js';
import { SupportCaseMachine } from './support/domain/support-case.machine.js';
import { PaperworkTaskMachine } from './vehicles/domain/paperwork.machine.js';
import { ItemMachine } from './core/items/item.machine.js';
import {
  allowedActions,
  type AnyMachine,
  days,
  ESCALATE,
  selfLoops,
  validateMachine,
} from './core/state-machine/machine.js';
import { StateMachineRegistry } from './core/state-machine/state-machine.registry.js';

const REAL: AnyMachine[] = [
  ItemMachine,
  TradeInOrderMachine,
  TradeInItemMachine,
  PickupMachine,
  ErasureMachine,
  ParcelMachine,
  InspectionMachine,
  CalibrationTaskMachine,
  RefurbishmentMachine,
  RecyclingLotMachine,
  ListingMachine,
  SaleOrderMachine,
  SupportCaseMachine,
  PaperworkTaskMachine,
];

/** A small machine to break: WAITING is left only by the platform. */
const parcel = (patch: Partial<AnyMachine> = {}): AnyMachine => ({
  name: 'Box',
  entity: class {},
  states: ['NEW', 'WAITING', 'DONE'],
  initial: ['NEW'],
  terminal: ['DONE'],
  transitions: [
    { action: 'send', from: ['NEW'], to: 'WAITING', roles: ['courier'] },
    { action: 'arrive', from: ['WAITING'], to: 'DONE', roles: ['system'] },
  ],
  timeouts: { WAITING: { afterMs: days(2), followUp: ESCALATE, why: 'test' } },
  canAccess: () => true,
  itemIds: () => [],
  ...patch,
});

describe('liveness of the state machines (no dead ends)', () => {
  it('passes every machine of the platform', () => {
    for (const machine of REAL) expect(validateMachine(machine)).toEqual([]);
    expect(new Set(REAL.map((m) => m.name)).size).toBe(REAL.length);
  });

  it('accepts a machine whose platform-only state has a timeout', () => {
    expect(validateMachine(parcel())).toEqual([]);
  });

  it('refuses a state left only by the platform with no timeout, naming the state', () => {
    const problems = validateMachine(parcel({ timeouts: {} }));
    expect(problems).toEqual([
      'Box: state WAITING is a dead end: no timeout with a named follow-up, and no action a person may take to leave it',
    ]);
  });

  it('refuses a timeout whose follow-up the platform cannot take from that state', () => {
    const problems = validateMachine(
      parcel({ timeouts: { WAITING: { afterMs: days(1), followUp: 'send', why: 'test' } } }),
    );
    expect(problems.join()).toContain('state WAITING: the timeout\'s follow-up "send"');
  });

  it('refuses a state from which no terminal state can be reached', () => {
    const problems = validateMachine(
      parcel({
        states: ['NEW', 'WAITING', 'LOOP', 'DONE'],
        transitions: [
          { action: 'send', from: ['NEW'], to: 'WAITING', roles: ['courier'] },
          { action: 'arrive', from: ['WAITING'], to: 'DONE', roles: ['system'] },
          { action: 'detour', from: ['NEW'], to: 'LOOP', roles: ['courier'] },
          { action: 'spin', from: ['LOOP'], to: 'LOOP', roles: ['courier'] },
        ],
      }),
    );
    expect(problems).toContain('Box: state LOOP cannot reach a terminal state');
    // A self-loop is no way out either.
    expect(problems.join()).toContain('state LOOP is a dead end');
  });

  it('takes flags as self-loops: one row per state, no way out, allowed on every listed state', () => {
    const flagged = parcel({
      transitions: [
        ...parcel().transitions,
        ...selfLoops('flag', ['NEW', 'WAITING'], ['system']),
        ...selfLoops('unflag', ['NEW', 'WAITING', 'DONE'], ['admin']),
      ],
    });
    expect(validateMachine(flagged)).toEqual([]);
    expect(selfLoops('flag', ['NEW', 'WAITING'], ['system'])).toEqual([
      { action: 'flag', from: ['NEW'], to: 'NEW', roles: ['system'], guard: undefined },
      { action: 'flag', from: ['WAITING'], to: 'WAITING', roles: ['system'], guard: undefined },
    ]);
    const admin = { role: 'admin', userId: null, organisationId: null } as const;
    expect(allowedActions(flagged, { id: 'x', state: 'DONE', version: 1 }, admin)).toEqual([
      'unflag',
    ]);
    // Still a dead end when the only other action is a self-loop.
    const stuck = parcel({
      timeouts: {},
      transitions: [
        { action: 'send', from: ['NEW'], to: 'WAITING', roles: ['courier'] },
        { action: 'arrive', from: ['WAITING'], to: 'DONE', roles: ['system'] },
        ...selfLoops('flag', ['WAITING'], ['warehouse']),
      ],
    });
    expect(validateMachine(stuck).join()).toContain('state WAITING is a dead end');
  });

  it('refuses a terminal state that does not exist, and a machine with none', () => {
    expect(validateMachine(parcel({ terminal: ['GONE'] })).join()).toContain(
      'unknown terminal state GONE',
    );
    expect(validateMachine(parcel({ terminal: [] })).join()).toContain('no terminal state');
  });

  it('refuses to boot with a dead-end machine: the registry throws naming the state', () => {
    const registry = new StateMachineRegistry();
    expect(() => registry.register(parcel({ timeouts: {} }))).toThrow(
      /Invalid state machine: Box: state WAITING is a dead end/,
    );
    registry.register(...REAL);
    expect(registry.all()).toHaveLength(REAL.length);
  });
});
