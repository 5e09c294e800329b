import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

interface MachineBody {
  name: string;
  initial: string[];
  terminal: string[];
  states: Array<{
    name: string;
    initial: boolean;
    terminal: boolean;
    timeout: { afterMs: number; after: string; followUp: string; why: string } | null;
  }>;
  transitions: Array<{ action: string; from: string[]; to: string; roles: string[] }>;
}

/**
 * Issue 19: no dead ends — the machines as data. The tests of when a row entered its state and of
 * the stuck-work sweeper drive services directly and live in test/integration/lifecycle.spec.ts.
 */
describe('lifecycle: every state has a way forward', () => {
  let t: TestApp;
  let admin: TestUser;
  let support: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ TRADE_IN_OFFER_VALIDITY_DAYS: '3' });
    [admin, support] = await Promise.all([t.user('admin'), t.user('support')]);
  }, 60_000);
  afterAll(() => t?.close());

  it('answers every machine as data to admins, and 403 to everyone else', async () => {
    const res = await t.http.get('/api/v1/state-machines').set(admin.auth).expect(200);
    const machines = res.body.items as MachineBody[];
    expect(machines.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        'Item',
        'TradeInOrder',
        'TradeInItem',
        'Pickup',
        'Erasure',
        'Parcel',
        'Inspection',
        'CalibrationTask',
        'RefurbishmentOrder',
        'RecyclingLot',
        'Listing',
        'SaleOrder',
        'SupportCase',
        'VehiclePaperworkTask',
      ]),
    );
    const offer = machines.find((m) => m.name === 'TradeInItem')!;
    expect(offer.initial).toEqual(['AWAITING_INSPECTION']);
    expect(offer.terminal).toEqual(['ACCEPTED', 'RETURNED', 'CANCELLED']);
    const pending = offer.states.find((s) => s.name === 'OFFER_PENDING')!;
    // The limit follows the setting (3 days here), with its named follow-up.
    expect(pending.timeout).toMatchObject({
      afterMs: 3 * 86_400_000,
      after: '3 days',
      followUp: 'expire-offer',
    });
    expect(offer.transitions).toContainEqual({
      action: 'reject-offer',
      from: ['OFFER_PENDING'],
      to: 'RETURNING',
      roles: ['customer', 'admin'],
      guarded: true,
    });
    // Every state that is not terminal has a timeout or an action a person may take.
    for (const m of machines) {
      for (const s of m.states.filter((x) => !x.terminal)) {
        const byPerson = m.transitions.some(
          (tr) =>
            tr.from.includes(s.name) && tr.to !== s.name && tr.roles.some((r) => r !== 'system'),
        );
        expect({ machine: m.name, state: s.name, live: byPerson || s.timeout !== null }).toEqual({
          machine: m.name,
          state: s.name,
          live: true,
        });
      }
    }
    await t.http.get('/api/v1/state-machines').set(support.auth).expect(403);
    const customer = await t.user('customer');
    await t.http.get('/api/v1/state-machines').set(customer.auth).expect(403);
    await t.http.get('/api/v1/state-machines').expect(401);
  });
});
