import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_LEAF_CATEGORIES } from '../../src/catalog/data/demo-catalog.js';
import { DEMO_STANDARDS, PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { standardFingerprint } from '../../src/catalog/standards/grade-engine.js';
import type { GradingStandard } from '../../src/catalog/standards/standard.js';
import { loadCatalog } from '../support/fixtures.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

interface CategoryNode {
  id: string;
  code: string;
  level: number;
  leaf: boolean;
  children: CategoryNode[];
  requiresErasure?: boolean;
  standardCode?: string;
}

describe('catalog', () => {
  let t: TestApp;
  let admin: TestUser;
  let customer: TestUser;
  let warehouse: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    await loadCatalog(t);
    admin = await t.user('admin');
    customer = await t.user('customer');
    warehouse = await t.user('warehouse');
  });
  afterAll(() => t.close());

  it('serves the tree and filtered flat lists to anyone', async () => {
    const tree = await t.http.get('/api/v1/categories').expect(200);
    const roots = tree.body.items as CategoryNode[];
    expect(roots.map((r) => r.code)).toContain('digital');
    const digital = roots.find((r) => r.code === 'digital') as CategoryNode;
    const phones = digital.children.find((c) => c.code === 'phones') as CategoryNode;
    expect(phones.level).toBe(2);
    expect(phones.children.map((c) => c.code)).toContain('smartphones');
    expect(phones.children.every((c) => c.leaf && c.level === 3)).toBe(true);

    const erasable = await t.http
      .get('/api/v1/categories?view=flat&level=3&requiresErasure=true')
      .expect(200);
    const items = erasable.body.items as CategoryNode[];
    expect(items.length).toBe(DEMO_LEAF_CATEGORIES.filter((c) => c.requiresErasure).length);
    expect(items.every((c) => c.requiresErasure === true && c.level === 3)).toBe(true);

    const byStandard = await t.http.get('/api/v1/categories?standardCode=bag').expect(200);
    expect((byStandard.body.items as CategoryNode[]).map((c) => c.code)).toContain('handbags');

    const one = await t.http.get(`/api/v1/categories/${phones.id}`).expect(200);
    expect(one.body.path.map((p: { code: string }) => p.code)).toEqual(['digital', 'phones']);
    await t.http.get('/api/v1/categories/00000000-0000-4000-8000-000000000000').expect(404);
    await t.http.get('/api/v1/categories?level=7').expect(400);
  });

  it('searches product models by category and text, with keyset pages', async () => {
    const leaves = await t.http.get('/api/v1/categories?view=flat&level=3').expect(200);
    const leaf = (leaves.body.items as CategoryNode[]).find((c) => c.code === 'smartphones');
    const res = await t.http
      .get(`/api/v1/product-models?categoryId=${leaf?.id}&q=iphone`)
      .expect(200);
    const found = res.body.items as Array<{
      brand: string;
      categoryId: string;
      launchPrice: unknown;
    }>;
    expect(found.length).toBeGreaterThan(2);
    expect(found.every((m) => m.brand === 'Apple' && m.categoryId === leaf?.id)).toBe(true);
    expect(found[0].launchPrice).toMatchObject({ currency: 'CNY' });

    const first = await t.http.get('/api/v1/product-models?limit=30').expect(200);
    expect(first.body.items).toHaveLength(30);
    const second = await t.http
      .get(`/api/v1/product-models?limit=30&cursor=${first.body.nextCursor}`)
      .expect(200);
    const ids = new Set(
      [...first.body.items, ...second.body.items].map((m: { id: string }) => m.id),
    );
    expect(ids.size).toBe(60);
    await t.http.get('/api/v1/product-models?cursor=garbage').expect(400);
  });

  it('lets admins manage the tree, with the leaf rules enforced', async () => {
    const post = (body: object, who: TestUser = admin) =>
      t.http.post('/api/v1/categories').set(who.auth).send(body);
    await post({ code: 'toys', name: 'Toys', nameZh: '玩具' }, customer).expect(403);
    await post({ code: 'toys', name: 'Toys', nameZh: '玩具' }, warehouse).expect(403);
    await t.http.post('/api/v1/categories').send({ code: 'toys' }).expect(401);

    const root = (await post({ code: 'toys', name: 'Toys', nameZh: '玩具' }).expect(201)).body;
    expect(root).toMatchObject({ level: 1, leaf: false, parentId: null });
    await post({
      code: 'toys-x',
      name: 'X',
      nameZh: 'X',
      identifier: 'none',
    }).expect(400);
    const mid = (
      await post({
        code: 'building-sets',
        name: 'Building sets',
        nameZh: '积木',
        parentId: root.id,
      }).expect(201)
    ).body;
    const incomplete = await post({
      code: 'brick-sets',
      name: 'Brick sets',
      nameZh: '拼砌套装',
      parentId: mid.id,
    }).expect(400);
    expect(incomplete.body.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['identifier', 'standardCode']),
    );
    const leafBody = {
      code: 'brick-sets',
      name: 'Brick sets',
      nameZh: '拼砌套装',
      parentId: mid.id,
      identifier: 'none',
      standardCode: 'clothing',
      typicalWeightGrams: 800,
      scrapValueMinor: 0,
    };
    await post({ ...leafBody, standardCode: 'no-such-standard' }).expect(400);
    await post({ ...leafBody, requiresErasure: true }).expect(400);
    await post({ ...leafBody, storageMedia: [{ type: 'tape', interface: 'usb' }] }).expect(400);
    const leaf = (await post(leafBody).expect(201)).body;
    expect(leaf).toMatchObject({ level: 3, leaf: true, requiresErasure: false, storageMedia: [] });
    await post(leafBody).expect(409);
    await post({ ...leafBody, code: 'under-a-leaf', parentId: leaf.id }).expect(400);

    const patched = await t.http
      .patch(`/api/v1/categories/${leaf.id}`)
      .set(admin.auth)
      .send({ storageMedia: [{ type: 'flash', interface: 'usb' }], name: 'Smart brick sets' })
      .expect(200);
    expect(patched.body).toMatchObject({ requiresErasure: true, name: 'Smart brick sets' });
    await t.http
      .patch(`/api/v1/categories/${mid.id}`)
      .set(admin.auth)
      .send({ identifier: 'serial' })
      .expect(400);

    // Product models belong to leaves.
    const model = {
      code: 'lego-technic-42115',
      brand: 'LEGO',
      model: 'Technic Lamborghini Sián 42115',
      categoryId: leaf.id,
      launchDate: '2020-06-01',
      launchPrice: { amountMinor: 299900, currency: 'CNY' },
    };
    await t.http
      .post('/api/v1/product-models')
      .set(admin.auth)
      .send({ ...model, categoryId: mid.id })
      .expect(400);
    await t.http
      .post('/api/v1/product-models')
      .set(admin.auth)
      .send({ ...model, launchDate: '2021-02-30' })
      .expect(400);
    await t.http
      .post('/api/v1/product-models')
      .set(admin.auth)
      .send({ ...model, launchPrice: { amountMinor: 1.5, currency: 'CNY' } })
      .expect(400);
    const created = (
      await t.http.post('/api/v1/product-models').set(admin.auth).send(model).expect(201)
    ).body;
    expect(created.launchPrice).toEqual({ amountMinor: 299900, currency: 'CNY' });
    const updated = await t.http
      .patch(`/api/v1/product-models/${created.id}`)
      .set(admin.auth)
      .send({ launchPrice: { amountMinor: 319900, currency: 'CNY' } })
      .expect(200);
    expect(updated.body.launchPrice.amountMinor).toBe(319900);

    // In use → 409; unused → gone.
    await t.http.delete(`/api/v1/categories/${leaf.id}`).set(admin.auth).expect(409);
    await t.http.delete(`/api/v1/product-models/${created.id}`).set(admin.auth).expect(204);
    await t.http.delete(`/api/v1/categories/${leaf.id}`).set(admin.auth).expect(204);
    await t.http.get(`/api/v1/categories/${leaf.id}`).expect(404);
  });
});

