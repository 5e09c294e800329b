// The item history partitioned by month (issue 27 point 6): the daily job makes the months
// ahead, and a history spread over two months' partitions still verifies as one chain.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Actor, SYSTEM_ACTOR } from '../../src/core/actor.js';
import { Clock } from '../../src/core/clock.js';
import {
  HISTORY_MONTHS_AHEAD,
  HISTORY_PARTITIONS_CRON,
  HISTORY_PARTITIONS_SCHEDULER_ID,
  HistoryPartitions,
  historyPartitionName,
} from '../../src/core/history/history-partitions.js';
import {
  type HistorySpan,
  HistoryService,
  spanOf,
  withinSpan,
} from '../../src/core/history/history.service.js';
import type { Item } from '../../src/core/items/item.entity.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { AddHistoryPartitions } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { QueueService } from '../../src/core/jobs/queue.service.js';
import { OutboxService } from '../../src/core/outbox/outbox.service.js';
import { migrate, revertMigrationsThrough } from '../../src/database/database.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

const DAY = 86_400_000;

/** The first day of the month `ahead` months after `from`'s (UTC). */
const monthAfter = (from: Date, ahead: number) =>
  new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + ahead, 1));

describe('item history partitioned by month', () => {
  let t: TestApp;
  let clock: Clock;
  let owner: TestUser;
  const realNow = () => new Date();

  const as = (u: TestUser): Actor => ({ role: u.role, userId: u.id, organisationId: null });

  const partitionOf = async (name: string) => {
    const [row] = await t.dataSource.query<Array<{ bound: string | null }>>(
      `SELECT pg_get_expr(c.relpartbound, c.oid) AS bound
         FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
        WHERE c.relname = $1 AND i.inhparent = 'item_events'::regclass`,
      [name],
    );
    return row?.bound ?? null;
  };

  const register = (): Promise<Item> =>
    t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, as(owner), {
        ownerId: owner.id,
        custodian: { kind: 'owner', id: owner.id },
        erasureStatus: 'not_required',
      }),
    );

  const append = (item: Item, type: string) =>
    t.dataSource.transaction((m) =>
      t.app.get(HistoryService).append(m, [item.id], {
        type,
        entity: 'Inspection',
        entityId: randomUUID(),
        toState: 'COMPLETED',
        actor: SYSTEM_ACTOR,
        data: { grade: 'good' },
      }),
    );

  /**
   * A new item with one entry this month and `later` in the next (its partition was made
   * ahead), appended at a time two days into that month.
   */
  const acrossTwoMonths = async (...later: string[]) => {
    const item = await register();
    await append(item, 'Inspection.complete');
    const nextMonth = new Date(monthAfter(new Date(), 1).getTime() + 2 * DAY);
    clock.now = () => nextMonth;
    try {
      for (const type of later) await append(item, type);
    } finally {
      clock.now = realNow;
    }
    return { item, nextMonth };
  };

  /** Which partition holds each of the item's entries, in seq order. */
  const partitionsOf = async (item: Item) =>
    (
      await t.dataSource.query<Array<{ p: string }>>(
        'SELECT tableoid::regclass::text AS p FROM item_events WHERE item_id = $1 ORDER BY seq',
        [item.id],
      )
    ).map((r) => r.p);

  beforeAll(async () => {
    t = await createTestApp();
    clock = t.app.get(Clock);
    owner = await t.user('customer');
  });
  afterAll(async () => {
    if (t) clock.now = realNow;
    await t?.close();
  });

  it('the migration made this month and the months ahead; the history stays append-only', async () => {
    for (let ahead = 0; ahead <= HISTORY_MONTHS_AHEAD; ahead++) {
      const name = historyPartitionName(monthAfter(new Date(), ahead));
      expect({ name, bound: await partitionOf(name) }).toEqual({
        name,
        bound: expect.stringMatching(/^FOR VALUES FROM \('.+'\) TO \('.+'\)$/),
      });
    }
    expect(await partitionOf('item_events_default')).toBe('DEFAULT');
    // Still append-only, through the parent and on a partition itself.
    const item = await register();
    await expect(
      t.dataSource.query("UPDATE item_events SET type = 'x' WHERE item_id = $1", [item.id]),
    ).rejects.toThrow(/append-only/);
    const [partition] = await partitionsOf(item);
    await expect(
      t.dataSource.query(`DELETE FROM ${partition} WHERE item_id = $1`, [item.id]),
    ).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('TRUNCATE item_events')).rejects.toThrow(/append-only/);
  });

  it('the add-history-partitions job makes the partition of a month ahead', async () => {
    // Half a year on, the months ahead of then do not exist yet.
    const later = new Date(Date.now() + 183 * DAY);
    const target = historyPartitionName(monthAfter(later, HISTORY_MONTHS_AHEAD));
    expect(await partitionOf(target)).toBeNull();
    clock.now = () => later;
    try {
      await t.dataSource.transaction((m) =>
        t.app.get(OutboxService).write(m, [job(AddHistoryPartitions, { trigger: 'test' })]),
      );
      await eventually(async () => (await partitionOf(target)) !== null);
    } finally {
      clock.now = realNow;
    }
    const first = monthAfter(later, HISTORY_MONTHS_AHEAD);
    expect(await partitionOf(target)).toBe(
      `FOR VALUES FROM ('${first.toISOString().slice(0, 10)} 00:00:00+00') TO ('${monthAfter(first, 1).toISOString().slice(0, 10)} 00:00:00+00')`,
    );
    // Each month keeps (item_id, seq) unique.
    const [index] = await t.dataSource.query<Array<{ def: string }>>(
      'SELECT indexdef AS def FROM pg_indexes WHERE tablename = $1 AND indexname = $2',
      [target, `${target}_item_seq`],
    );
    expect(index.def).toMatch(/CREATE UNIQUE INDEX .* \(item_id, seq\)/);
    // Run again: nothing more to make.
    clock.now = () => later;
    try {
      expect(await t.app.get(HistoryPartitions).addAhead()).toEqual([]);
    } finally {
      clock.now = realNow;
    }

    // The workers schedule it daily.
    await t.app.get(HistoryPartitions).schedule();
    const queue = t.app.get(QueueService).queue(AddHistoryPartitions.queue);
    const scheduler = (await queue.getJobSchedulers()).find(
      (s) => s.key === HISTORY_PARTITIONS_SCHEDULER_ID,
    );
    expect(scheduler).toMatchObject({
      pattern: HISTORY_PARTITIONS_CRON,
      name: AddHistoryPartitions.name,
    });
    await queue.removeJobScheduler(HISTORY_PARTITIONS_SCHEDULER_ID);
  });

  it('an item whose history spans two months’ partitions verifies intact', async () => {
    const { item, nextMonth } = await acrossTwoMonths(
      'Inspection.supersede',
      'Inspection.complete',
    );
    const thisPartition = historyPartitionName(new Date());
    const nextPartition = historyPartitionName(nextMonth);
    expect(await partitionsOf(item)).toEqual([
      thisPartition,
      thisPartition,
      nextPartition,
      nextPartition,
    ]);

    expect(await t.app.get(HistoryService).verify(item.id)).toMatchObject({
      intact: true,
      events: 4,
      firstBrokenSeq: null,
    });
    const verified = await t.http.get(`/api/v1/trace/${item.traceCode}/verify`).expect(200);
    expect(verified.body).toMatchObject({ intact: true, events: 4 });
    const passport = await t.http.get(`/api/v1/trace/${item.traceCode}`).expect(200);
    expect(passport.body.journey).toHaveLength(4);
    expect(passport.body.history).toMatchObject({ intact: true, events: 4 });
  });

  it('a row no month takes lands in the default partition, and its month then refuses to be made silently', async () => {
    const item = await register();
    // Far beyond the months made ahead (a job that stopped for years).
    const farAhead = new Date(Date.now() + 3 * 365 * DAY);
    clock.now = () => farAhead;
    try {
      await append(item, 'Inspection.complete');
      const parts = await partitionsOf(item);
      expect(parts[parts.length - 1]).toBe('item_events_default');
      await expect(t.app.get(HistoryPartitions).addAhead()).rejects.toThrow(
        /history rows of \d{4}-\d{2} are in item_events_default/,
      );
    } finally {
      clock.now = realNow;
    }
    expect(await t.app.get(HistoryService).verify(item.id)).toMatchObject({ intact: true });
  });

  it('reads of an item’s history touch only the months it spans (a timeline does not probe every month)', async () => {
    const { item, nextMonth } = await acrossTwoMonths('Inspection.supersede');
    const spanRow = async () =>
      (
        await t.dataSource.query<Array<HistorySpan & { first: Date; last: Date }>>(
          `SELECT i.history_first_at, i.history_last_at, min(e.at) AS first, max(e.at) AS last
             FROM items i JOIN item_events e ON e.item_id = i.id
            WHERE i.id = $1 GROUP BY i.id`,
          [item.id],
        )
      )[0];
    const span = await spanRow();
    expect(span.history_first_at).toEqual(span.first);
    expect(span.history_last_at).toEqual(span.last);

    /** The history partitions a read of the item's entries within `bounds` plans to scan. */
    const scanned = async (bounds: [Date | null, Date | null]) => {
      const [plan] = await t.dataSource.query<Array<{ 'QUERY PLAN': unknown }>>(
        `EXPLAIN (FORMAT JSON) SELECT e.seq FROM item_events e
          WHERE e.item_id = $1 AND ${withinSpan('e', '$2', '$3')}`,
        [item.id, ...bounds],
      );
      const names = new Set<string>();
      const walk = (node: unknown): void => {
        if (!node || typeof node !== 'object') return;
        const n = node as Record<string, unknown>;
        if (typeof n['Relation Name'] === 'string') names.add(n['Relation Name']);
        Object.values(n).forEach((v) => (Array.isArray(v) ? v.forEach(walk) : walk(v)));
      };
      walk(plan['QUERY PLAN']);
      return [...names].sort();
    };
    expect(await scanned(spanOf([span]))).toEqual(
      [historyPartitionName(new Date()), historyPartitionName(nextMonth)].sort(),
    );
    // Not known (an item from before the span was kept): every month, the default too.
    expect((await scanned([null, null])).length).toBeGreaterThan(3);

    const support = await t.user('support');
    const timeline = await t.http
      .get(`/api/v1/items/${item.id}/timeline`)
      .set(support.auth)
      .expect(200);
    // Its registration, then the two entries of this month and the next.
    expect(timeline.body.events.map((e: { type: string }) => e.type).slice(1)).toEqual([
      'Inspection.complete',
      'Inspection.supersede',
    ]);
    expect(timeline.body.events).toHaveLength(3);

    // With the span unknown, the reads take every month and appends keep it unknown.
    await t.dataSource.query(
      'UPDATE items SET history_first_at = NULL, history_last_at = NULL WHERE id = $1',
      [item.id],
    );
    await append(item, 'Inspection.complete');
    expect(await spanRow()).toMatchObject({ history_first_at: null, history_last_at: null });
    const all = await t.http.get(`/api/v1/items/${item.id}/timeline`).set(support.auth).expect(200);
    expect(all.body.events).toHaveLength(4);
    const passport = await t.http.get(`/api/v1/trace/${item.traceCode}`).expect(200);
    expect(passport.body.journey).toHaveLength(4);
  });

  it('the migration keeps every row, id and chain, back to one table and into months again', async () => {
    const snapshot = async () => ({
      rows: await t.dataSource.query<Array<{ id: string; hash: string }>>(
        'SELECT id, item_id, seq, at, hash FROM item_events ORDER BY id',
      ),
      items: await t.dataSource.query<Array<{ id: string }>>(
        'SELECT DISTINCT item_id AS id FROM item_events ORDER BY id',
      ),
    });
    const before = await snapshot();
    // The earlier tests left history in this month, the next and the default partition.
    expect(before.rows.length).toBeGreaterThanOrEqual(7);
    const intact = async (items: Array<{ id: string }>) => {
      for (const { id } of items) {
        expect(await t.app.get(HistoryService).verify(id)).toMatchObject({
          itemId: id,
          intact: true,
        });
      }
    };

    // Later migrations (if any) come off first and go back on with it.
    const reverted = await revertMigrationsThrough(
      t.config.databaseUrl,
      'ItemEventsByMonth1766850000000',
    );
    expect(reverted[reverted.length - 1]).toBe('ItemEventsByMonth1766850000000');
    expect(await partitionOf(historyPartitionName(new Date()))).toBeNull();
    expect(await snapshot()).toEqual(before);
    await intact(before.items);

    expect(await migrate(t.config.databaseUrl)).toEqual([...reverted].reverse());
    expect(await snapshot()).toEqual(before);
    await intact(before.items);
    // Every item's history span was taken from its entries again (ItemHistorySpan).
    const spans = await t.dataSource.query<Array<{ wrong: number }>>(
      `SELECT count(*)::int AS wrong FROM items i
         JOIN (SELECT item_id, min(at) AS first, max(at) AS last FROM item_events GROUP BY item_id) s
           ON s.item_id = i.id
        WHERE i.history_first_at IS DISTINCT FROM s.first OR i.history_last_at IS DISTINCT FROM s.last`,
    );
    expect(spans).toEqual([{ wrong: 0 }]);
    const perPartition = await t.dataSource.query<Array<{ p: string }>>(
      'SELECT DISTINCT tableoid::regclass::text AS p FROM item_events',
    );
    expect(perPartition.map((r) => r.p)).toEqual(
      expect.arrayContaining([
        historyPartitionName(new Date()),
        historyPartitionName(monthAfter(new Date(), 1)),
        'item_events_default',
      ]),
    );
    // New appends carry on with the same id sequence.
    const item = await register();
    const [last] = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM item_events WHERE item_id = $1',
      [item.id],
    );
    expect(BigInt(last.id)).toBeGreaterThan(BigInt(before.rows[before.rows.length - 1].id));
  });
});
