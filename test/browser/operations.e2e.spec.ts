import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { catalogSeed } from '../../src/catalog/catalog.seed.js';
import { CatalogService } from '../../src/catalog/catalog.service.js';
import { GradingStandardsService } from '../../src/catalog/grading-standards.service.js';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { HistoryService } from '../../src/core/history/history.service.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { RecyclingRequested, RefurbishmentRequested } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { PickupsService } from '../../src/logistics/pickups.service.js';
import type { SeedContext } from '../../src/seed/seed-context.js';
import { serviceAreasSeed } from '../../src/service-areas/service-areas.seed.js';
import {
  answerPerfectPhone,
  catalogue,
  type ConsoleRig,
  exactly,
  startConsoleRig,
} from '../support/browser.js';
import { eventually, type TestUser } from '../support/test-app.js';

const say = catalogue('en');

jest.setTimeout(60_000);

/**
 * The partners' and admins' screens, through the console. Set up through the API and services
 * (marked): the catalog, partners and staff, a smartphone graded *good* sent to refurbishment,
 * a scrapped item in a recycling lot, one booked pickup. Then, in the browser: a technician
 * repairs the phone (parts with serials), the warehouse passes its QC; the warehouse seals and
 * hands over the recycling lot, the recycler settles it; an admin reads grader calibration and
 * pickups per window against capacity; a merchant reads its performance.
 */