describe('grading standards', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    await loadCatalog(t);
    admin = await t.user('admin');
  });
  afterAll(() => t.close());

  it('lists the latest version of each family, publicly, with a reproducible fingerprint', async () => {
    const res = await t.http.get('/api/v1/grading-standards').expect(200);
    expect(res.body.items).toHaveLength(DEMO_STANDARDS.length);
    const phone = (
      res.body.items as Array<{
        code: string;
        version: number;
        fingerprint: string;
        definition: GradingStandard;
      }>
    ).find((s) => s.code === 'phone');
    expect(phone?.version).toBe(1);
    expect(phone?.fingerprint).toBe(standardFingerprint(PHONE_STANDARD));
    // The stored JSONB round-trips to the same fingerprint.
    expect(standardFingerprint(phone?.definition as GradingStandard)).toBe(phone?.fingerprint);
  });

  it('publishes a new version without touching the old one', async () => {
    const v1 = (await t.http.get('/api/v1/grading-standards?code=phone').expect(200)).body.items[0];
    const draft = {
      ...PHONE_STANDARD,
      version: 99, // ignored: the next version is assigned
      description: 'Version 2: stricter cosmetics',
      rules: PHONE_STANDARD.rules.map((r) =>
        r.id === 'cosmetic-limit' && r.kind === 'severity-count' ? { ...r, moreThan: 1 } : r,
      ),
    };
    await t.http
      .post('/api/v1/grading-standards')
      .set((await t.user('warehouse')).auth)
      .send({ definition: draft })
      .expect(403);
    const v2 = await t.http
      .post('/api/v1/grading-standards')
      .set(admin.auth)
      .send({ definition: draft })
      .expect(201);
    expect(v2.body).toMatchObject({ code: 'phone', version: 2, publishedBy: admin.id });
    expect(v2.body.fingerprint).not.toBe(v1.fingerprint);

    const all = await t.http
      .get('/api/v1/grading-standards?code=phone&allVersions=true')
      .expect(200);
    expect(all.body.items.map((s: { version: number }) => s.version)).toEqual([2, 1]);
    const old = await t.http.get(`/api/v1/grading-standards/${v1.id}`).expect(200);
    expect(old.body.fingerprint).toBe(v1.fingerprint);
    expect(old.body.definition.description).toBe(PHONE_STANDARD.description);
    const latest = await t.http.get('/api/v1/grading-standards?code=phone').expect(200);
    expect(latest.body.items[0].version).toBe(2);
  });

  it('refuses an invalid or malformed definition with the problems named', async () => {
    const unknownCheck = {
      ...PHONE_STANDARD,
      rules: [
        ...PHONE_STANDARD.rules,
        {
          id: 'ghost',
          kind: 'answer',
          checkId: 'no_such_check',
          condition: { op: 'in', values: [true] },
          grade: 'scrap',
          label: 'Ghost',
        },
      ],
    };
    const res = await t.http
      .post('/api/v1/grading-standards')
      .set(admin.auth)
      .send({ definition: unknownCheck })
      .expect(400);
    expect(res.body.message).toContain('unknown check no_such_check');
    for (const definition of [
      { code: 'x', checks: 'nope' },
      { ...PHONE_STANDARD, checks: [{ id: 'a', kind: 'laser' }] },
      { ...PHONE_STANDARD, rules: [{ id: 'r', kind: 'answer', grade: 'good', condition: 5 }] },
    ]) {
      await t.http
        .post('/api/v1/grading-standards')
        .set(admin.auth)
        .send({ definition })
        .expect(400);
    }
    await t.http
      .post('/api/v1/grading-standards')
      .set(admin.auth)
      .send({ definition: 'phone' })
      .expect(400);
  });
});
