import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CatalogService } from '../../src/catalog/catalog.service.js';
import { GradingStandardsService } from '../../src/catalog/grading-standards.service.js';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { HistoryService } from '../../src/core/history/history.service.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { RecyclingRequested, RefurbishmentRequested } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { PickupSchedulingService } from '../../src/logistics/pickup-scheduling.service.js';
import { loadReferenceData } from '../support/fixtures.js';
import {
  answerPerfectPhone,
  catalogue,
  type ConsoleRig,
  exactly,
  startConsoleRig,
} from '../support/browser.js';
import { eventually, type TestUser } from '../support/test-app.js';

const LANG = 'zh-CN';
const say = catalogue(LANG);
const zh = { lang: LANG } as const;

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
    await loadReferenceData(t);
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
    const pickup = await t.app.get(PickupSchedulingService).schedule({
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
    const page = await rig.login(technician, zh);
    await page.getByRole('heading', { name: say('screens.repairOrders') }).waitFor();
    await page.getByRole('link', { name: /^digital · / }).click();
    await page.getByRole('button', { name: say('refurb.start') }).click();
    await page.getByLabel(say('refurb.diagnosisOptional')).fill('电池老化，容量 72%');
    await page
      .getByRole('form', { name: say('refurb.start') })
      .getByRole('button', { name: say('refurb.start') })
      .click();
    const part = page.getByRole('form', { name: say('refurb.recordPart') });
    await part.waitFor();
    await part.getByLabel(say('refurb.part'), { exact: true }).fill('电池');
    await part.getByLabel(say('refurb.serialIn')).fill('BAT-NEW-0001');
    await part.getByLabel(say('refurb.serialOut')).fill('BAT-OLD-0001');
    await part.getByLabel(say('refurb.cost')).fill('90');
    await part.getByRole('button', { name: say('refurb.recordPart') }).click();
    await page.getByRole('cell', { name: 'BAT-NEW-0001' }).waitFor();
    await page.getByRole('button', { name: say('refurb.finish') }).click();
    const finish = page.getByRole('form', { name: say('refurb.finish') });
    await finish.getByLabel(say('refurb.labourMinutes')).fill('45');
    await finish.getByLabel(say('refurb.labourCost')).fill('60');
    await finish.getByRole('button', { name: say('refurb.finish') }).click();
    await page.locator('.badge', { hasText: exactly(say('states.QC')) }).waitFor();
    await rig.screenshot(page, 'technician-repaired');
    expect(await orderState()).toBe('QC');
    await page.close();
  });

  it('the warehouse passes the quality check from the item’s grading standard', async () => {
    const page = await rig.login(warehouse, zh);
    await page.getByRole('link', { name: say('screens.refurbishmentQc') }).click();
    await page.getByRole('link', { name: /^digital · / }).click();
    const qc = page.getByRole('form', { name: say('refurb.qc') });
    await qc.locator('.toggle').first().waitFor();
    await answerPerfectPhone(qc);
    await qc.getByRole('button', { name: say('refurb.submitQc') }).click();
    await qc
      .getByRole('alertdialog')
      .getByRole('button', { name: say('common.confirm') })
      .click();
    await page.locator('.badge', { hasText: exactly(say('states.DONE')) }).waitFor();
    await page
      .getByText(say('refurb.qcPassed', { grade: say('grades.premium') }))
      .first()
      .waitFor();
    await rig.screenshot(page, 'warehouse-qc-passed');
    await page.close();
  });

  it('the warehouse seals and hands over the recycling lot; the recycler settles it', async () => {
    const page = await rig.login(warehouse, zh);
    await page.getByRole('link', { name: say('screens.recyclingLots') }).click();
    const lot = page.locator('li.card').first();
    await lot.getByRole('button', { name: say('recycling.seal') }).click();
    await lot.getByLabel(say('recycling.sealNumber')).fill('SEAL-7781');
    const seal = lot.getByRole('form', { name: say('recycling.sealTitle') });
    await seal.getByRole('button', { name: say('recycling.seal') }).click();
    await seal
      .getByRole('alertdialog')
      .getByRole('button', { name: say('common.confirm') })
      .click();
    await lot.locator('.badge', { hasText: exactly(say('states.SEALED')) }).waitFor();
    await lot.getByRole('button', { name: say('recycling.handOver') }).click();
    await lot.getByLabel(say('recycling.takenBy')).fill('赵磊');
    await lot.getByLabel(say('recycling.signature')).fill('ACK-2231');
    const handOver = lot.getByRole('form', { name: say('recycling.handOverTitle') });
    await handOver.getByRole('button', { name: say('recycling.handOver') }).click();
    await handOver
      .getByRole('alertdialog')
      .getByRole('button', { name: say('common.confirm') })
      .click();
    await lot.locator('.badge', { hasText: exactly(say('states.HANDED_OVER')) }).waitFor();
    await rig.screenshot(page, 'warehouse-lot-handed-over');
    await page.close();

    const recycler = await rig.login(recyclerStaff, zh);
    await recycler.getByRole('heading', { name: say('screens.repairOrders') }).waitFor();
    await recycler.getByRole('link', { name: say('screens.recyclingLots') }).click();
    const card = recycler.locator('li.card').first();
    await card.getByRole('button', { name: say('recycling.settle') }).click();
    await card.getByLabel(say('recycling.value')).fill('12.5');
    await card.getByLabel(say('recycling.certificateRef')).fill('GR-2026-0042');
    const settle = card.getByRole('form', { name: say('recycling.settleTitle') });
    await settle.getByRole('button', { name: say('recycling.settle') }).click();
    await settle
      .getByRole('alertdialog')
      .getByRole('button', { name: say('common.confirm') })
      .click();
    await card.locator('.badge', { hasText: exactly(say('states.SETTLED')) }).waitFor();
    await card.getByText(`${say('recycling.kinds.recycling')} GR-2026-0042`).waitFor();
    // The value paid, in yuan.
    await card.getByText(/¥12\.50/).waitFor();
    await rig.screenshot(recycler, 'recycler-settled');
    await recycler.close();
  });

  it('an admin reads grader calibration and pickups per window against capacity', async () => {
    const page = await rig.login(admin, zh);
    await page.getByRole('link', { name: say('screens.calibration') }).click();
    await page.getByRole('heading', { name: say('calibration.title') }).waitFor();
    await page.getByLabel(say('calibration.overall')).waitFor();
    await page.getByRole('figure', { name: say('calibration.perCategory') }).waitFor();
    await rig.screenshot(page, 'admin-calibration');

    await page.getByRole('link', { name: say('screens.serviceAreas') }).click();
    await page.getByRole('button', { name: /^Shanghai/ }).click();
    await page.getByLabel(say('common.day')).fill(pickupDate);
    // The day in words (2026年5月3日), not as the ISO date.
    const [y, m, d] = pickupDate.split('-').map(Number);
    await page
      .getByRole('figure', {
        name: say('areas.loadTitle', { city: '上海', day: `${y}年${m}月${d}日` }),
      })
      .waitFor();
    await page.getByText(say.pattern('areas.bookedOf', { booked: 1 })).waitFor();
    await page.getByRole('img', { name: say.pattern('areas.loadTitle') }).waitFor();
    await rig.screenshot(page, 'admin-pickup-load');
    await page.close();
  });

  it('a merchant reads its performance with its chart', async () => {
    const page = await rig.login(merchant, zh);
    await page.getByRole('link', { name: say('screens.performance') }).click();
    const figures = page.getByLabel(say('performance.figures'));
    await figures.waitFor();
    for (const key of ['returnRate', 'mismatchRate', 'timeToShip']) {
      await figures.getByText(say(`performance.${key}`), { exact: true }).waitFor();
    }
    await page.getByRole('img', { name: say('performance.funnel') }).waitFor();
    await page.getByRole('link', { name: say('screens.paperwork') }).click();
    await page.getByText(say('paperwork.none')).waitFor();
    await page.getByRole('link', { name: say('screens.returns'), exact: true }).click();
    await page.getByText(say('returns.none')).waitFor();
    await rig.screenshot(page, 'merchant-returns');
    await page.close();
  });
});
