import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CatalogService } from '../../src/catalog/catalog.service.js';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import type { Item } from '../../src/core/items/item.entity.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { ParcelDelivered } from '../../src/core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import {
  axeSerious,
  cameraShots,
  catalogue,
  type ConsoleRig,
  exactly,
  startConsoleRig,
} from '../support/browser.js';
import { loadReferenceData } from '../support/http-journey.js';
import { readLabelPdf } from '../support/pdf-labels.js';
import { computeCheckDigit } from '../../src/vehicles/domain/vin.js';
import { eventually, type TestUser } from '../support/test-app.js';

jest.setTimeout(240_000);

/** The defects the grader finds: engine bay −5, body −2, start-up −2, road test −4 → 87 points. */
const DEFECTS: Record<string, string> = {
  engine_oil_leaks: 'severe',
  body_bonnet: 'severe',
  startup_idle: 'minor',
  road_braking: 'severe',
};

/**
 * Vehicles in the console (issue 22 point 5): a grader answers a car's GB/T 30323 checklist item
 * by item and sees the level computed as they go; warehouse staff print a parcel's QR labels.
 */
describe('console: vehicle checklist and label printing (browser)', () => {
  let rig: ConsoleRig;
  let clerk: TestUser;
  let admin: TestUser;
  let support: TestUser;

  beforeAll(async () => {
    rig = await startConsoleRig();
    const { t } = rig;
    await loadReferenceData(t);
    clerk = await t.user('warehouse');
    admin = await t.user('admin');
    support = await t.user('support');
    await t.http
      .put('/api/v1/grading/calibration/settings')
      .set(admin.auth)
      .send({ rate: 0 })
      .expect(200);
  });
  afterAll(() => rig?.close());

  /** Setup (API): items of a category delivered to the clerk's warehouse; the parcel's id. */
  const deliver = async (categoryCode: string, n: number) => {
    const { t } = rig;
    const leaf = await t.app.get(CatalogService).findLeafByCode(categoryCode);
    const items: Item[] = await t.dataSource.transaction(async (manager) => {
      const out: Item[] = [];
      for (let i = 0; i < n; i++) {
        const created = await t.app.get(ItemsService).register(manager, SYSTEM_ACTOR, {
          categoryId: leaf!.id,
          ownerId: null,
          custodian: { kind: 'courier', id: null },
          erasureStatus: 'not_required',
        });
        out.push(
          await t.app.get(TransitionService).apply(ItemMachine, {
            manager,
            id: created.id,
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
      .get(ParcelDelivered.name)!
      .run(
        {
          pickupId,
          warehouseId: clerk.organisationId!,
          sealNumber: null,
          itemIds: items.map((i) => i.id),
          source: { kind: 'trade-in' as const, id: randomUUID() },
          deliveredAt: new Date().toISOString(),
        },
        { jobId: 'test', attempt: 1, maxAttempts: 1 },
      );
    const [parcel] = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM parcels WHERE pickup_id = $1',
      [pickupId],
    );
    return { items, parcelId: parcel.id };
  };

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`a grader fills a car's checklist item by item and sees the level (${lang})`, async () => {
      const say = catalogue(lang);
      const { t } = rig;
      const { items, parcelId } = await deliver('sedans', 1);
      await t.http
        .post(`/api/v1/receiving/parcels/${parcelId}/receive`)
        .set(clerk.auth)
        .send({ traceCodes: [items[0].traceCode] })
        .expect(200);
      const queued = await t.http
        .get(`/api/v1/inspections?itemId=${items[0].id}&state=PENDING`)
        .set(clerk.auth)
        .expect(200);
      const page = await rig.login(clerk, { lang, phone: true });
      await page.goto(`${rig.base}/console/warehouse/inspections/${queued.body.items[0].id}`);
      await page.getByRole('button', { name: say('inspections.claim') }).click();
      const form = page.getByRole('form', { name: say('screens.inspection') });
      await form.locator('.toggle').first().waitFor();
      const computed = form.getByLabel(say('inspections.computed'));

      // The first item answered: the level is there at once, with the items still to answer.
      await form.locator('input[name="check-engine_oil_leaks"][value="severe"]').check();
      await computed.getByText(say('inspections.vehicle.level1')).waitFor();
      await computed
        .getByText(say('inspections.vehicle.points', { points: 15, max: 20 }))
        .waitFor();
      expect(await computed.textContent()).toMatch(
        lang === 'en' ? /item\(s\) still to answer/ : /项待检/,
      );

      // Every other item, one tap each: no defect, except the ones found.
      for (const toggle of await form.locator('.toggle').all()) {
        const name = (await toggle.locator('input').first().getAttribute('name')) ?? '';
        const id = name.replace(/^check-/, '');
        const values = await toggle
          .locator('input')
          .evaluateAll((is) => is.map((i) => (i as unknown as { value: string }).value));
        const value = DEFECTS[id] ?? (values.includes('ok') ? 'ok' : null);
        if (value) await toggle.locator(`input[value="${value}"]`).check();
        else {
          // Yes/No: the VIN and odometer checks pass; the structural points, flood and fire
          // traces are "fault present" items, answered No.
          const good = id === 'vin_matches' || id === 'odometer_consistent';
          await toggle.locator(`input[value="${good ? 'true' : 'false'}"]`).check();
        }
      }
      await form.locator('select').first().selectOption('complete');
      await form.locator('input[type=number]').first().fill('45000');
      const camera = form.locator('input[type=file]');
      await camera.setInputFiles(await cameraShots(9));
      await form.locator('.photo-strip figure').nth(8).waitFor();

      await computed.getByText(say('inspections.vehicle.level2')).waitFor();
      await computed.locator('.grade', { hasText: exactly(say('grades.good')) }).waitFor();
      await computed
        .getByText(say('inspections.score', { score: 87 }))
        .first()
        .waitFor();
      // The preview follows the last tap a moment later: wait for it to count every answer.
      await computed.filter({ hasNotText: /still to answer|项待检/ }).waitFor();
      await rig.screenshot(page, `warehouse-vehicle-checklist-phone-${lang}`);
      expect(await axeSerious(page)).toEqual([]);

      await form
        .getByRole('button', { name: say('inspections.submitAs', { grade: say('grades.good') }) })
        .click();
      await form
        .getByRole('alertdialog')
        .getByRole('button', { name: say('common.confirm') })
        .click();
      await page.getByText(say('inspections.graded')).waitFor();
      // The report keeps the level it was graded at.
      await page.getByText(say('inspections.vehicle.level2')).waitFor();
      expect(await axeSerious(page)).toEqual([]);
      await page.close();
    });

    it(`a warehouse clerk prints a parcel's QR labels as one PDF (${lang})`, async () => {
      const say = catalogue(lang);
      const { items } = await deliver('smartphones', 2);
      const page = await rig.login(clerk, { lang });
      await page.goto(`${rig.base}/console/warehouse/receiving`);
      const printing = page.getByRole('region', { name: say('labels.title') });
      await printing.getByRole('combobox').first().selectOption('EXPECTED');
      const row = printing.getByRole('row').filter({ hasText: items[0].traceCode });
      const button = row.getByRole('button', { name: say('labels.printParcel', { count: 2 }) });
      await button.waitFor();
      expect(await axeSerious(page)).toEqual([]);
      const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
      const path = await download.path();
      const { readFile } = await import('node:fs/promises');
      const pages = await readLabelPdf(await readFile(path));
      expect(pages.map((p) => [p.widthMm, p.heightMm, p.qr])).toEqual(
        items.map((i) => [50, 30, i.traceCode]),
      );
      await printing.getByRole('status').waitFor();
      await rig.screenshot(page, `warehouse-labels-${lang}`);
      await page.close();
    });

    it(`support sees the reading that went backwards on the rollback screen (${lang})`, async () => {
      const say = catalogue(lang);
      const { t } = rig;
      const body = `LVGBE40K0KR${String((Date.now() + (lang === 'en' ? 1 : 0)) % 1_000_000).padStart(6, '0')}`;
      const vin = `${body.slice(0, 8)}${computeCheckDigit(body)}${body.slice(9)}`;
      const read = (km: number, readOn: string, source: string) =>
        t.http
          .post(`/api/v1/vehicles/${vin}/mileage-readings`)
          .set(admin.auth)
          .send({ km, readOn, source })
          .expect(201);
      await read(150_000, '2024-05-01', 'listing');
      await read(60_000, '2025-06-01', 'owner-declaration');
      await eventually(async () => {
        const v = await t.http.get(`/api/v1/vehicles/${vin}`).set(support.auth).expect(200);
        return v.body.mileage.flagged ? v.body : null;
      }, 20_000);

      const page = await rig.login(support, { lang, phone: true });
      await page.goto(`${rig.base}/console/vehicles/mileage`);
      // The flagged list names the car; opening it shows the readings in date order.
      await page.getByRole('button', { name: vin }).click();
      const table = page.getByRole('table', { name: say('mileage.readingsTitle') });
      const backwards = table.getByRole('row').filter({ hasText: say('mileage.wentBackwards') });
      await backwards.first().waitFor();
      expect(await backwards.count()).toBe(1);
      expect(await backwards.textContent()).toContain(
        say('mileage.km', { km: 60000 }).split(' ')[0],
      );
      await page.getByRole('alert').getByText(say('mileage.flagged')).waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('90000');
      await rig.screenshot(page, `vehicles-mileage-rollback-phone-${lang}`);
      expect(await axeSerious(page)).toEqual([]);

      // A reading added from the screen joins the timeline.
      const form = page.getByRole('form', { name: say('mileage.addTitle') });
      await form.getByLabel(say('mileage.col.km')).fill('61000');
      await form.getByLabel(say('mileage.col.date')).fill('2025-07-01');
      await form.getByRole('button', { name: say('mileage.add') }).click();
      await table.getByRole('row').nth(3).waitFor();
      expect(await table.getByRole('row').count()).toBe(4);
      await page.close();
    });
  }
});
