// Moved from test/e2e/seller.e2e.spec.ts (issue 20 point 5): this test calls the pickup
// scheduling service directly with a window that filled meanwhile (what the schedule-pickup job
// would carry) and reads the booked pickups from the database, so its subject is the service.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PickupSchedulingService } from '../../src/logistics/pickup-scheduling.service.js';
import {
  freeWindows as windowsOffered,
  pickupOf,
  quoted as quotedFor,
  SELLER_ADDRESS as ADDRESS,
  sellerWorld,
  signUp as signUpAs,
} from '../support/seller-windows.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Issue 22 point 2: the pickup the seller chose, booked by the scheduling job. */
describe('logistics: scheduling the pickup window a seller chose', () => {
  let t: TestApp;
  let modelId: string;
  const signUp = (phone: string) => signUpAs(t, phone);
  const quoted = (auth: Record<string, string>) => quotedFor(t, auth, modelId);
  const freeWindows = (auth: Record<string, string>) => windowsOffered(t, auth);

  beforeAll(async () => {
    t = await createTestApp();
    ({ modelId } = await sellerWorld(t));
    // A seller has booked a window of the area (one place per window): it is full now.
    const booker = await signUp('13600000001');
    const order = await quoted(booker);
    const chosen = (await freeWindows(booker)).windows[1];
    await t.http
      .post(`/api/v1/trade-ins/${order.id}/accept`)
      .set(booker)
      .send({
        version: order.version,
        pickupWindow: { date: chosen.date, windowIndex: chosen.windowIndex },
      })
      .expect(200);
    await pickupOf(t, booker, order.id);
  }, 120_000);
  afterAll(() => t?.close());

  it('books the earliest free window when the chosen one filled between acceptance and booking', async () => {
    const auth = await signUp('13600000006');
    const c = await quoted(auth);
    const windows = (await freeWindows(auth)).windows;
    const [earliest] = windows;
    // What the job would carry if the seller had chosen a window that is full by now.
    const full = await t.dataSource.query<Array<{ d: string; w: number }>>(
      `SELECT to_char(promised_date, 'YYYY-MM-DD') AS d, window_index AS w
         FROM pickups WHERE area_code = 'S900' LIMIT 1`,
    );
    const order = await t.http.get(`/api/v1/trade-ins/${c.id}`).set(auth).expect(200);
    const pickup = await t.app.get(PickupSchedulingService).schedule({
      direction: 'inbound',
      source: { kind: 'trade-in', id: c.id },
      customerId: order.body.customerId as string,
      itemIds: (order.body.items as Array<{ itemId: string }>).map((i) => i.itemId),
      address: { ...ADDRESS, contactPhone: '+8613912345678' },
      warehouseId: null,
      requestedAt: new Date().toISOString(),
      specialPackaging: false,
      window: { date: full[0].d, windowIndex: full[0].w },
    });
    expect({ d: pickup.promisedDate, w: pickup.windowIndex }).toEqual({
      d: earliest.date,
      w: earliest.windowIndex,
    });
  });
});
