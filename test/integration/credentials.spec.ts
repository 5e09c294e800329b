// Moved from test/e2e/credentials.e2e.spec.ts (issue 20 point 5): these tests sign checkpoints
// through the Checkpoints service, write the outbox and register an item through services, and
// rewrite item_events as a database superuser would, so they belong to the integration tier. The
// set-up is the e2e file's: a phone goes through a real trade-in journey over HTTP (wiped by the
// simulated station) and its history is then checked over HTTP and offline.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { eventHash, type StoredEvent } from '../../src/core/history/history.service.js';
import { SignHistoryCheckpoint } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { OutboxService } from '../../src/core/outbox/outbox.service.js';
import { Checkpoints } from '../../src/credentials/checkpoints.service.js';
import { CheckpointRepository } from '../../src/credentials/data/checkpoint.repository.js';
import { certifiedPhone, independentVerify, pem, reloopVerify } from '../support/credentials.js';
import type { HttpUser } from '../support/http-journey.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

describe('verifiable credentials (issue 24)', () => {
  let t: TestApp;
  let dir: string;
  let grader: HttpUser;
  let traceCode: string;
  let itemId: string;
  let context: { url: string; document: unknown };
  const keyA = pem();

  const save = (name: string, body: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(body, null, 2));
    return file;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reloop-credentials-'));
    t = await createTestApp({
      ERASURE_SIGNING_KEY: keyA,
      ERASURE_SIM_FAILURE_RATE: '0',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
    });
    ({ grader, traceCode, itemId, context } = await certifiedPhone(t));
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes signed checkpoints, newest first, paginated; the passport carries its inclusion proof', async () => {
    const checkpoints = t.app.get(Checkpoints);
    // The scheduled job's handler signs it (here written to the outbox as the scheduler would).
    await t.dataSource.transaction((m) =>
      t.app.get(OutboxService).write(m, [job(SignHistoryCheckpoint, { trigger: 'test' })]),
    );
    const first = await eventually(async () => {
      const res = await t.http.get('/api/v1/trace/checkpoints').expect(200);
      return (res.body.items as Array<{ number: number; itemCount: number }>)[0];
    }, 20_000);
    expect(first.itemCount).toBeGreaterThan(0);
    expect(await checkpoints.sign()).toBeNull(); // nothing changed
    const listed = await t.http.get('/api/v1/trace/checkpoints?limit=1').expect(200);
    expect(listed.body.items[0]).toMatchObject({
      number: first.number,
      itemCount: first.itemCount,
    });
    await t.http.get('/api/v1/trace/checkpoints?cursor=nonsense').expect(400);
    await t.http.get('/api/v1/trace/checkpoints/999999').expect(404);
    await t.http.get(`/api/v1/trace/${traceCode}/verify?checkpoint=zero`).expect(400);
    const uncovered = await t.http
      .get(`/api/v1/trace/${traceCode}/verify?checkpoint=${first.number + 1000}`)
      .expect(400);
    expect(uncovered.body.message).toMatch(/does not cover this item/);

    const verified = await t.http.get(`/api/v1/trace/${traceCode}/verify`).expect(200);
    expect(verified.body).toMatchObject({
      traceCode,
      intact: true,
      anchored: true,
      checkpoint: {
        number: first.number,
        signatureValid: true,
        included: true,
        matchesHistory: true,
      },
    });

    const passport = await t.http.get(`/api/v1/trace/${traceCode}`).expect(200);
    expect(passport.body.history.checkpoint).toMatchObject({ number: first.number });
    expect(passport.body.history.checkpoint.inclusionProof.path).toEqual(expect.any(Array));
    // The signed passport snapshot, checked offline against the kept checkpoint.
    const snapshot = (await t.http.get(`/api/v1/trace/${traceCode}/credential`).expect(200)).body;
    expect(snapshot.type).toEqual(['VerifiableCredential', 'ItemPassport']);
    expect(JSON.stringify(snapshot)).not.toContain(grader.id);
    const kept = (await t.http.get(`/api/v1/trace/checkpoints/${first.number}`).expect(200)).body;
    const res = await reloopVerify([
      save('passport.json', snapshot),
      '--checkpoint',
      save('checkpoint.json', kept),
    ]);
    expect(res.stdout).toMatch(/item passport/);
    expect(res.stdout).toMatch(new RegExp(`included in checkpoint #${first.number}`));
    expect(res.code).toBe(0);
    expect((await independentVerify(snapshot, context)).verified).toBe(true);
    expect((await independentVerify(kept.credential, context)).verified).toBe(true);

    // A second page after a change: another item enters the platform.
    const [{ category_id: categoryId }] = await t.dataSource.query<Array<{ category_id: string }>>(
      'SELECT category_id FROM items WHERE id = $1',
      [itemId],
    );
    await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        categoryId,
        ownerId: null,
        custodian: { kind: 'warehouse', id: grader.organisationId! },
        erasureStatus: 'pending',
        state: 'RECEIVED',
      }),
    );
    const second = await eventually(async () => checkpoints.sign(), 20_000);
    // Only the changed head is in it; the phone's head stays proven by the first checkpoint.
    expect(second.itemCount).toBe(1);
    const unchanged = await t.http.get(`/api/v1/trace/${traceCode}/verify`).expect(200);
    expect(unchanged.body).toMatchObject({
      intact: true,
      anchored: true,
      checkpoint: { number: first.number, signatureValid: true, included: true },
    });
    // Verified "as of" the second checkpoint, the phone's head is the one the first holds.
    const asOfSecond = await t.http
      .get(`/api/v1/trace/${traceCode}/verify?checkpoint=${second.number}`)
      .expect(200);
    expect(asOfSecond.body).toMatchObject({ anchored: true, checkpoint: { number: first.number } });
    const page1 = await t.http.get('/api/v1/trace/checkpoints?limit=1').expect(200);
    expect(page1.body.items[0].number).toBe(second.number);
    const page2 = await t.http
      .get(`/api/v1/trace/checkpoints?limit=1&cursor=${page1.body.nextCursor as string}`)
      .expect(200);
    expect(page2.body.items[0].number).toBe(first.number);
  });

  it('catches a rewrite of one event and the chain head by a database superuser, against an earlier checkpoint', async () => {
    // The latest checkpoint that holds the phone's head (later ones hold other items' changes).
    const earlier = (await t.http.get(`/api/v1/trace/${traceCode}`).expect(200)).body.history
      .checkpoint.number as number;
    await t.dataSource.transaction(async (m) => {
      await m.query('ALTER TABLE item_events DISABLE TRIGGER item_events_no_update_delete');
      const rows = await m.query<StoredEvent[]>(
        `SELECT item_id, seq, at, type, entity, entity_id, from_state, to_state, actor_role,
                actor_id, organisation_id, custodian_kind, custodian_id, place, data, prev_hash, hash
           FROM item_events WHERE item_id = $1 ORDER BY seq`,
        [itemId],
      );
      // The insider changes the first entry and recomputes every hash after it, and the head.
      let prev = '';
      for (const r of rows) {
        const data = r.seq === 1 ? { ...r.data, rewritten: true } : r.data;
        const hash = eventHash({
          itemId,
          seq: r.seq,
          at: new Date(r.at).toISOString(),
          type: r.type,
          entity: r.entity,
          entityId: r.entity_id,
          fromState: r.from_state,
          toState: r.to_state,
          actorRole: r.actor_role,
          actorId: r.actor_id,
          organisationId: r.organisation_id,
          custodianKind: r.custodian_kind,
          custodianId: r.custodian_id,
          place: r.place,
          data,
          prevHash: prev,
        });
        await m.query(
          'UPDATE item_events SET data = $3, prev_hash = $4, hash = $5 WHERE item_id = $1 AND seq = $2',
          [itemId, r.seq, JSON.stringify(data), prev, hash],
        );
        prev = hash;
      }
      await m.query('UPDATE items SET history_hash = $2 WHERE id = $1', [itemId, prev]);
      await m.query('ALTER TABLE item_events ENABLE TRIGGER item_events_no_update_delete');
    });
    const res = await t.http.get(`/api/v1/trace/${traceCode}/verify`).expect(200);
    // The chain alone looks fine (it was rewritten consistently); the checkpoint does not.
    expect(res.body).toMatchObject({ chainIntact: true, intact: false, anchored: false });
    expect(res.body.checkpoint).toMatchObject({
      number: earlier,
      included: true,
      matchesHistory: false,
    });
    expect(res.body.reason).toMatch(/rewritten after checkpoint/);
    const explicit = await t.http.get(`/api/v1/trace/${traceCode}/verify?checkpoint=1`).expect(200);
    expect(explicit.body).toMatchObject({ intact: false, checkpoint: { number: 1 } });
    // A checkpoint signed after the rewrite agrees with it; the earlier ones still do not.
    const later = await t.app.get(Checkpoints).sign();
    const after = await t.http.get(`/api/v1/trace/${traceCode}/verify`).expect(200);
    expect(after.body).toMatchObject({
      intact: false,
      checkpoint: { number: later!.number, matchesHistory: true },
    });
    expect(after.body.mismatchedCheckpoints).toEqual(expect.arrayContaining([1, earlier]));
    expect(after.body.reason).toMatch(/no longer matches checkpoint #1/);
  });

  it('splits a bulk of changed heads into checkpoints of bounded size', async () => {
    const [{ category_id: categoryId }] = await t.dataSource.query<Array<{ category_id: string }>>(
      'SELECT category_id FROM items WHERE id = $1',
      [itemId],
    );
    await t.dataSource.transaction(async (m) => {
      for (let i = 0; i < 5; i++) {
        await t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
          categoryId,
          ownerId: null,
          custodian: { kind: 'warehouse', id: grader.organisationId! },
          erasureStatus: 'pending',
          state: 'RECEIVED',
        });
      }
    });
    const checkpoints = t.app.get(Checkpoints);
    const before = (await t.http.get('/api/v1/trace/checkpoints?limit=1').expect(200)).body.items[0]
      .number as number;
    const search = jest.spyOn(t.app.get(CheckpointRepository), 'changedHeads');
    try {
      expect(await checkpoints.signAll(2)).toBe(3);
      // Each checkpoint's search continues after the previous one's last item (a keyset), so
      // a bulk is searched once rather than from the first item for every checkpoint.
      const leaves = await t.dataSource.query<Array<{ checkpoint: number; item_id: string }>>(
        `SELECT checkpoint, item_id FROM history_checkpoint_leaves
          WHERE checkpoint > $1 ORDER BY checkpoint, item_id`,
        [before],
      );
      const lastOf = (n: number) => leaves.filter((l) => l.checkpoint === n).at(-1)!.item_id;
      expect(search.mock.calls.map((call) => call[2])).toEqual([
        undefined,
        lastOf(before + 1),
        lastOf(before + 2),
      ]);
    } finally {
      search.mockRestore();
    }
    const listed = (await t.http.get('/api/v1/trace/checkpoints?limit=3').expect(200)).body
      .items as Array<{ number: number; itemCount: number }>;
    expect(listed.map((c) => [c.number, c.itemCount])).toEqual([
      [before + 3, 1],
      [before + 2, 2],
      [before + 1, 2],
    ]);
    expect(await checkpoints.signAll(2)).toBe(0);

    // A superuser deletes a node a proof needs: the proof fails, the read does not.
    const [leaf] = await t.dataSource.query<Array<{ trace_code: string; position: number }>>(
      `SELECT i.trace_code, l.position FROM history_checkpoint_leaves l
         JOIN items i ON i.id = l.item_id WHERE l.checkpoint = $1 ORDER BY l.position LIMIT 1`,
      [before + 1],
    );
    const anchored = await t.http.get(`/api/v1/trace/${leaf.trace_code}/verify`).expect(200);
    expect(anchored.body).toMatchObject({ anchored: true, checkpoint: { number: before + 1 } });
    await t.dataSource.transaction(async (m) => {
      await m.query(
        'ALTER TABLE history_checkpoint_nodes DISABLE TRIGGER history_checkpoint_nodes_no_update_delete',
      );
      await m.query(
        'DELETE FROM history_checkpoint_nodes WHERE checkpoint = $1 AND level = 0 AND position = $2',
        [before + 1, leaf.position + 1],
      );
      await m.query(
        'ALTER TABLE history_checkpoint_nodes ENABLE TRIGGER history_checkpoint_nodes_no_update_delete',
      );
    });
    const broken = await t.http.get(`/api/v1/trace/${leaf.trace_code}/verify`).expect(200);
    expect(broken.body).toMatchObject({
      anchored: false,
      checkpoint: { number: before + 1, included: false },
    });
  });
});
