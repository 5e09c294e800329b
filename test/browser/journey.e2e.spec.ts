import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { catalogSeed } from '../../src/catalog/catalog.seed.js';
import type { SeedContext } from '../../src/seed/seed-context.js';
import { serviceAreasSeed } from '../../src/service-areas/service-areas.seed.js';
import { ValuationRefitService } from '../../src/valuation/valuation-refit.service.js';
import { seedMarketSales } from '../../src/valuation/valuation.seed.js';
import { ValuationService } from '../../src/valuation/valuation.service.js';
import { type ConsoleRig, startConsoleRig } from '../support/browser.js';
import { eventually, type TestUser } from '../support/test-app.js';

jest.setTimeout(120_000);

const OWNER_PHONE = '+8613900139017';

/** A fresh IMEI with a valid Luhn check digit. */
function newImei(): string {
  const body = `35${String(Date.now() % 1e12).padStart(12, '0')}`;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = body.charCodeAt(i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/**
 * The Done-when paths through the console only: the owner's trade-in is set up through the API
 * (the owner's own screens come with acquisition's), then a courier collects and delivers it, a
 * grader receives and grades it, support finds the order by phone number and reads its timeline,
 * and anyone reads its passport.
 */
describe('console: an item from the door to its grade (browser)', () => {
  let rig: ConsoleRig;
  let admin: TestUser;
  let owner: TestUser;
  let courier: TestUser;
  let grader: TestUser;
  let support: TestUser;
  let traceCode: string;
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
    await seedMarketSales(t.dataSource, t.app.get(ValuationService), { seed: 7, salesCount: 3000 });
    await t.app.get(ValuationRefitService).refit('seed');
    admin = await t.user('admin');
    const warehouse = await t.http
      .post('/api/v1/organisations')
      .set(admin.auth)
      .send({ kind: 'warehouse', name: 'Shanghai Minhang warehouse', cityCode: '310100' })
      .expect(201);
    grader = await t.user('warehouse', { organisationId: warehouse.body.id as string });
    courier = await t.user('courier');
    await t.http
      .put(`/api/v1/couriers/${courier.id}`)
      .set(admin.auth)
      .send({ capacityPerWindow: 10, areaCodes: ['310100'] })
      .expect(200);
    owner = await t.user('customer', { phone: OWNER_PHONE });
    support = await t.user('support');

    const [model] = await t.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM product_models WHERE code = 'apple-iphone-15-128'`,
    );
    const created = await t.http
      .post('/api/v1/trade-ins')
      .set(owner.auth)
      .send({
        channel: 'online',
        address: {
          cityCode: '310100',
          districtCode: '310104',
          line1: 'No. 1 Hongqiao Rd',
          contactName: 'Li Wei',
          contactPhone: OWNER_PHONE,
        },
        items: [
          {
            productModelId: model.id,
            declaredCondition: { condition: 'excellent', powersOn: true },
            imei: newImei(),
          },
        ],
      })
      .expect(201);
    const orderId = created.body.id as string;
    const quoted = await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${orderId}`).set(owner.auth).expect(200);
      return o.body.state === 'QUOTED' ? o.body : null;
    }, 30_000);
    await t.http
      .post(`/api/v1/trade-ins/${orderId}/accept`)
      .set(owner.auth)
      .send({ version: quoted.version })
      .expect(200);
    traceCode = quoted.items[0].traceCode as string;
    // Dispatch assigns the area's only courier; the console shows the promised day.
    const pickup = await eventually(async () => {
      const rows = await t.dataSource.query<
        Array<{ id: string; state: string; promised_date: string; version: number }>
      >(`SELECT id, state, promised_date::text, version FROM pickups WHERE customer_id = $1`, [
        owner.id,
      ]);
      return rows[0];
    }, 30_000);
    if (pickup.state === 'SCHEDULED') {
      await t.http
        .post(`/api/v1/pickups/${pickup.id}/assign`)
        .set(admin.auth)
        .send({ courierId: courier.id })
        .expect(200);
    }
    pickupDate = pickup.promised_date;
  }, 180_000);
  afterAll(() => rig?.close());

  it('a courier starts, collects (scanning the trace code) and delivers the pickup', async () => {
    const page = await rig.login(courier, { phone: true });
    await page.getByLabel('Day').fill(pickupDate);
    const card = page.locator('li.pickup', { hasText: traceCode });
    await card.getByRole('button', { name: 'Start' }).click();
    await card.getByRole('button', { name: 'Collect' }).click();
    const scan = card.getByLabel('Scan trace code');
    await scan.fill(traceCode.toLowerCase());
    await scan.press('Enter');
    await card.getByText(`✔ ${traceCode}`).waitFor();
    await rig.screenshot(page, 'courier-collect');
    await card.getByRole('button', { name: 'Confirm collection (1/1)' }).click();
    await card.locator('.badge', { hasText: /^COLLECTED$/ }).waitFor();
    await card.getByRole('button', { name: 'Deliver to warehouse' }).click();
    await card.locator('.badge', { hasText: /^DELIVERED$/ }).waitFor();
    await rig.screenshot(page, 'courier-delivered');
    await page.close();
  });

  it('a grader receives the parcel by scanning and grades the item from its standard', async () => {
    const page = await rig.login(grader);
    // The parcel is expected once receiving has handled the delivery (a background job).
    await eventually(async () => {
      const r = await rig.t.http
        .get('/api/v1/receiving/parcels?state=EXPECTED')
        .set(grader.auth)
        .expect(200);
      return r.body.items.length > 0;
    }, 30_000);
    const scan = page.getByLabel('Scan seal or trace code');
    await scan.fill(traceCode);
    await scan.press('Enter');
    await page.getByText(/parcel received/).waitFor();
    await rig.screenshot(page, 'warehouse-received');

    await page.getByRole('link', { name: 'Inspections' }).click();
    await page.getByRole('link', { name: traceCode }).click();
    await page.getByRole('button', { name: 'Claim' }).click();
    const form = page.getByRole('form', { name: 'Inspection' });
    await form.waitFor();
    // Answer every check: first option of each choice, "Yes" to yes/no, the top of each range.
    for (const select of await form.locator('select').all()) {
      const values = await select
        .locator('option')
        .evaluateAll((os) =>
          os.map((o) => (o as unknown as { value: string }).value).filter(Boolean),
        );
      await select.selectOption(values.includes('true') ? 'true' : values[0]);
    }
    for (const input of await form.locator('input[type=number]').all()) {
      await input.fill((await input.getAttribute('max')) ?? '1');
    }
    for (const input of await form.locator('input:not([type=number])').all()) {
      await input.fill('photo-front, photo-back, photo-left, photo-right');
    }
    const computed = form.getByLabel('Computed grade');
    await computed.waitFor();
    const grade = (await computed.locator('.grade').textContent()) ?? '';
    expect(['premium', 'good', 'scrap']).toContain(grade);
    await rig.screenshot(page, 'warehouse-inspection-preview');
    await form.getByRole('button', { name: `Submit grade: ${grade}` }).click();
    await page.getByText('Graded.').waitFor();
    await rig.screenshot(page, 'warehouse-graded');
    const [item] = await rig.t.dataSource.query<Array<{ grade: string }>>(
      'SELECT grade FROM items WHERE trace_code = $1',
      [traceCode],
    );
    expect(item.grade).toBe(grade);
    await page.close();
  });

  it('support finds the order by the phone number and reads its timeline', async () => {
    const page = await rig.login(support);
    await page.getByLabel(/Order number, phone/).fill('139 0013 9017');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: traceCode }).click();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.waitFor();
    await expect(timeline.textContent()).resolves.toMatch(/collect/);
    await rig.screenshot(page, 'support-timeline');
    await page.close();
  });

  it('anyone reads the item passport with its grade and QR label', async () => {
    const page = await rig.page();
    await page.goto(`${rig.base}/t/${traceCode}`);
    await page.getByRole('heading', { name: `Item passport ${traceCode}` }).waitFor();
    await page.getByText(/intact/).waitFor();
    await page.getByRole('img', { name: `QR label for ${traceCode}` }).waitFor();
    await rig.screenshot(page, 'passport');
    await page.close();
  });
});
