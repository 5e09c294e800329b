import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  TradeInItemMachine,
  TradeInOrderMachine,
} from '../../src/acquisition/domain/trade-in.machines.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ESCALATE, type AnyMachine } from '../../src/core/state-machine/machine.js';
import { ErasureMachine } from '../../src/erasure/domain/erasure.machine.js';
import { CalibrationTaskMachine } from '../../src/grading/domain/calibration-task.machine.js';
import { InspectionMachine } from '../../src/grading/domain/inspection.machine.js';
import { ParcelMachine } from '../../src/grading/domain/parcel.machine.js';
import { PickupMachine } from '../../src/logistics/domain/pickup.machine.js';
import { RecyclingLotMachine } from '../../src/recycling/domain/recycling-lot.machine.js';
import { RefurbishmentMachine } from '../../src/refurbishment/domain/refurbishment.machine.js';
import { ListingMachine, SaleOrderMachine } from '../../src/resale/domain/resale.machines.js';
import { SupportCaseMachine } from '../../src/support/domain/support-case.machine.js';
import { PaperworkTaskMachine } from '../../src/vehicles/domain/paperwork.machine.js';

// The state-machines and stuck-work screens name every machine, state, action, role and
// timeout reason in the user's words: the catalogues must have them all (RELOOP_TEST_NO_DB=1).
const MACHINES: AnyMachine[] = [
  TradeInOrderMachine,
  TradeInItemMachine,
  ItemMachine,
  ErasureMachine,
  CalibrationTaskMachine,
  InspectionMachine,
  ParcelMachine,
  PickupMachine,
  RecyclingLotMachine,
  RefurbishmentMachine,
  ListingMachine,
  SaleOrderMachine,
  SupportCaseMachine,
  PaperworkTaskMachine,
];

type Tree = { [key: string]: string | Tree };
const read = (lang: string) =>
  JSON.parse(
    readFileSync(join(process.cwd(), 'console', 'src', 'i18n', `${lang}.json`), 'utf8'),
  ) as Tree;
const get = (tree: Tree, key: string) =>
  key.split('.').reduce<string | Tree | undefined>((o, k) => (o as Tree | undefined)?.[k], tree);
const has = (tree: Tree, key: string) => typeof get(tree, key) === 'string';

describe.each(['zh-CN', 'en'])('the %s catalogue names every state machine', (lang) => {
  const words = read(lang);
  const missing = (keys: string[]) => [...new Set(keys)].filter((k) => !has(words, k)).sort();

  it('machines, states, actions and roles', () => {
    expect(missing(MACHINES.map((m) => `support.entities.${m.name}`))).toEqual([]);
    expect(missing(MACHINES.flatMap((m) => m.states.map((s: string) => `states.${s}`)))).toEqual(
      [],
    );
    expect(
      missing(
        MACHINES.flatMap((m) =>
          m.transitions.map((t: { action: string }) => `actions.${t.action}`),
        ),
      ),
    ).toEqual([]);
    expect(
      missing(
        MACHINES.flatMap((m) =>
          m.transitions.flatMap((t: { roles: readonly string[] }) =>
            t.roles.map((r) => `roles.${r}`),
          ),
        ),
      ),
    ).toEqual([]);
  });

  it('every timeout: why it exists and what follows', () => {
    const timeouts = MACHINES.flatMap((m) =>
      Object.entries(m.timeouts ?? {}).map(([state, timeout]) => ({
        machine: m.name,
        state,
        timeout,
      })),
    );
    expect(missing(timeouts.map((t) => `machines.why.${t.machine}.${t.state}`))).toEqual([]);
    expect(
      missing(
        timeouts.map((t) =>
          t.timeout!.followUp === ESCALATE ? 'machines.escalate' : `actions.${t.timeout!.followUp}`,
        ),
      ),
    ).toEqual([]);
  });
});

it("the English reasons are the machines' own (change one, translate it again)", () => {
  const en = read('en');
  const differ = MACHINES.flatMap((m) =>
    Object.entries(m.timeouts ?? {})
      .filter(([state, timeout]) => get(en, `machines.why.${m.name}.${state}`) !== timeout!.why)
      .map(([state]) => `${m.name}.${state}`),
  );
  expect(differ).toEqual([]);
});
