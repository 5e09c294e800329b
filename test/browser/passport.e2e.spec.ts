import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogService } from '../../src/catalog/catalog.service.js';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { StartErasure } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { OutboxService } from '../../src/core/outbox/outbox.service.js';
import { Checkpoints } from '../../src/credentials/checkpoints.service.js';
import { SimulatedStation } from '../../src/erasure/domain/index.js';
import { ErasureStations } from '../../src/erasure/stations.js';
import { loadReferenceData } from '../support/http-journey.js';
import { catalogue, type ConsoleRig, startConsoleRig } from '../support/browser.js';
import { eventually, type TestUser } from '../support/test-app.js';

/**
 * Issue 24 point 6: the public passport page says in plain words who signed what — signed by
 * Reloop, history intact up to checkpoint #N, how many certificates are valid — offers the
 * signed passport for download, and shows no internal event names.
 */
describe('public passport page: verification in plain words (issue 24)', () => {
  let rig: ConsoleRig;
  let warehouse: TestUser;
  let traceCode: string;

  beforeAll(async () => {
    rig = await startConsoleRig();
    const { t } = rig;
    await loadReferenceData(t);
    t.app
      .get(ErasureStations)
      .use(new SimulatedStation({ seed: 'passport', failureRate: 0, verificationFailureRate: 0 }));
    warehouse = await t.user('warehouse');
    const catalog = t.app.get(CatalogService);
    const leaf = await catalog.findLeafByCode('smartphones');
    if (!leaf) throw new Error('catalog not seeded');
    const item = await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        categoryId: leaf.id,
        ownerId: null,
        custodian: { kind: 'warehouse', id: warehouse.organisationId! },
        erasureStatus: 'pending',
        state: 'RECEIVED',
      }),
    );
    traceCode = item.traceCode;
    await t.http
      .post(`/api/v1/items/${item.id}/storage-media`)
      .set(warehouse.auth)
      .send({ mediaType: 'flash', serial: 'PASSPORT-PAGE-1', capacityBytes: 128e9 })
      .expect(201);
    await t.dataSource.transaction((m) =>
      t.app.get(OutboxService).write(m, [
        job(StartErasure, {
          itemId: item.id,
          at: 'warehouse',
          organisationId: warehouse.organisationId,
          requestedBy: null,
        }),
      ]),
    );
    await eventually(async () => {
      const res = await t.http.get(`/api/v1/trace/${traceCode}`).expect(200);
      return (res.body.certificateCredentials as unknown[]).length === 1;
    }, 30_000);
    await t.app.get(Checkpoints).sign();
  }, 180_000);
  afterAll(() => rig?.close());

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`shows the signed checkpoint, the valid certificate and the download (${lang})`, async () => {
      const say = catalogue(lang);
      const page = await rig.page({ lang });
      await page.goto(`${rig.base}/t/${traceCode}`);
      await page
        .getByRole('heading', { name: say('passport.title', { code: traceCode }) })
        .waitFor();
      await page.getByText(say.pattern('passport.anchored', { n: 1 })).waitFor();
      await page.getByText(say.pattern('passport.certificatesValid_one', { count: 1 })).waitFor();
      const download = page.getByRole('link', { name: say('passport.download') });
      expect(await download.getAttribute('href')).toBe(`/api/v1/trace/${traceCode}/credential`);
      const text = await page.locator('main, body').first().innerText();
      // Internal event names (Machine.action) never reach the page.
      expect(text).not.toMatch(/\b(Item|Erasure|Certificate|SupportCase)\.[a-z-]+/);
      await rig.screenshot(page, `passport-verified-${lang}`);
      await page.close();
    });
  }
});
