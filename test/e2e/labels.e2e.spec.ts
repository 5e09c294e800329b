// Batch printing of trace-code QR labels at receiving (issue 22 point 5): one PDF, one label per
// page at the thermal roll's size, each QR code decoding to its item's trace code, Chinese
// printed with the embedded CJK font; another warehouse's items and parcels are 404.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import type { Item } from '../../src/core/items/item.entity.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { ParcelDelivered } from '../../src/core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { readLabelPdf } from '../support/pdf-labels.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { loadCatalog } from '../support/fixtures.js';
import { leafByCode } from '../support/reads.js';

/** supertest collects a binary body into a Buffer. */
const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('trace-code labels at receiving', () => {
  let t: TestApp;
  let clerk: TestUser;
  let otherClerk: TestUser;
  let courier: TestUser;
  let owner: TestUser;
  let parcelId: string;
  let parcelItems: Item[];

  beforeAll(async () => {
    t = await createTestApp();
    await loadCatalog(t);
    clerk = await t.user('warehouse');
    otherClerk = await t.user('warehouse');
    courier = await t.user('courier');
    owner = await t.user('customer');
    const leaf = await leafByCode(t, 'smartphones');
    if (!leaf) throw new Error('smartphones');
    parcelItems = await t.dataSource.transaction(async (manager) => {
      const out: Item[] = [];
      for (let i = 0; i < 3; i++) {
        const item = await t.app.get(ItemsService).register(manager, SYSTEM_ACTOR, {
          categoryId: leaf.id,
          ownerId: owner.id,
          custodian: { kind: 'owner', id: owner.id },
          erasureStatus: 'pending',
        });
        out.push(
          await t.app.get(TransitionService).apply(ItemMachine, {
            manager,
            id: item.id,
            action: 'collect',
            actor: SYSTEM_ACTOR,
            patch: { custodianKind: 'courier', custodianId: null },
          }),
        );
      }
      return out;
    });
    const pickupId = randomUUID();
    await t.app
      .get(JobHandlerRegistry)
      .get(ParcelDelivered.name)
      ?.run(
        {
          pickupId,
          warehouseId: clerk.organisationId ?? '',
          sealNumber: null,
          itemIds: parcelItems.map((i) => i.id),
          source: { kind: 'trade-in' as const, id: randomUUID() },
          deliveredAt: new Date().toISOString(),
        },
        { jobId: 'test', attempt: 1, maxAttempts: 1 },
      );
    const [row] = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM parcels WHERE pickup_id = $1',
      [pickupId],
    );
    parcelId = row.id;
  });
  afterAll(() => t.close());

  const print = (user: TestUser, body: object) =>
    t.http.post('/api/v1/receiving/labels').set(user.auth).send(body).buffer(true).parse(binary);

  it('prints a whole parcel: one 50x30 mm page per item, each QR decoding to its trace code', async () => {
    const res = await print(clerk, { parcelId }).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/pdf/);
    const pages = await readLabelPdf(res.body as Buffer);
    expect(pages).toHaveLength(3);
    for (const [i, page] of pages.entries()) {
      expect([page.widthMm, page.heightMm]).toEqual([50, 30]);
      expect(page.qr).toBe(parcelItems[i].traceCode);
      expect(page.text).toContain(parcelItems[i].traceCode);
      // The category's Chinese name, printed with the embedded CJK font (not '?').
      expect(page.text).toMatch(/[\u4e00-\u9fff]/);
      expect(page.text).not.toContain('?');
    }
  });

  it('prints chosen items at another roll size, in the order asked', async () => {
    const chosen = [parcelItems[2], parcelItems[0]];
    const res = await print(clerk, { itemIds: chosen.map((i) => i.id), size: '60x40' }).expect(200);
    const pages = await readLabelPdf(res.body as Buffer);
    expect(pages.map((p) => [p.widthMm, p.heightMm, p.qr])).toEqual(
      chosen.map((i) => [60, 40, i.traceCode]),
    );
  });

  it("refuses bad input with 400 and another warehouse's parcel or items with 404", async () => {
    await print(clerk, {}).expect(400);
    await print(clerk, { parcelId, size: '100x100' }).expect(400);
    await print(clerk, { itemIds: ['not-a-uuid'] }).expect(400);
    await print(otherClerk, { parcelId }).expect(404);
    await print(otherClerk, { itemIds: [parcelItems[0].id] }).expect(404);
    await print(clerk, { itemIds: [randomUUID()] }).expect(404);
    await print(courier, { parcelId }).expect(403);
  });
});
