// Moved from test/e2e/lifecycle.e2e.spec.ts (issue 20 point 5): these tests register rows through
// ItemsService, read state_entered_at and stuck_escalations from the database and run the
// stuck-work sweeper directly, so their subject is the services, not the HTTP surface. The HTTP
// reads they make (support cases, support's stuck-work queue) stay as they were.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { Clock } from '../../src/core/clock.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { StuckWorkService } from '../../src/core/sweeper/stuck-work.service.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

const DAY = 86_400_000;

/** Issue 19: no dead ends — when a row entered its state, and the sweeper for stuck work. */
describe('lifecycle: every state has a way forward', () => {
  let t: TestApp;
  let admin: TestUser;
  let support: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ TRADE_IN_OFFER_VALIDITY_DAYS: '3' });
    [admin, support] = await Promise.all([t.user('admin'), t.user('support')]);
  }, 60_000);
  afterAll(() => t?.close());

  /** The fake clock: the platform's Clock instance, moved forward by hand. */
  const realNow = Clock.prototype.now;
  const moveClock = (byMs: number) => {
    t.app.get(Clock).now = () => new Date(Date.now() + byMs);
  };
  afterEach(() => {
    if (t) t.app.get(Clock).now = realNow;
  });

  it('records when a row entered its state; a self-loop does not restart it', async () => {
    moveClock(-3 * DAY);
    const item = await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        ownerId: null,
        custodian: { kind: 'warehouse', id: null },
        erasureStatus: 'not_required',
        state: 'RECEIVED',
      }),
    );
    const [row] = await t.dataSource.query<Array<{ state_entered_at: Date }>>(
      'SELECT state_entered_at FROM items WHERE id = $1',
      [item.id],
    );
    expect(
      Math.abs(new Date(row.state_entered_at).getTime() - (Date.now() - 3 * DAY)),
    ).toBeLessThan(60_000);
    // A self-loop (a case reassigned while in progress) keeps the time it entered the state.
    t.app.get(Clock).now = realNow;
    const opened = await t.http
      .post('/api/v1/support/cases')
      .set(support.auth)
      .send({ kind: 'general', summary: 'Where is my parcel?' })
      .expect(201);
    const caseId = opened.body.id as string;
    await t.http
      .post(`/api/v1/support/cases/${caseId}/assign`)
      .set(support.auth)
      .send({ assigneeId: support.id })
      .expect(200);
    const entered = async () =>
      (
        await t.dataSource.query<Array<{ state_entered_at: Date; state: string }>>(
          'SELECT state, state_entered_at FROM support_cases WHERE id = $1',
          [caseId],
        )
      )[0];
    const first = await entered();
    expect(first.state).toBe('IN_PROGRESS');
    moveClock(DAY);
    await t.http
      .post(`/api/v1/support/cases/${caseId}/assign`)
      .set(support.auth)
      .send({ assigneeId: admin.id })
      .expect(200);
    expect(await entered()).toEqual(first);
  });

  it('applies the named follow-up to a row left past its limit (fake clock)', async () => {
    const opened = await t.http
      .post('/api/v1/support/cases')
      .set(support.auth)
      .send({ kind: 'general', summary: 'Owner asks about a late payout' })
      .expect(201);
    const caseId = opened.body.id as string;
    await t.http
      .post(`/api/v1/support/cases/${caseId}/resolve`)
      .set(support.auth)
      .send({ resolution: 'Paid out today' })
      .expect(200);
    const sweeper = t.app.get(StuckWorkService);
    // Thirteen days on: within RESOLVED's limit (14 days), nothing happens to it.
    moveClock(13 * DAY);
    await sweeper.sweep();
    let now = await t.http.get(`/api/v1/support/cases/${caseId}`).set(support.auth).expect(200);
    expect(now.body.state).toBe('RESOLVED');
    // Fifteen days on: past the limit, its follow-up `close` is applied.
    moveClock(15 * DAY);
    const report = await sweeper.sweep();
    expect(report.followedUp).toBeGreaterThanOrEqual(1);
    now = await t.http.get(`/api/v1/support/cases/${caseId}`).set(support.auth).expect(200);
    expect(now.body.state).toBe('CLOSED');
  });

  it('escalates a row past its limit to one support case naming the item, the state and how long', async () => {
    const item = await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        ownerId: null,
        custodian: { kind: 'warehouse', id: null },
        erasureStatus: 'not_required',
        state: 'RECEIVED',
      }),
    );
    const sweeper = t.app.get(StuckWorkService);
    moveClock(15 * DAY); // RECEIVED's limit is 14 days
    await sweeper.sweep();
    await sweeper.sweep(); // a second sweep opens nothing more
    const cases = await eventually(async () => {
      const res = await t.http
        .get(`/api/v1/support/cases?kind=stuck-work&itemId=${item.id}`)
        .set(support.auth)
        .expect(200);
      return res.body.items.length > 0 ? (res.body.items as Array<Record<string, unknown>>) : null;
    }, 20_000);
    expect(cases).toHaveLength(1);
    expect(cases[0].summary).toBe(
      `Item ${item.id} (${item.traceCode}) has been RECEIVED for 15 days (limit 14 days)`,
    );
    const escalations = await t.dataSource.query(
      'SELECT * FROM stuck_escalations WHERE entity_id = $1',
      [item.id],
    );
    expect(escalations).toHaveLength(1);

    // Support's queue: stuck for more than its limit, with the case it opened.
    const queue = await t.http
      .get('/api/v1/support/stuck-work?machine=Item&state=RECEIVED&limit=200')
      .set(support.auth)
      .expect(200);
    const entry = (queue.body.items as Array<Record<string, unknown>>).find(
      (r) => r.id === item.id,
    );
    expect(entry).toMatchObject({
      machine: 'Item',
      state: 'RECEIVED',
      stuckFor: '15 days',
      limit: '14 days',
      followUp: 'escalate',
      items: [{ id: item.id, traceCode: item.traceCode }],
      escalation: { caseId: cases[0].id, caseState: 'OPEN' },
    });
    // "Stuck for more than two days past the limit": not this one (one day past).
    const longer = await t.http
      .get('/api/v1/support/stuck-work?machine=Item&overMinutes=2880&limit=200')
      .set(support.auth)
      .expect(200);
    expect((longer.body.items as Array<{ id: string }>).map((r) => r.id)).not.toContain(item.id);
    await t.http.get('/api/v1/support/stuck-work?machine=Nope').set(support.auth).expect(400);
    const customer = await t.user('customer');
    await t.http.get('/api/v1/support/stuck-work').set(customer.auth).expect(403);

    // Moved on (made available): it leaves the queue.
    t.app.get(Clock).now = realNow;
    await t.app.get(TransitionService).apply(ItemMachine, {
      id: item.id,
      action: 'make-available',
      actor: SYSTEM_ACTOR,
    });
    moveClock(15 * DAY);
    const after = await t.http
      .get('/api/v1/support/stuck-work?machine=Item&state=RECEIVED&limit=200')
      .set(support.auth)
      .expect(200);
    expect((after.body.items as Array<{ id: string }>).map((r) => r.id)).not.toContain(item.id);
  });
});
