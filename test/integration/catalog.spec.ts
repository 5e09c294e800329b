import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogService } from '../../src/catalog/catalog.service.js';
import {
  DEMO_CATEGORIES,
  DEMO_LEAF_CATEGORIES,
  DEMO_PRODUCT_MODELS,
} from '../../src/catalog/data/demo-catalog.js';
import { DEMO_STANDARDS } from '../../src/catalog/standards/demo-standards.js';
import { loadCatalog } from '../support/fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** The catalog's seed and service, without HTTP (moved from test/e2e/catalog.e2e.spec.ts). */
describe('catalog service and seed', () => {
  let t: TestApp;
  let catalog: CatalogService;

  beforeAll(async () => {
    t = await createTestApp();
    catalog = t.app.get(CatalogService);
    await loadCatalog(t);
  });
  afterAll(() => t.close());

  const count = async (table: string) =>
    Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  it('seeds the demo catalog idempotently: standards, a three-level tree, models', async () => {
    await loadCatalog(t);
    expect(await count('grading_standards')).toBe(DEMO_STANDARDS.length);
    expect(await count('categories')).toBe(DEMO_CATEGORIES.length);
    expect(await count('product_models')).toBe(DEMO_PRODUCT_MODELS.length);
    const leaves = await catalog.listLeaves();
    expect(leaves.length).toBe(DEMO_LEAF_CATEGORIES.length);
    expect(leaves.length).toBeGreaterThanOrEqual(40);
    const phones = await catalog.findLeafByCode('smartphones');
    expect(phones).toMatchObject({
      level: 3,
      requiresErasure: true,
      identifier: 'imei',
      standardCode: 'phone',
    });
    const path = await catalog.path(phones?.id ?? '');
    expect(path.map((c) => c.name)).toEqual(['Digital', 'Phones', 'Smartphones']);
    const iphone = await catalog.findProductModelByCode('apple-iphone-15-128');
    expect(iphone).toMatchObject({ launchPriceMinor: 599900, currency: 'CNY' });
  });

  it('answers 400 for a branch and 404 for an unknown id in getLeaf', async () => {
    const branch = await catalog.findCategoryByCode('phones');
    await expect(catalog.getLeaf(branch?.id ?? '')).rejects.toMatchObject({ status: 400 });
    await expect(catalog.getLeaf('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      catalog.getProductModel('00000000-0000-4000-8000-000000000000'),
    ).rejects.toMatchObject({ status: 404 });
    expect(await catalog.findLeafByCode('phones')).toBeNull();
  });
});
