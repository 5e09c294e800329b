import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { catalogue, type ConsoleRig, startConsoleRig } from '../support/browser.js';
import { registerStation, type TestStation } from '../support/stations.js';
import { eventually, type TestUser } from '../support/test-app.js';

const LANG = 'zh-CN';
const say = catalogue(LANG);

jest.setTimeout(90_000);

/**
 * The warehouse's erasure screen, in Chinese: a queued wipe is put on a registered station (the
 * device named, asked first), and the station's progress shows as it reports it. Set up through
 * the API (marked): the station, an item with one drive, its wipe queued.
 */
describe('console: data erasure on a station (browser)', () => {
  let rig: ConsoleRig;
  let warehouse: TestUser;
  let station: TestStation;
  let erasureId: string;
  let itemId: string;

  beforeAll(async () => {
    // One verified overwrite is NIST Clear on a magnetic drive: what a station (nwipe) does.
    rig = await startConsoleRig({ ERASURE_STATION: 'external', ERASURE_POLICY: 'nist-clear' });
    const { t } = rig;
    warehouse = await t.user('warehouse');
    // Setup: a station of the warehouse, and a drive whose wipe waits for one.
    station = await registerStation(t, await t.user('admin'), warehouse.organisationId!, '1号工位');
    const item = await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        ownerId: null,
        custodian: { kind: 'warehouse', id: warehouse.organisationId },
        erasureStatus: 'pending',
        state: 'RECEIVED',
      }),
    );
    itemId = item.id;
    const medium = await t.http
      .post(`/api/v1/items/${item.id}/storage-media`)
      .set(warehouse.auth)
      .send({ mediaType: 'hdd', serial: 'WD-WCAYU7654321', capacityBytes: 500e9 });
    expect(medium.status).toBe(201);
    const started = await t.http.post(`/api/v1/items/${item.id}/start-erasure`).set(warehouse.auth);
    expect(started.status).toBeLessThan(300);
    erasureId = (started.body as { items: Array<{ id: string }> }).items[0].id;
  });
  afterAll(() => rig?.close());

  it('puts a queued wipe on a station and follows its progress', async () => {
    const page = await rig.login(warehouse, { lang: LANG });
    await page.getByRole('link', { name: say('screens.erasure') }).click();
    await page.getByRole('heading', { level: 1, name: say('erasures.title') }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(itemId.slice(0, 8)) });
    await row.getByText(say('erasures.notAssigned')).waitFor();
    expect(await row.textContent()).toContain(say('states.QUEUED'));
    await row.getByRole('button', { name: say('erasures.manage') }).click();
    await page
      .getByRole('heading', { name: say('erasures.manageTitle', { item: itemId.slice(0, 8) }) })
      .waitFor();

    // A report that is not the station's JSON is a mistake on the form, said in Chinese.
    await page.getByLabel(say('erasures.import.label')).fill('不是 JSON');
    await page.getByRole('button', { name: say('erasures.import.submit') }).click();
    const alert = page.getByRole('alert').filter({ hasText: say('erasures.import.notJson') });
    await alert.waitFor();
    expect(await alert.textContent()).toContain(say('errors.fieldsNeedAttention'));

    // Wiping overwrites the device: the screen asks first, naming it.
    await page.getByLabel(say('erasures.assign.station')).selectOption({ label: station.name });
    await page.getByLabel(say('erasures.assign.device')).fill('/dev/sdc');
    await page.getByRole('button', { name: say('erasures.assign.submit') }).click();
    const ask = page.getByRole('alertdialog');
    expect(await ask.textContent()).toContain(
      say('erasures.assign.confirm', { device: '/dev/sdc' }),
    );
    await ask.getByRole('button', { name: say('common.confirm') }).click();
    await row.getByText(`${station.name} /dev/sdc`).waitFor();

    // The station takes the wipe and reports how far it got; the screen refreshes on its own.
    const claimed = await station.post('/api/v1/station/claim', {});
    expect(claimed.body).toMatchObject({ job: { erasureId, device: '/dev/sdc' } });
    const progress = await station.post(`/api/v1/station/erasures/${erasureId}/progress`, {
      attempt: 1,
      phase: 'erasing',
      percent: 42.7,
      pass: 1,
      passes: 3,
    });
    expect(progress.status).toBe(204);
    const erasing = say('erasures.progress', {
      phase: say('erasures.phases.erasing'),
      percent: '42',
    });
    await eventually(async () => ((await row.textContent()) ?? '').includes(erasing), 15_000);
    expect(await row.textContent()).toContain(say('erasures.pass', { pass: 1, passes: 3 }));
    expect(await row.textContent()).toContain(say('states.RUNNING'));
    await rig.screenshot(page, 'erasure-station');
    await page.close();
  });
});