describe('console: repair, recycling and the admin pictures (browser)', () => {
  let rig: ConsoleRig;
  let admin: TestUser;
  let warehouse: TestUser;
  let technician: TestUser;
  let recyclerStaff: TestUser;
  let merchant: TestUser;
  let refurbishmentItemId: string;
  let pickupDate: string;

  beforeAll(async () => {
    rig = await startConsoleRig();
    const { t } = rig;
    const ctx: SeedContext = {
      app: t.app,
      dataSource: t.dataSource,
      organisations: {},
      users: {},
      log: () => undefined,
    };
    await catalogSeed.run(ctx);
    await serviceAreasSeed.run(ctx);
    const partner = await t.organisation('partner', { refurbishes: ['digital'], recycles: false });
    const recycler = await t.organisation('partner', { refurbishes: [], recycles: true });
    [admin, warehouse, technician, recyclerStaff, merchant] = await Promise.all([
      t.user('admin'),
      t.user('warehouse'),
      t.user('technician', { organisationId: partner }),
      t.user('technician', { organisationId: recycler }),
      t.user('merchant'),
    ]);

    // API setup: what grading's disposition does for a good phone and for a scrap item.
    const catalog = t.app.get(CatalogService);
    const leaf = await catalog.findLeafByCode('smartphones');
    const model = await catalog.findProductModelByCode('apple-iphone-15-pro-128');
    const std = await t.app.get(GradingStandardsService).latest('phone');
    if (!leaf || !model || !std) throw new Error('catalog not seeded');
    const register = (grade: 'good' | 'scrap') =>
      t.dataSource.transaction(async (m) => {
        const item = await t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
          categoryId: leaf.id,
          productModelId: model.id,
          custodian: { kind: 'warehouse', id: warehouse.organisationId },
          erasureStatus: 'not_required',
          state: 'RECEIVED',
        });
        await m.query('UPDATE items SET grade = $2 WHERE id = $1', [item.id, grade]);
        await t.app.get(HistoryService).append(m, [item.id], {
          type: 'Inspection.complete',
          entity: 'Inspection',
          entityId: randomUUID(),
          fromState: 'IN_PROGRESS',
          toState: 'COMPLETED',
          actor: SYSTEM_ACTOR,
          data: {
            grade,
            standard: { id: std.id, code: std.code, version: std.version },
            findings: [
              { checkId: 'battery_health', label: 'Battery health', severity: 'functional' },
            ],
          },
        });
        return t.app.get(TransitionService).apply(ItemMachine, {
          manager: m,
          id: item.id,
          action: grade === 'good' ? 'send-to-refurbishment' : 'scrap',
          actor: SYSTEM_ACTOR,
          jobs: [
            grade === 'good'
              ? job(RefurbishmentRequested, {
                  itemId: item.id,
                  inspectionId: null,
                  warehouseId: warehouse.organisationId!,
                })
              : job(RecyclingRequested, {
                  itemId: item.id,
                  warehouseId: warehouse.organisationId!,
                  reason: 'graded scrap',
                }),
          ],
        });
      });
    refurbishmentItemId = (await register('good')).id;
    const scrapId = (await register('scrap')).id;
    await eventually(async () => {
      const [o] = await t.dataSource.query<Array<{ state: string }>>(
        'SELECT state FROM refurbishment_orders WHERE item_id = $1',
        [refurbishmentItemId],
      );
      const lot = await t.dataSource.query<unknown[]>(
        `SELECT 1 FROM item_events WHERE item_id = $1 AND type = 'RecyclingLot.item-added'`,
        [scrapId],
      );
      return o?.state === 'ASSIGNED' && lot.length === 1;
    }, 30_000);

    // API setup: one booked pickup in Shanghai.
    const owner = await t.user('customer');
    const item = await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        ownerId: owner.id,
        custodian: { kind: 'owner', id: owner.id },
        erasureStatus: 'not_required',
        state: 'DECLARED',
      }),
    );
    const pickup = await t.app.get(PickupsService).schedule({
      direction: 'inbound',
      source: { kind: 'trade-in', id: randomUUID() },
      customerId: owner.id,
      itemIds: [item.id],
      address: {
        cityCode: '310100',
        districtCode: '310104',
        line1: 'No. 1 Hongqiao Rd',
        contactName: 'Li Wei',
        contactPhone: '+8613800138000',
      },
      warehouseId: warehouse.organisationId!,
      requestedAt: new Date().toISOString(),
      specialPackaging: false,
    });
    pickupDate = String(pickup.promisedDate);
  }, 90_000);
  afterAll(() => rig?.close());

  const orderState = async () =>
    (
      await rig.t.dataSource.query<Array<{ state: string }>>(
        'SELECT state FROM refurbishment_orders WHERE item_id = $1',
        [refurbishmentItemId],
      )
    )[0].state;

  it('a technician repairs the phone, recording a part with its serials', async () => {
    const page = await rig.login(technician);
    await page.getByRole('heading', { name: 'Repair orders' }).waitFor();
    await page.getByRole('link', { name: /^digital · / }).click();
    await page.getByRole('button', { name: 'Start repair' }).click();
    await page.getByLabel('Diagnosis (optional now)').fill('Battery worn, holds 72 %');
    await page
      .getByRole('form', { name: 'Start repair' })
      .getByRole('button', { name: 'Start repair' })
      .click();
    const part = page.getByRole('form', { name: 'Record part' });
    await part.waitFor();
    await part.getByLabel('Part', { exact: true }).fill('Battery');
    await part.getByLabel('Serial fitted').fill('BAT-NEW-0001');
    await part.getByLabel('Serial removed').fill('BAT-OLD-0001');
    await part.getByLabel('Cost (CNY)').fill('90');
    await part.getByRole('button', { name: 'Record part' }).click();
    await page.getByRole('cell', { name: 'BAT-NEW-0001' }).waitFor();
    await page.getByRole('button', { name: 'Finish repair' }).click();
    const finish = page.getByRole('form', { name: 'Finish repair' });
    await finish.getByLabel('Labour (minutes)').fill('45');
    await finish.getByLabel('Labour cost (CNY)').fill('60');
    await finish.getByRole('button', { name: 'Finish repair' }).click();
    await page.locator('.badge', { hasText: exactly(say('states.QC')) }).waitFor();
    await rig.screenshot(page, 'technician-repaired');
    expect(await orderState()).toBe('QC');
    await page.close();
  });

  it('the warehouse passes the quality check from the item’s grading standard', async () => {
    const page = await rig.login(warehouse);
    await page.getByRole('link', { name: 'Refurbishment QC' }).click();
    await page.getByRole('link', { name: /^digital · / }).click();
    const qc = page.getByRole('form', { name: 'Quality check' });
    await qc.locator('select').first().waitFor();
    await answerPerfectPhone(qc);
    await qc.getByRole('button', { name: 'Submit QC' }).click();
    await page.locator('.badge', { hasText: exactly(say('states.DONE')) }).waitFor();
    await page
      .getByText(/passed as premium/)
      .first()
      .waitFor();
    await rig.screenshot(page, 'warehouse-qc-passed');
    await page.close();
  });

  it('the warehouse seals and hands over the recycling lot; the recycler settles it', async () => {
    const page = await rig.login(warehouse);
    await page.getByRole('link', { name: 'Recycling lots' }).click();
    const lot = page.locator('li.card').first();
    await lot.getByRole('button', { name: 'Seal' }).click();
    await lot.getByLabel('Seal number (optional)').fill('SEAL-7781');
    await lot.getByRole('form', { name: 'Seal lot' }).getByRole('button', { name: 'Seal' }).click();
    await lot.locator('.badge', { hasText: exactly(say('states.SEALED')) }).waitFor();
    await lot.getByRole('button', { name: 'Hand over' }).click();
    await lot.getByLabel("Recycler's person taking the lot").fill('Zhao Lei');
    await lot.getByLabel('Signature or acknowledgement code').fill('ACK-2231');
    await lot
      .getByRole('form', { name: 'Hand over lot' })
      .getByRole('button', { name: 'Hand over' })
      .click();
    await lot.locator('.badge', { hasText: exactly(say('states.HANDED_OVER')) }).waitFor();
    await rig.screenshot(page, 'warehouse-lot-handed-over');
    await page.close();

    const recycler = await rig.login(recyclerStaff);
    await recycler.getByRole('heading', { name: 'Repair orders' }).waitFor();
    await recycler.getByRole('link', { name: 'Recycling lots' }).click();
    const card = recycler.locator('li.card').first();
    await card.getByRole('button', { name: 'Settle' }).click();
    await card.getByLabel('Value paid (CNY)').fill('12.5');
    await card.getByLabel('Certificate reference').fill('GR-2026-0042');
    await card
      .getByRole('form', { name: 'Settle lot' })
      .getByRole('button', { name: 'Settle' })
      .click();
    await card.locator('.badge', { hasText: exactly(say('states.SETTLED')) }).waitFor();
    await card.getByText(/recycling GR-2026-0042/).waitFor();
    await rig.screenshot(recycler, 'recycler-settled');
    await recycler.close();
  });

  it('an admin reads grader calibration and pickups per window against capacity', async () => {
    const page = await rig.login(admin);
    await page.getByRole('link', { name: 'Calibration' }).click();
    await page.getByRole('heading', { name: 'Grader calibration' }).waitFor();
    await page.getByLabel('Overall agreement').waitFor();
    await page.getByRole('figure', { name: 'Agreement per category (%)' }).waitFor();
    await rig.screenshot(page, 'admin-calibration');

    await page.getByRole('link', { name: 'Service areas' }).click();
    await page.getByRole('button', { name: /^Shanghai/ }).click();
    await page.getByLabel('Day').fill(pickupDate);
    await page
      .getByRole('figure', {
        name: `Pickups per window against capacity in Shanghai on ${pickupDate}`,
      })
      .waitFor();
    await page.getByText(/^1 of \d+ places booked\.$/).waitFor();
    await page.getByRole('img', { name: /Pickups per window against capacity/ }).waitFor();
    await rig.screenshot(page, 'admin-pickup-load');
    await page.close();
  });

  it('a merchant reads its performance with its chart', async () => {
    const page = await rig.login(merchant);
    await page.getByRole('link', { name: 'Performance' }).click();
    const figures = page.getByLabel('Figures');
    await figures.waitFor();
    for (const label of ['Return rate', 'Grade mismatch rate', 'Time to ship']) {
      await figures.getByText(label).waitFor();
    }
    await page.getByRole('img', { name: 'Orders from checkout to return' }).waitFor();
    await page.getByRole('link', { name: 'Vehicle paperwork' }).click();
    await page.getByText('No paperwork here.').waitFor();
    await page.getByRole('link', { name: 'Returns' }).click();
    await page.getByText('No returns.').waitFor();
    await rig.screenshot(page, 'merchant-returns');
    await page.close();
  });
});
