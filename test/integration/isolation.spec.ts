import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { NotifyOwner } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { QueueService } from '../../src/core/jobs/queue.service.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

// Two instances with the same queue prefix but different databases and Redis logical databases.
describe('two instances side by side', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    [a, b] = await Promise.all([
      createTestApp({ REDIS_URL: 'redis://127.0.0.1:6379/2', QUEUE_PREFIX: 'isolation' }),
      createTestApp({ REDIS_URL: 'redis://127.0.0.1:6379/3', QUEUE_PREFIX: 'isolation' }),
    ]);
  });
  afterAll(() => Promise.all([a.close(), b.close()]));

  it('do not see each other’s data or jobs', async () => {
    const owner = await a.user('customer');
    await b.http
      .get(`/api/v1/users/${owner.id}`)
      .set((await b.user('admin')).auth)
      .expect(404);

    const item = await a.dataSource.transaction((m) =>
      a.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        ownerId: owner.id,
        custodian: { kind: 'warehouse', id: null },
        erasureStatus: 'not_required',
        state: 'RECEIVED',
      }),
    );
    await a.app.get(TransitionService).apply(ItemMachine, {
      id: item.id,
      action: 'scrap',
      actor: SYSTEM_ACTOR,
      jobs: [job(NotifyOwner, { userId: owner.id, template: 'isolated', params: {} })],
    });
    await eventually(
      async () =>
        (await a.dataSource.query(`SELECT 1 FROM owner_notifications WHERE template = 'isolated'`))
          .length === 1,
    );
    const [outboxRow] = await a.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM outbox WHERE payload->>'template' = 'isolated'`,
    );
    expect(
      await b.app.get(QueueService).queue('notifications').getJob(outboxRow.id),
    ).toBeUndefined();
    expect(await b.dataSource.query(`SELECT 1 FROM items WHERE id = $1`, [item.id])).toEqual([]);
    expect(
      await b.dataSource.query(`SELECT 1 FROM owner_notifications WHERE template = 'isolated'`),
    ).toEqual([]);
  });
});
