import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { CatalogService } from '../../src/catalog/catalog.service.js';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import type { Item } from '../../src/core/items/item.entity.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { ParcelDelivered } from '../../src/core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import {
  axeSerious,
  answerPerfectPhone,
  cameraShots,
  catalogue,
  type ConsoleRig,
  exactly,
  startConsoleRig,
} from '../support/browser.js';
import {
  accounts,
  type HttpUser,
  listItem,
  loadReferenceData,
  tradeInPhones,
} from '../support/http-journey.js';
import type { TestUser } from '../support/test-app.js';

const LANG = 'zh-CN';
const say = catalogue(LANG);

jest.setTimeout(240_000);

/** axe's serious and critical findings on the page as it is now (rule and where). */
/** Every <img> in the locator's scope has loaded a real picture. */
async function allImagesLoaded(page: Page, selector: string): Promise<number> {
  await page.waitForFunction((sel) => {
    type Img = { complete: boolean; naturalWidth: number };
    const doc = (
      globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<Img> } }
    ).document;
    const imgs = Array.from(doc.querySelectorAll(sel));
    return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0);
  }, selector);
  return page.locator(selector).count();
}

/**
 * Photos in the console, in Chinese: a grader on a phone takes the standard's photos with the
 * camera input on the grading bench (a wrong file is refused in words), sees their thumbnails,
 * grades, and finds them on the report; a merchant adds photos to a listing and anyone browsing
 * the market sees them.
 */
