import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { CatalogService } from '../../src/catalog/catalog.service.js';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { OpenVehiclePaperwork } from '../../src/core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { computeCheckDigit } from '../../src/vehicles/domain/vin.js';
import { catalogue, type ConsoleRig, type Say, startConsoleRig } from '../support/browser.js';
import { loadReferenceData } from '../support/http-journey.js';
import type { TestUser } from '../support/test-app.js';

jest.setTimeout(240_000);

async function axeSerious(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const MODEL = 'toyota-camry-2020-2-5g';
let serial = Date.now() % 100_000;

function newVin(): string {
  const body = `LVGBE40K0KP${String(++serial).padStart(6, '0')}`;
  return `${body.slice(0, 8)}${computeCheckDigit(body)}${body.slice(9)}`;
}

/**
 * The vehicle paperwork screen (issue 22 point 5): warehouse staff of the warehouse that last
 * held a sold car find its ownership transfer in the list (the car by model, VIN and trace code,
 * and what is missing), block it with a reason, unblock it and record it with the authority's
 * document number and scan; the selling merchant completes registration on the same screen.
 */
describe('console: vehicle paperwork (browser)', () => {
  let rig: ConsoleRig;
  let clerk: TestUser;
  let merchant: TestUser;
  let buyer: TestUser;
  let modelName: string;

  beforeAll(async () => {
    rig = await startConsoleRig();
    const { t } = rig;
    await loadReferenceData(t);
    [clerk, merchant, buyer] = await Promise.all([
      t.user('warehouse'),
      t.user('merchant'),
      t.user('customer'),
    ]);
    const [m] = await t.dataSource.query<Array<{ brand: string; model: string }>>(
      'SELECT brand, model FROM product_models WHERE code = $1',
      [MODEL],
    );
    modelName = `${m.brand} ${m.model}`;
  });
  afterAll(() => rig?.close());

  /** Setup (API): a car held by the clerk's warehouse, sold by the merchant: its three tasks. */
  const soldCar = async () => {
    const { t } = rig;
    const vin = newVin();
    const [row] = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM product_models WHERE code = $1',
      [MODEL],
    );
    const categoryId = (await t.app.get(CatalogService).getProductModel(row.id)).categoryId;
    const item = await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        categoryId,
        productModelId: row.id,
        vin,
        ownerId: null,
        custodian: { kind: 'warehouse', id: clerk.organisationId },
        erasureStatus: 'not_required',
        state: 'RECEIVED',
      }),
    );
    await t.app
      .get(JobHandlerRegistry)
      .get(OpenVehiclePaperwork.name)!
      .run(
        {
          saleOrderId: randomUUID(),
          itemIds: [item.id],
          merchantOrganisationId: merchant.organisationId,
          buyerId: buyer.id,
        },
        { jobId: `test-${randomUUID()}`, attempt: 1, maxAttempts: 1 },
      );
    return { vin, traceCode: item.traceCode };
  };

  /** The list's row of a car's task, opened. */
  const openTask = async (page: Page, say: Say, vin: string, kind: string) => {
    await page.goto(`${rig.base}/console/vehicles/paperwork`);
    const table = page.getByRole('table', { name: say('paperwork.listTitle') });
    const row = table.getByRole('row').filter({ hasText: vin });
    await row.getByRole('link', { name: say(`paperwork.kinds.${kind}`) }).click();
    await page.getByRole('heading', { level: 1, name: say(`paperwork.kinds.${kind}`) }).waitFor();
  };

  const stateIs = (page: Page, say: Say, state: string) =>
    page
      .getByRole('heading', { level: 1 })
      .locator('.badge', { hasText: say(`states.${state}`) })
      .waitFor();

  const confirm = (scope: Locator, say: Say) =>
    scope
      .getByRole('alertdialog')
      .getByRole('button', { name: say('common.confirm') })
      .click();

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`warehouse staff block, unblock and record a sold car's transfer (${lang})`, async () => {
      const say = catalogue(lang);
      const { vin, traceCode } = await soldCar();
      const page = await rig.login(clerk, { lang, phone: true });

      // The list (in the menu): the car by model, VIN and trace code, and what is missing.
      await page.goto(`${rig.base}/console/vehicles/paperwork`);
      const table = page.getByRole('table', { name: say('paperwork.listTitle') });
      const row = table.getByRole('row').filter({ hasText: vin });
      await row.waitFor();
      const text = (await row.textContent()) ?? '';
      expect(text).toContain(modelName);
      expect(text).toContain(traceCode);
      expect(text).toContain(say('paperwork.needs.ownership-transfer'));
      expect(text).toContain(say('states.OPEN'));
      // The warehouse sees only the transfer: registration and insurance are the merchant's.
      expect(await table.getByRole('row').filter({ hasText: vin }).count()).toBe(1);
      await page.getByRole('button', { name: say.pattern('common.exportCsv') }).waitFor();
      await rig.screenshot(page, `paperwork-list-phone-${lang}`);
      expect(await axeSerious(page)).toEqual([]);

      await openTask(page, say, vin, 'ownership-transfer');
      await stateIs(page, say, 'OPEN');
      const facts = page.getByRole('definition');
      expect((await facts.allTextContents()).join(' ')).toContain(traceCode);
      await page.getByText(say('paperwork.whoTransfer')).waitFor();

      // Blocked with a reason: the reason shows as what holds it up.
      await page.getByRole('button', { name: say('paperwork.block') }).click();
      const block = page.getByRole('form', { name: say('paperwork.blockTask') });
      // Nothing is marked wrong before the field is left or the form sent.
      expect(await block.locator('.field-error').count()).toBe(0);
      await block.getByRole('button', { name: say('paperwork.block') }).click();
      await block.locator('.field-error').first().waitFor();
      const reason = lang === 'en' ? 'Seller certificate missing' : '卖家登记证书未交';
      await block.getByLabel(say('paperwork.why')).fill(reason);
      await block.getByRole('button', { name: say('paperwork.block') }).click();
      await stateIs(page, say, 'BLOCKED');
      await page.getByText(say('paperwork.blocked', { reason })).waitFor();

      await page.getByRole('button', { name: say('paperwork.unblock') }).click();
      await stateIs(page, say, 'OPEN');

      // Recorded with the authority's number and the scan, after saying what that means.
      await page.getByRole('button', { name: say('paperwork.recordTransfer') }).click();
      const record = page.getByRole('form', { name: say('paperwork.recordTransfer') });
      const number = `SH-DMV-2026-${vin.slice(-6)}`;
      await record.getByLabel(say('paperwork.documentNumber')).fill(number);
      await record
        .getByLabel(say('paperwork.scanReference'))
        .fill(`scan://transfers/${number}.pdf`);
      await rig.screenshot(page, `paperwork-record-transfer-phone-${lang}`);
      expect(await axeSerious(page)).toEqual([]);
      await record.getByRole('button', { name: say('paperwork.recordTransfer') }).click();
      await record.getByText(say('paperwork.confirmTransfer'), { exact: false }).waitFor();
      await confirm(record, say);
      await stateIs(page, say, 'DONE');
      await page.getByText(say('paperwork.nothingMissing')).waitFor();
      expect((await facts.allTextContents()).join(' ')).toContain(number);
      expect(await page.getByRole('button', { name: say('paperwork.block') }).count()).toBe(0);
      await rig.screenshot(page, `paperwork-transfer-done-phone-${lang}`);
      expect(await axeSerious(page)).toEqual([]);

      // Back on the list, under "done".
      await page.getByRole('link', { name: `← ${say('screens.paperwork')}` }).click();
      await page.getByRole('combobox').selectOption('DONE');
      const done = table.getByRole('row').filter({ hasText: vin });
      await done.locator('.badge', { hasText: say('states.DONE') }).waitFor();
      expect(await done.textContent()).toContain(say('paperwork.nothingMissing'));
      await page.close();
    });

    it(`the selling merchant completes a car's registration (${lang})`, async () => {
      const say = catalogue(lang);
      const { vin } = await soldCar();
      const page = await rig.login(merchant, { lang, phone: true });
      await openTask(page, say, vin, 'registration');
      await page.getByText(say('paperwork.whoMerchant')).waitFor();
      // The transfer is not the merchant's to record.
      expect(
        await page.getByRole('button', { name: say('paperwork.recordTransfer') }).count(),
      ).toBe(0);
      await page.getByRole('button', { name: say('paperwork.markDone') }).click();
      const form = page.getByRole('form', { name: say('paperwork.completeTask') });
      await form.getByLabel(say('paperwork.reference')).fill('沪A·D12345');
      await form.getByRole('button', { name: say('paperwork.markDone') }).click();
      await confirm(form, say);
      await stateIs(page, say, 'DONE');
      await page.getByText('沪A·D12345').waitFor();
      // The sale's other tasks, with where they stand.
      const others = page.getByRole('region', { name: say('paperwork.sameSale') });
      await others.getByRole('link', { name: say('paperwork.kinds.insurance') }).waitFor();
      await rig.screenshot(page, `paperwork-merchant-registration-phone-${lang}`);
      expect(await axeSerious(page)).toEqual([]);
      await page.close();
    });
  }
});
