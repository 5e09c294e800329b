import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import sharp from 'sharp';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import {
  accounts,
  type HttpUser,
  listItem,
  loadReferenceData,
  tradeInPhones,
} from '../support/http-journey.js';
import { cameraJpeg } from '../support/photos.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

jest.setTimeout(300_000);

/**
 * Photos along one phone's journey: the courier's hand-over photos on the pickup (seen by the
 * courier, the seller and staff), the merchant's photos on the listing (public on the market),
 * and a seller's photos on a support case (seen by the seller and support only).
 */
describe('photos on pickups, listings and support cases', () => {
  let t: TestApp;
  let admin: HttpUser;
  let seller: HttpUser;
  let courier: HttpUser;
  let otherCourier: HttpUser;
  let grader: HttpUser;
  let merchant: HttpUser;
  let otherMerchant: HttpUser;
  let stranger: HttpUser;
  let support: HttpUser;
  let pickupId: string;
  let pickupPhotos: string[];
  let itemId: string;

  const upload = async (who: HttpUser, purpose: string, colour = '#3a7') => {
    const res = await t.http
      .post(`/api/v1/photos?purpose=${purpose}`)
      .set(who.auth)
      .attach('file', await cameraJpeg({ colour }), {
        filename: 'p.jpg',
        contentType: 'image/jpeg',
      })
      .expect(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await createTestApp({
      ERASURE_SIM_FAILURE_RATE: '0',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
    });
    await loadReferenceData(t);
    admin = { ...(await t.user('admin')), role: 'admin' };
    const a = accounts(t, admin);
    const warehouseId = await a.organisation('warehouse', { cityCode: '310100' });
    const merchantOrg = await a.organisation('merchant');
    const otherMerchantOrg = await a.organisation('merchant');
    [seller, courier, otherCourier, grader, merchant, otherMerchant, stranger, support] =
      await Promise.all([
        a.user('customer'),
        a.user('courier'),
        a.user('courier'),
        a.user('warehouse', { organisationId: warehouseId }),
        a.user('merchant', { organisationId: merchantOrg }),
        a.user('merchant', { organisationId: otherMerchantOrg }),
        a.user('customer'),
        a.user('support'),
      ]);
    await t.http
      .put(`/api/v1/couriers/${courier.id}`)
      .set(admin.auth)
      .send({ capacityPerWindow: 20, areaCodes: ['310100'] })
      .expect(200);
    // The courier photographs the phone at the door before collecting it.
    pickupPhotos = [await upload(courier, 'pickup'), await upload(courier, 'pickup')];
    const traded = await tradeInPhones(
      t,
      { admin, owner: seller, courier, grader },
      { answers: idealAnswers(PHONE_STANDARD), pickupPhotoRefs: pickupPhotos },
    );
    pickupId = traded.pickupId;
    itemId = traded.phones[0].itemId;
  });
  afterAll(() => t.close());

  it('hand-over photos: on the pickup for the courier, the seller and staff; 404 for others', async () => {
    for (const who of [courier, seller, admin, support]) {
      const res = await t.http.get(`/api/v1/pickups/${pickupId}`).set(who.auth).expect(200);
      expect(res.body.attachedPhotos.map((p: { id: string }) => p.id)).toEqual(pickupPhotos);
      await t.http.get(`/api/v1/photos/${pickupPhotos[0]}/thumbnail`).set(who.auth).expect(200);
    }
    // The seller sees the pictures, not who took them; the courier's side and staff do.
    const asSeller = await t.http.get(`/api/v1/photos/${pickupPhotos[0]}`).set(seller.auth);
    expect(asSeller.body).toMatchObject({ uploadedBy: null, organisationId: null });
    const asCourier = await t.http.get(`/api/v1/photos/${pickupPhotos[0]}`).set(courier.auth);
    expect(asCourier.body.uploadedBy).toBe(courier.id);
    for (const who of [otherCourier, stranger, merchant]) {
      await t.http.get(`/api/v1/photos/${pickupPhotos[0]}`).set(who.auth).expect(404);
      await t.http.get(`/api/v1/photos/${pickupPhotos[1]}/image`).set(who.auth).expect(404);
    }
  });

  it('listing photos: attached by the merchant, public on the market', async () => {
    const listing = await listItem(t, merchant, itemId);
    const photos = [await upload(merchant, 'listing', '#111'), await upload(merchant, 'listing')];
    // Another merchant can neither use these photos nor touch this listing.
    await t.http
      .post(`/api/v1/listings/${listing.id}/photos`)
      .set(otherMerchant.auth)
      .send({ photoIds: photos })
      .expect(404);
    const theirs = await upload(otherMerchant, 'listing');
    const refused = await t.http
      .post(`/api/v1/listings/${listing.id}/photos`)
      .set(merchant.auth)
      .send({ photoIds: [photos[0], theirs] })
      .expect(400);
    expect(refused.body.fields[0].field).toBe('photoIds[1]');
    // A courier's photo is not a listing photo, even for admin.
    const wrongKind = await t.http
      .post(`/api/v1/listings/${listing.id}/photos`)
      .set(admin.auth)
      .send({ photoIds: [pickupPhotos[0]] })
      .expect(400);
    expect(wrongKind.body.fields[0].errors[0]).toContain('pickup');
    await t.http
      .post(`/api/v1/listings/${listing.id}/photos`)
      .set(merchant.auth)
      .send({ photoIds: [photos[0]] })
      .expect(200);
    const attached = await t.http
      .post(`/api/v1/listings/${listing.id}/photos`)
      .set(merchant.auth)
      .send({ photoIds: [photos[1]] })
      .expect(200);
    expect(attached.body.photos.map((p: { id: string }) => p.id)).toEqual(photos);

    const market = await t.http.get(`/api/v1/market/listings/${listing.id}`).expect(200);
    expect(market.body.photos.map((p: { id: string }) => p.id)).toEqual(photos);
    expect(market.body.photos[0]).not.toHaveProperty('uploadedBy');
    const search = await t.http.get('/api/v1/market/listings').expect(200);
    const found = search.body.items.find((l: { id: string }) => l.id === listing.id);
    expect(found.photos).toHaveLength(2);
    // Anyone may fetch the thumbnail, without a token; it has no metadata.
    const thumb = await t.http.get(`/api/v1/market/photos/${photos[0]}/thumbnail`).expect(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(thumb.body as Buffer).metadata()).exif).toBeUndefined();
    await t.http.get(`/api/v1/market/photos/${photos[0]}/image`).expect(200);
    // The unattached photo and the courier's stay private.
    await t.http.get(`/api/v1/market/photos/${theirs}/thumbnail`).expect(404);
    await t.http.get(`/api/v1/market/photos/${pickupPhotos[0]}/thumbnail`).expect(404);
    const own = await t.http.get(`/api/v1/listings/${listing.id}`).set(merchant.auth).expect(200);
    expect(own.body.photos).toHaveLength(2);
  });

  it('case photos: the seller shows what the grader missed; support sees it, nobody else', async () => {
    const opened = await t.http
      .post('/api/v1/support/cases')
      .set(seller.auth)
      .send({ kind: 'price-dispute', summary: 'The screen had no scratch', itemIds: [itemId] })
      .expect(201);
    const caseId = opened.body.id as string;
    const evidence = await upload(seller, 'case');
    await t.http
      .post(`/api/v1/support/cases/${caseId}/photos`)
      .set(stranger.auth)
      .send({ photoIds: [evidence] })
      .expect(404);
    await t.http
      .post(`/api/v1/support/cases/${caseId}/photos`)
      .set(seller.auth)
      .send({ photoIds: [evidence] })
      .expect(200);
    const mine = await t.http.get(`/api/v1/support/cases/${caseId}`).set(seller.auth).expect(200);
    expect(mine.body.photos.map((p: { id: string }) => p.id)).toEqual([evidence]);
    const staff = await t.http.get(`/api/v1/support/cases/${caseId}`).set(support.auth).expect(200);
    expect(staff.body.photos).toHaveLength(1);
    await t.http.get(`/api/v1/photos/${evidence}/image`).set(support.auth).expect(200);
    await t.http.get(`/api/v1/photos/${evidence}/image`).set(stranger.auth).expect(404);
    await t.http.get(`/api/v1/photos/${evidence}/image`).set(merchant.auth).expect(404);
    // Support adds its own photo to the case; the seller sees it on the case.
    const reply = await upload(support, 'case');
    await t.http
      .post(`/api/v1/support/cases/${caseId}/photos`)
      .set(support.auth)
      .send({ photoIds: [reply] })
      .expect(200);
    await t.http.get(`/api/v1/photos/${reply}/thumbnail`).set(seller.auth).expect(200);
    // A malformed id is a 400 naming the entry, before anything is looked up.
    const bad = await t.http
      .post(`/api/v1/support/cases/${caseId}/photos`)
      .set(seller.auth)
      .send({ photoIds: ['not-an-id'] })
      .expect(400);
    expect(bad.body.fields[0].field).toContain('photoIds');
  });
});