describe('console: photos on the grading bench and on the market (browser)', () => {
  let rig: ConsoleRig;
  let grader: TestUser;

  beforeAll(async () => {
    rig = await startConsoleRig({
      ERASURE_SIM_FAILURE_RATE: '0',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
    });
    const { t } = rig;
    await loadReferenceData(t);
    grader = await t.user('warehouse');
    const admin = await t.user('admin');
    await t.http
      .put('/api/v1/grading/calibration/settings')
      .set(admin.auth)
      .send({ rate: 0 })
      .expect(200);
  });

  afterAll(() => rig?.close());

  /** Setup (API): a phone delivered to the grader's warehouse and received, waiting for grading. */
  const queueInspection = async (): Promise<string> => {
    const { t } = rig;
    const leaf = await t.app.get(CatalogService).findLeafByCode('smartphones');
    const item: Item = await t.dataSource.transaction(async (manager) => {
      const created = await t.app.get(ItemsService).register(manager, SYSTEM_ACTOR, {
        categoryId: leaf!.id,
        ownerId: null,
        custodian: { kind: 'courier', id: null },
        erasureStatus: 'not_required',
      });
      return t.app.get(TransitionService).apply(ItemMachine, {
        manager,
        id: created.id,
        action: 'collect',
        actor: SYSTEM_ACTOR,
        patch: { custodianKind: 'courier', custodianId: null },
      });
    });
    const pickupId = randomUUID();
    await t.app
      .get(JobHandlerRegistry)
      .get(ParcelDelivered.name)!
      .run(
        {
          pickupId,
          warehouseId: grader.organisationId!,
          sealNumber: null,
          itemIds: [item.id],
          source: { kind: 'trade-in' as const, id: randomUUID() },
          deliveredAt: new Date().toISOString(),
        },
        { jobId: 'test', attempt: 1, maxAttempts: 1 },
      );
    const [parcel] = await t.dataSource.query('SELECT id FROM parcels WHERE pickup_id = $1', [
      pickupId,
    ]);
    await t.http
      .post(`/api/v1/receiving/parcels/${parcel.id}/receive`)
      .set(grader.auth)
      .send({ traceCodes: [item.traceCode] })
      .expect(200);
    const queued = await t.http
      .get(`/api/v1/inspections?itemId=${item.id}&state=PENDING`)
      .set(grader.auth)
      .expect(200);
    return queued.body.items[0].id as string;
  };

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`a grader grades with photos from the phone camera (${lang})`, async () => {
      const say = catalogue(lang);
      const inspectionId = await queueInspection();
      const page = await rig.login(grader, { lang, phone: true });
      await page.goto(`${rig.base}/console/warehouse/inspections/${inspectionId}`);
      await page.getByRole('button', { name: say('inspections.claim') }).click();
      const form = page.getByRole('form', { name: say('screens.inspection') });
      await form.locator('.toggle').first().waitFor();

      // The photo check opens the phone's back camera.
      const camera = form.locator('input[type=file]');
      expect(await camera.getAttribute('accept')).toBe('image/*');
      expect(await camera.getAttribute('capture')).toBe('environment');
      await form.getByText(say('photos.take')).waitFor();

      // Something that is not a photo is refused, in Chinese, and nothing is added.
      await camera.setInputFiles({
        name: 'notes.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('not a photo'),
      });
      await form
        .getByRole('alert')
        .filter({ hasText: say('errors.title.unsupported_media_type') })
        .waitFor();
      expect(await form.locator('.photo-strip figure').count()).toBe(0);

      await answerPerfectPhone(form);
      // All four are uploaded before their thumbnails are checked (they arrive one by one).
      await form.getByText(say('photos.countOfMin', { count: 4, min: 4 })).waitFor();
      expect(await allImagesLoaded(page, '.photo-strip img.photo-thumb')).toBe(4);
      // One taken by mistake is removed again before grading.
      await form.getByRole('button', { name: say('photos.removeNth', { n: 4 }) }).click();
      await form.getByText(say('photos.countOfMin', { count: 3, min: 4 })).waitFor();
      await camera.setInputFiles(await cameraShots(1));
      await form.getByText(say('photos.countOfMin', { count: 4, min: 4 })).waitFor();
      const computed = form.getByLabel(say('inspections.computed'));
      await computed.locator('.grade', { hasText: exactly(say('grades.premium')) }).waitFor();
      await rig.screenshot(page, `warehouse-inspection-photos-phone-${lang}`);
      expect(await axeSerious(page)).toEqual([]);
      await form
        .getByRole('button', {
          name: say('inspections.submitAs', { grade: say('grades.premium') }),
        })
        .click();
      await form
        .getByRole('alertdialog')
        .getByRole('button', { name: say('common.confirm') })
        .click();
      await page.getByText(say('inspections.graded')).waitFor();

      // The report shows the four photos; they are the ones uploaded, attached to the inspection.
      const shown = page.getByRole('region', { name: say('photos.title') });
      await shown.locator('img').nth(3).waitFor();
      expect(await allImagesLoaded(page, 'section[aria-label] .photo-strip img')).toBe(4);
      await rig.screenshot(page, `warehouse-inspection-graded-photos-${lang}`);
      expect(await axeSerious(page)).toEqual([]);
      const rows = await rig.t.dataSource.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM photo_attachments
        WHERE subject_kind = 'inspection' AND subject_id = $1`,
        [inspectionId],
      );
      expect(rows[0].n).toBe(4);
      const report = await rig.t.http
        .get(`/api/v1/inspections/${inspectionId}`)
        .set(grader.auth)
        .expect(200);
      expect(report.body.answers.photos).toEqual(
        report.body.attachedPhotos.map((p: { id: string }) => p.id),
      );
      await page.close();
    });
  }

  it('a merchant adds listing photos; the market shows them to anyone', async () => {
    const { t } = rig;
    const admin: HttpUser = { ...(await t.user('admin')), role: 'admin' };
    const a = accounts(t, admin);
    const warehouseId = await a.organisation('warehouse', { cityCode: '310100' });
    const merchantOrg = await a.organisation('merchant');
    const [seller, courier, warehouseGrader] = await Promise.all([
      a.user('customer'),
      a.user('courier'),
      a.user('warehouse', { organisationId: warehouseId }),
    ]);
    const merchant = await t.user('merchant', { organisationId: merchantOrg });
    await t.http
      .put(`/api/v1/couriers/${courier.id}`)
      .set(admin.auth)
      .send({ capacityPerWindow: 20, areaCodes: ['310100'] })
      .expect(200);
    const { phones } = await tradeInPhones(
      t,
      { admin, owner: seller, courier, grader: warehouseGrader },
      { answers: idealAnswers(PHONE_STANDARD) },
    );
    const listing = await listItem(t, merchant, phones[0].itemId);

    const page = await rig.login(merchant, { lang: LANG });
    await page.goto(`${rig.base}/console/merchant/listings/${listing.id}`);
    const photos = page.getByRole('region', { name: say('photos.listing') });
    await photos.getByText(say('photos.take')).waitFor();
    await photos.locator('input[type=file]').setInputFiles(await cameraShots(2));
    await photos.locator('.photo-strip figure').nth(1).waitFor();
    await photos.getByText(say('photos.count', { count: 2 })).waitFor();
    await rig.screenshot(page, 'merchant-listing-photos');
    expect(await axeSerious(page)).toEqual([]);
    await page.close();

    // Anyone, signed out: the market's card and the listing page show the pictures.
    const visitor = await rig.page({ lang: LANG });
    await visitor.goto(`${rig.base}/market`);
    const title = (await t.http.get(`/api/v1/market/listings/${listing.id}`).expect(200)).body
      .title as string;
    const card = visitor.getByRole('img', { name: say('photos.ofListing', { title, n: 1 }) });
    await card.first().waitFor();
    expect(await allImagesLoaded(visitor, '.card img.photo-thumb')).toBeGreaterThan(0);
    expect(await axeSerious(visitor)).toEqual([]);
    await visitor.goto(`${rig.base}/market/listings/${listing.id}`);
    await visitor.getByRole('img', { name: say('photos.ofListing', { title, n: 2 }) }).waitFor();
    expect(await allImagesLoaded(visitor, '.market-photos img')).toBe(2);
    await rig.screenshot(visitor, 'market-listing-photos');
    expect(await axeSerious(visitor)).toEqual([]);
    await visitor.close();
  });

  it('support adds a photo to a case', async () => {
    const { t } = rig;
    const support = await t.user('support');
    const opened = await t.http
      .post('/api/v1/support/cases')
      .set(support.auth)
      .send({ kind: 'price-dispute', summary: '客户说屏幕没有划痕' })
      .expect(201);
    const page = await rig.login(support, { lang: LANG });
    await page.goto(`${rig.base}/console/support/cases/${opened.body.id as string}`);
    const photos = page.getByRole('region', { name: say('photos.title') });
    await photos.getByText(say('photos.count', { count: 0 })).waitFor();
    await photos.locator('input[type=file]').setInputFiles(await cameraShots(1));
    await photos.getByText(say('photos.count', { count: 1 })).waitFor();
    expect(await allImagesLoaded(page, '.photo-strip img.photo-thumb')).toBe(1);
    expect(await axeSerious(page)).toEqual([]);
    // Added photos stay with the case: no remove button here.
    expect(
      await photos.getByRole('button', { name: say('photos.removeNth', { n: 1 }) }).count(),
    ).toBe(0);
    await page.close();
  });
});
