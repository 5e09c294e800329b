import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type Actor } from '../../src/core/actor.js';
import { eventHash, HistoryService } from '../../src/core/history/history.service.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { recordFigures } from '../faults/support/report.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const ITEMS = 240;
const KINDS = [
  'change a field',
  'change and re-hash the rest',
  'delete an entry',
  'delete the last entry',
  'swap two entries',
  'insert a forged entry',
  'append a well-formed entry',
] as const;
type Kind = (typeof KINDS)[number];

interface Row {
  id: string;
  seq: number;
  at: Date;
  type: string;
  entity: string;
  entity_id: string;
  from_state: string | null;
  to_state: string | null;
  actor_role: string;
  actor_id: string | null;
  organisation_id: string | null;
  custodian_kind: string | null;
  custodian_id: string | null;
  place: string | null;
  data: unknown;
  prev_hash: string;
  hash: string;
}

const hashOf = (itemId: string, r: Row, prevHash: string) =>
  eventHash({
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
    data: r.data,
    prevHash,
  });

/**
 * Someone with superuser access changes item history behind the platform's back (triggers off
 * with session_replication_role = replica), including forgeries that recompute the hashes;
 * HistoryService.verify must flag every tampered item and no untouched one.
 */
describe('tamper evidence of the item history', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  }, 60_000);
  afterAll(() => t.close());

  async function tamper(m: EntityManager, itemId: string, kind: Kind, pick: number) {
    await m.query('SET LOCAL session_replication_role = replica');
    const rows = await m.query<Row[]>('SELECT * FROM item_events WHERE item_id = $1 ORDER BY seq', [
      itemId,
    ]);
    const i = pick % rows.length;
    const r = rows[i];
    const columns = `item_id, seq, at, type, entity, entity_id, from_state, to_state, actor_role,
      actor_id, organisation_id, custodian_kind, custodian_id, place, data, prev_hash, hash`;
    const values = (x: Row) => [
      itemId,
      x.seq,
      x.at,
      x.type,
      x.entity,
      x.entity_id,
      x.from_state,
      x.to_state,
      x.actor_role,
      x.actor_id,
      x.organisation_id,
      x.custodian_kind,
      x.custodian_id,
      x.place,
      JSON.stringify(x.data),
      x.prev_hash,
      x.hash,
    ];
    const insert = (x: Row) =>
      m.query(
        `INSERT INTO item_events (${columns}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
        values(x),
      );
    switch (kind) {
      case 'change a field':
        await m.query(
          `UPDATE item_events SET to_state = 'DESTROYED', place = 'elsewhere' WHERE id = $1`,
          [r.id],
        );
        return;
      case 'change and re-hash the rest': {
        // A careful forger: edits an entry and recomputes every hash after it.
        let prev = i === 0 ? '' : rows[i - 1].hash;
        for (let k = i; k < rows.length; k++) {
          const x = { ...rows[k], prev_hash: prev };
          if (k === i) x.data = { ...(x.data as object), forged: true };
          x.hash = hashOf(itemId, x, prev);
          await m.query(
            'UPDATE item_events SET data = $2, prev_hash = $3, hash = $4 WHERE id = $1',
            [x.id, JSON.stringify(x.data), x.prev_hash, x.hash],
          );
          prev = x.hash;
        }
        return;
      }
      case 'delete an entry':
        await m.query('DELETE FROM item_events WHERE id = $1', [r.id]);
        return;
      case 'delete the last entry':
        await m.query('DELETE FROM item_events WHERE id = $1', [rows[rows.length - 1].id]);
        return;
      case 'swap two entries': {
        const j = (i + 1) % rows.length;
        await m.query('UPDATE item_events SET seq = -1 WHERE id = $1', [rows[i].id]);
        await m.query('UPDATE item_events SET seq = $2 WHERE id = $1', [rows[j].id, rows[i].seq]);
        await m.query('UPDATE item_events SET seq = $2 WHERE id = $1', [rows[i].id, rows[j].seq]);
        return;
      }
      case 'insert a forged entry': {
        // Shifts the later entries up and slips a plausible one in with a correct-looking link.
        await m.query('UPDATE item_events SET seq = seq + 1000 WHERE item_id = $1 AND seq >= $2', [
          itemId,
          r.seq,
        ]);
        await m.query('UPDATE item_events SET seq = seq - 999 WHERE item_id = $1 AND seq >= $2', [
          itemId,
          r.seq + 1000,
        ]);
        const forged = { ...r, type: 'Item.hand-back', to_state: 'RETURNED_TO_OWNER' };
        forged.hash = hashOf(itemId, forged, forged.prev_hash);
        await insert(forged);
        return;
      }
      case 'append a well-formed entry': {
        const last = rows[rows.length - 1];
        const forged = { ...last, seq: last.seq + 1, prev_hash: last.hash, at: new Date() };
        forged.hash = hashOf(itemId, forged, forged.prev_hash);
        await insert(forged);
        return;
      }
    }
  }

  it('detects every tampered history and raises no false alarm', async () => {
    const items = t.app.get(ItemsService);
    const transitions = t.app.get(TransitionService);
    const history = t.app.get(HistoryService);
    const warehouse: Actor = { role: 'warehouse', userId: null, organisationId: null };
    const ids: string[] = [];
    for (let n = 0; n < ITEMS; n++) {
      const item = await t.dataSource.transaction((m) =>
        items.register(m, SYSTEM_ACTOR, {
          custodian: { kind: 'warehouse', id: null },
          erasureStatus: 'not_required',
          state: 'RECEIVED',
        }),
      );
      for (const action of ['send-to-refurbishment', 'make-available', 'scrap'].slice(
        0,
        1 + (n % 3),
      )) {
        await transitions.apply(ItemMachine, {
          id: item.id,
          action,
          actor: warehouse,
          checkAccess: false,
        });
      }
      ids.push(item.id);
    }

    const plan = fc.sample(
      fc.record({ tampered: fc.boolean(), kind: fc.constantFrom(...KINDS), pick: fc.nat(50) }),
      { numRuns: ITEMS, seed: 4242 },
    );
    const tampered = new Map<string, Kind>();
    for (let n = 0; n < ITEMS; n++) {
      if (!plan[n].tampered) continue;
      await t.dataSource.transaction((m) => tamper(m, ids[n], plan[n].kind, plan[n].pick));
      tampered.set(ids[n], plan[n].kind);
    }

    const missed: string[] = [];
    const falseAlarms: string[] = [];
    const perKind: Record<string, number> = {};
    for (const id of ids) {
      const report = await history.verify(id);
      const kind = tampered.get(id);
      if (kind) {
        perKind[kind] = (perKind[kind] ?? 0) + 1;
        if (report.intact) missed.push(`${id} (${kind})`);
      } else if (!report.intact) falseAlarms.push(`${id}: ${report.reason}`);
    }
    // The public verify route says the same for a tampered item.
    const [first] = [...tampered.keys()];
    const res = await t.http
      .get(`/api/v1/items/${first}/history/verify`)
      .set((await t.user('admin')).auth);
    expect(res.status).toBe(200);
    expect(res.body.intact).toBe(false);

    const figures = {
      items: ITEMS,
      tampered: tampered.size,
      untouched: ITEMS - tampered.size,
      detected: tampered.size - missed.length,
      detectedPercent: Math.round(((tampered.size - missed.length) / tampered.size) * 1000) / 10,
      falseAlarms: falseAlarms.length,
      kinds: Object.entries(perKind)
        .map(([k, v]) => `${k} ×${v}`)
        .join(', '),
    };
    recordFigures('tamper', 'item history', figures);
    expect(Object.keys(perKind).sort()).toEqual([...KINDS].sort());
    expect(missed).toEqual([]);
    expect(falseAlarms).toEqual([]);
  }, 120_000);
});
