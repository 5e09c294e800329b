import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applyGradingStandards } from '../../src/catalog/catalog.seed.js';
import { CatalogService } from '../../src/catalog/catalog.service.js';
import { DEMO_CATEGORIES } from '../../src/catalog/data/demo-catalog.js';
import { CONFIG_DIR, operatorDataFolder } from '../../src/config/operator-data.js';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import {
  DEMO_STANDARDS,
  PHONE_STANDARD,
  type StandardFile,
  standardOfFile,
} from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers, standardFingerprint } from '../../src/catalog/standards/grade-engine.js';
import { InspectionsService } from '../../src/grading/inspections.service.js';
import { DEMO_AREAS } from '../../src/service-areas/engine/demo-areas.js';
import { applyOperatorConfig } from '../../src/seed/config-apply.js';
import { seedContext } from '../support/fixtures.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

/** `npm run config:apply` (issue 20 point 4) on a fresh database, twice, then with a change. */
describe('config:apply', () => {
  let t: TestApp;
  let grader: TestUser;
  const log: string[] = [];
  const ctx = () => seedContext(t, { log: (line: string) => log.push(line) });

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /**
   * Everything config:apply writes, as it is in the tables. Categories and standards are
   * compared whole; the older sets' upserts touch `updated_at` on every run, so it is left out.
   */
  const snapshot = async () => {
    const rows = <T = Record<string, unknown>>(sql: string) => t.dataSource.query<T[]>(sql);
    const values = async (sql: string) =>
      (await rows(sql)).map(({ updated_at: _touched, ...r }) => r);
    return {
      standards: await rows<{ code: string; version: number; fingerprint: string }>(
        `SELECT id, code, version, fingerprint, definition, created_at FROM grading_standards
         ORDER BY code, version`,
      ),
      categories: await rows<{ code: string; parent_code: string | null; level: number }>(
        `SELECT c.*, p.code AS parent_code FROM categories c
         LEFT JOIN categories p ON p.id = c.parent_id ORDER BY c.code`,
      ),
      organisations: await values('SELECT * FROM organisations ORDER BY name'),
      areas: await values('SELECT * FROM service_areas ORDER BY city_code'),
      districts: await values('SELECT * FROM service_area_districts ORDER BY code'),
      stores: await values('SELECT * FROM drop_off_stores ORDER BY code'),
    };
  };

  it('writes the files to a fresh database, and a second run changes nothing', async () => {
    await applyOperatorConfig(ctx());
    const first = await snapshot();
    // Every standard at its first version, exactly as the files say (vehicles start at 2).
    expect(first.standards.map((s) => [s.code, s.version, s.fingerprint])).toEqual(
      DEMO_STANDARDS.map((s) => [s.code, s.version, standardFingerprint(s)]).sort((a, b) =>
        String(a[0]).localeCompare(String(b[0])),
      ),
    );
    expect(first.standards.find((s) => s.code === 'vehicle')?.version).toBe(2);
    // The tree as the file has it: every category with its parent and level.
    expect(first.categories.map((c) => [c.code, c.parent_code, c.level])).toEqual(
      DEMO_CATEGORIES.map((c) => [c.code, c.parentCode, c.level]).sort((a, b) =>
        String(a[0]).localeCompare(String(b[0])),
      ),
    );
    const smartphones = await t.app.get(CatalogService).findLeafByCode('smartphones');
    expect(smartphones).toMatchObject({ standardCode: 'phone', requiresErasure: true });
    expect(first.areas).toHaveLength(DEMO_AREAS.length);
    expect(log).toContain(
      'grading standards: published ' +
        DEMO_STANDARDS.map((s) => `${s.code} v${s.version}`).join(', '),
    );

    log.length = 0;
    await applyOperatorConfig(ctx());
    expect(await snapshot()).toEqual(first);
    expect(log).toContain('grading standards: unchanged');
  });

  it('a changed standard becomes the next version; an inspection under the old one keeps it', async () => {
    // An item of the phone family, claimed by a grader under phone v1.
    grader = await t.user('warehouse');
    const leaf = await t.app.get(CatalogService).findLeafByCode('smartphones');
    const open = () =>
      t.dataSource.transaction(async (m) => {
        const item = await t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
          categoryId: leaf?.id ?? '',
          ownerId: grader.id,
          custodian: { kind: 'warehouse', id: grader.organisationId ?? '' },
          erasureStatus: 'not_required',
        });
        return t.app
          .get(InspectionsService)
          .open(m, SYSTEM_ACTOR, item.id, grader.organisationId ?? '', null);
      });
    const claim = async (id: string) =>
      t.http.post(`/api/v1/inspections/${id}/claim`).set(grader.auth).send({}).expect(200);
    const preview = (id: string) =>
      t.http
        .post(`/api/v1/inspections/${id}/preview`)
        .set(grader.auth)
        .send({ answers: { ...idealAnswers(PHONE_STANDARD), battery_health: 82 } })
        .expect(200);
    const before = await open();
    expect((await claim(before.id)).body.standard).toMatchObject({ code: 'phone', version: 1 });
    const v1 = (await snapshot()).standards.filter((s) => s.code === 'phone');

    // The operator raises the battery threshold from 80 % to 85 % in phone.yaml.
    const dir = mkdtempSync(join(tmpdir(), 'reloop-config-apply-'));
    cpSync(CONFIG_DIR, dir, { recursive: true });
    const phoneFile = join(dir, 'grading-standards', 'phone.yaml');
    const text = readFileSync(phoneFile, 'utf8');
    const changed = text.replace(
      /(checkId: battery_health\n\s+condition:\n\s+op: lt\n\s+value:) 80/,
      '$1 85',
    );
    expect(changed).not.toBe(text);
    writeFileSync(phoneFile, changed);
    const files = operatorDataFolder<StandardFile>('grading-standards', undefined, dir).map((f) =>
      standardOfFile(f.data),
    );

    const apply = () => t.dataSource.transaction((m) => applyGradingStandards(ctx(), m, files));
    expect(await apply()).toEqual(['phone v2']);
    expect(await apply()).toEqual([]);
    const after = await snapshot();
    const phone = after.standards.filter((s) => s.code === 'phone');
    expect(phone.map((s) => s.version)).toEqual([1, 2]);
    expect(phone[0]).toEqual(v1[0]);
    expect(after.standards).toHaveLength(DEMO_STANDARDS.length + 1);

    // The inspection claimed under v1 still grades under v1: 82 % passes there.
    const old = await preview(before.id);
    expect(old.body.standard).toMatchObject({ code: 'phone', version: 1 });
    expect(old.body.grade).toBe('premium');
    const report = await t.http.get(`/api/v1/inspections/${before.id}`).set(grader.auth);
    expect(report.body.standard).toMatchObject({
      version: 1,
      fingerprint: standardFingerprint(PHONE_STANDARD),
    });
    // A new one is graded under v2, where 82 % is below the threshold.
    const later = await open();
    expect((await claim(later.id)).body.standard).toMatchObject({ code: 'phone', version: 2 });
    const now = await preview(later.id);
    expect(now.body.standard).toMatchObject({ code: 'phone', version: 2 });
    expect(now.body.grade).toBe('good');

    // The shipped phone.yaml (back at 80 %) differs from the latest version (v2), so applying
    // it publishes v3: the file is what applies, whatever was published in between.
    expect(await t.dataSource.transaction((m) => applyGradingStandards(ctx(), m))).toEqual([
      'phone v3',
    ]);
  });
});
