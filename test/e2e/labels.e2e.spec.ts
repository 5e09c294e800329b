// Batch printing of trace-code QR labels at receiving (issue 22 point 5): one PDF, one label per
// page at the thermal roll's size, each QR code decoding to its item's trace code, Chinese
// printed with the embedded CJK font; another warehouse's items and parcels are 404.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { readLabelPdf } from '../support/pdf-labels.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { accounts, loadReferenceData, shanghaiCourier } from '../support/http-journey.js';
import { deliveredTradeIn, parcelOfPickup } from '../support/http-parcels.js';

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
  let parcelItems: Array<{ id: string; traceCode: string }>;

  beforeAll(async () => {
    t = await createTestApp();
    await loadReferenceData(t);
    const admin = await t.user('admin');
    // The Shanghai warehouse, where the platform sends Shanghai's trade-ins.
    const warehouseId = await accounts(t, admin).organisation('warehouse', { cityCode: '310100' });
    clerk = await t.user('warehouse', { organisationId: warehouseId });
    otherClerk = await t.user('warehouse');
    courier = await t.user('courier');
    owner = await t.user('customer');
    await shanghaiCourier(t, admin, courier);
    // Three phones traded in, collected and delivered: receiving opens the parcel.
    const { pickupId, phones } = await deliveredTradeIn(t, { admin, owner, courier }, 3);
    parcelItems = phones.map((p) => ({ id: p.itemId, traceCode: p.traceCode }));
    parcelId = (await parcelOfPickup(t, clerk, pickupId)).id;
  }, 120_000);
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
