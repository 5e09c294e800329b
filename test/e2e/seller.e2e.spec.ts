import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  freeWindows as windowsOffered,
  pickupOf as bookedPickup,
  quoted as quotedFor,
  SELLER_ADDRESS as ADDRESS,
  sellerWorld,
  signUp as signUpAs,
} from '../support/seller-windows.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

/** Issue 22 point 2: a seller signs up with a phone and books the pickup window they choose. */
describe('the seller: phone sign-up and a chosen pickup window', () => {
  let t: TestApp;
  let admin: TestUser;
  let modelId: string;

  beforeAll(async () => {
    t = await createTestApp();
    // An area of its own with one place per window, so a window fills with one booking.
    ({ admin, modelId } = await sellerWorld(t));
  }, 120_000);
  afterAll(() => t.close());

  describe('sign-up and sign-in by mobile number', () => {
    it('signs up with an 11-digit mobile and no e-mail, then signs in by that number in any spelling', async () => {
      const reg = await t.http
        .post('/api/v1/auth/register')
        .send({ phone: '138 1234 5678', password: 'long enough pw', name: '王芳' })
        .expect(201);
      expect(reg.body.user).toMatchObject({
        email: null,
        phone: '+8613812345678',
        role: 'customer',
        name: '王芳',
      });
      expect(reg.body.accessToken).toEqual(expect.any(String));

      for (const phone of ['13812345678', '+86 138-1234-5678']) {
        const login = await t.http
          .post('/api/v1/auth/login')
          .send({ phone, password: 'long enough pw' })
          .expect(200);
        const me = await t.http
          .get('/api/v1/me')
          .set('Authorization', `Bearer ${login.body.accessToken}`)
          .expect(200);
        expect(me.body).toMatchObject({ id: reg.body.user.id, phone: '+8613812345678' });
      }
    });

    it('refuses a taken number (409), a wrong password (401) and bad input (400)', async () => {
      await t.http
        .post('/api/v1/auth/register')
        .send({ phone: '13911112222', email: 'both@x.cn', password: 'long enough pw', name: 'B' })
        .expect(201);
      const taken = await t.http
        .post('/api/v1/auth/register')
        .send({ phone: '+86 139 1111 2222', password: 'long enough pw', name: 'C' })
        .expect(409);
      expect(taken.body.message).toBe('An account with this phone number already exists');
      // The same account answers by e-mail too.
      await t.http
        .post('/api/v1/auth/login')
        .send({ email: 'both@x.cn', password: 'long enough pw' })
        .expect(200);
      const wrong = await t.http
        .post('/api/v1/auth/login')
        .send({ phone: '13911112222', password: 'not the password' })
        .expect(401);
      expect(wrong.body).toMatchObject({
        code: 'not_signed_in',
        message: 'Phone number or password is wrong',
      });
      const unknown = await t.http
        .post('/api/v1/auth/login')
        .send({ phone: '13700000000', password: 'not the password' })
        .expect(401);
      expect(unknown.body.message).toBe(wrong.body.message);

      const neither = await t.http
        .post('/api/v1/auth/register')
        .send({ password: 'long enough pw', name: 'N' })
        .expect(400);
      expect(neither.body.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'email',
        'phone',
      ]);
      const badPhone = await t.http
        .post('/api/v1/auth/register')
        .send({ phone: '12345', password: 'long enough pw', name: 'N' })
        .expect(400);
      expect(badPhone.body.fields).toEqual([
        { field: 'phone', errors: ['phone must be a valid phone number'] },
      ]);
      await t.http
        .post('/api/v1/auth/login')
        .send({ phone: '13911112222', email: 'both@x.cn', password: 'long enough pw' })
        .expect(400);
      await t.http.post('/api/v1/auth/login').send({ password: 'long enough pw' }).expect(400);
      await t.http
        .post('/api/v1/auth/login')
        .send({ phone: 'call me', password: 'long enough pw' })
        .expect(400);
    });
  });

  describe('choosing the pickup window at acceptance', () => {
    const signUp = (phone: string) => signUpAs(t, phone);
    const quoted = (auth: Record<string, string>) => quotedFor(t, auth, modelId);
    const freeWindows = (auth: Record<string, string>) => windowsOffered(t, auth);
    const pickupOf = (auth: Record<string, string>, orderId: string) =>
      bookedPickup(t, auth, orderId);

    it('lists the free windows, books the one chosen, and answers 409 when it filled meanwhile', async () => {
      const first = await signUp('13600000001');
      const second = await signUp('13600000002');
      const a = await quoted(first);
      const b = await quoted(second);

      const before = await freeWindows(first);
      expect(before).toMatchObject({ cityCode: 'S900', timeZone: 'Asia/Shanghai' });
      expect(before.windows.length).toBeGreaterThanOrEqual(2 * 7);
      expect(before.windows[0]).toMatchObject({ remaining: 1 });
      // Not the earliest: the seller picks the afternoon of the second day offered.
      const chosen = before.windows.find((w) => w.windowIndex === 1 && w !== before.windows[1])!;
      expect(chosen).toMatchObject({ start: '14:00', end: '18:00' });

      await t.http
        .post(`/api/v1/trade-ins/${a.id}/accept`)
        .set(first)
        .send({
          version: a.version,
          pickupWindow: { date: chosen.date, windowIndex: chosen.windowIndex },
        })
        .expect(200);
      expect(await pickupOf(first, a.id)).toEqual({ d: chosen.date, w: chosen.windowIndex });

      // The window is gone from the list; the second seller, who still had it on screen, gets 409.
      const after = await freeWindows(second);
      expect(
        after.windows.some((w) => w.date === chosen.date && w.windowIndex === chosen.windowIndex),
      ).toBe(false);
      const full = await t.http
        .post(`/api/v1/trade-ins/${b.id}/accept`)
        .set(second)
        .send({
          version: b.version,
          pickupWindow: { date: chosen.date, windowIndex: chosen.windowIndex },
        })
        .expect(409);
      expect(full.body).toMatchObject({ statusCode: 409, code: 'pickup_window_full' });
      expect(full.body.message).toContain('is full now: choose another window');
      const still = await t.http.get(`/api/v1/trade-ins/${b.id}`).set(second).expect(200);
      expect(still.body.state).toBe('QUOTED');

      // Another free window books.
      const other = after.windows[0];
      await t.http
        .post(`/api/v1/trade-ins/${b.id}/accept`)
        .set(second)
        .send({ pickupWindow: { date: other.date, windowIndex: other.windowIndex } })
        .expect(200);
      expect(await pickupOf(second, b.id)).toEqual({ d: other.date, w: other.windowIndex });
    });

    it('refuses bad window choices and bad queries with 400, and other people’s orders with 404', async () => {
      const auth = await signUp('13600000003');
      const order = await quoted(auth);
      const accept = (body: object, who = auth) =>
        t.http.post(`/api/v1/trade-ins/${order.id}/accept`).set(who).send(body);

      const malformed = await accept({ pickupWindow: { date: 'tomorrow', windowIndex: -1 } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'pickupWindow.date',
        'pickupWindow.windowIndex',
      ]);
      const noSuchWindow = await accept({ pickupWindow: { date: '2030-01-01', windowIndex: 5 } });
      expect(noSuchWindow.status).toBe(400);
      expect(noSuchWindow.body.fields[0].field).toBe('pickupWindow');
      const past = await accept({ pickupWindow: { date: '2020-01-01', windowIndex: 0 } });
      expect(past.status).toBe(400);
      expect(past.body.message).toContain('cannot be booked now');

      const stranger = await signUp('13600000004');
      await accept({ pickupWindow: { date: '2030-01-01', windowIndex: 0 } }, stranger).expect(404);

      await t.http.get('/api/v1/pickup-windows').query({ cityCode: 'S900' }).set(auth).expect(400);
      const elsewhere = await t.http
        .get('/api/v1/pickup-windows')
        .query({ cityCode: 'S900', districtCode: 'X00001' })
        .set(auth)
        .expect(400);
      expect(elsewhere.body.code).toBe('invalid_input');
      await t.http
        .get('/api/v1/pickup-windows')
        .query({ cityCode: ADDRESS.cityCode, districtCode: ADDRESS.districtCode })
        .expect(401);
      const o = await t.http.get(`/api/v1/trade-ins/${order.id}`).set(auth).expect(200);
      expect(o.body.state).toBe('QUOTED');
    });

    it('takes no pickup window for a store drop-off (400) and accepts it without one', async () => {
      const store = await t.http
        .post('/api/v1/drop-off-stores')
        .set(admin.auth)
        .send({
          code: 'store-s900-market',
          name: 'Market St store',
          cityCode: 'S900',
          districtCode: 'S90001',
          address: '1 Market St',
        })
        .expect(201);
      const auth = await signUp('13600000005');
      const created = await t.http
        .post('/api/v1/trade-ins')
        .set(auth)
        .send({
          channel: 'store',
          storeId: store.body.id,
          address: ADDRESS,
          items: [{ productModelId: modelId, declaredCondition: { condition: 'fair' } }],
        })
        .expect(201);
      const order = await eventually(async () => {
        const o = await t.http.get(`/api/v1/trade-ins/${created.body.id}`).set(auth).expect(200);
        return o.body.state === 'QUOTED' ? (o.body as { id: string; version: number }) : null;
      });
      const refused = await t.http
        .post(`/api/v1/trade-ins/${order.id}/accept`)
        .set(auth)
        .send({ pickupWindow: { date: '2030-01-01', windowIndex: 0 } })
        .expect(400);
      expect(refused.body.fields).toEqual([
        { field: 'pickupWindow', errors: [expect.stringContaining('only for online orders')] },
      ]);
      const accepted = await t.http
        .post(`/api/v1/trade-ins/${order.id}/accept`)
        .set(auth)
        .send({ version: order.version })
        .expect(200);
      expect(accepted.body.state).toBe('ACCEPTED');
    });
  });
});
