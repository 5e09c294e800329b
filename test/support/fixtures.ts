import { catalogSeed } from '../../src/catalog/catalog.seed.js';
import type { SeedContext } from '../../src/seed/seed-context.js';
import { serviceAreasSeed } from '../../src/service-areas/service-areas.seed.js';
import type { TestApp } from './test-app.js';

/**
 * The fixtures an operator loads before the first user arrives, for tests: the demo seed's own
 * steps run against a test app, so a test starts from the same reference data as a fresh install.
 */

/** A seed context over a test app, with the organisations, users or log a step needs. */
export function seedContext(
  t: Pick<TestApp, 'app' | 'dataSource'>,
  known: Partial<Pick<SeedContext, 'organisations' | 'users' | 'log'>> = {},
): SeedContext {
  return {
    app: t.app,
    dataSource: t.dataSource,
    organisations: {},
    users: {},
    log: () => undefined,
    ...known,
  };
}

/** The category tree: grading standards, the three-level tree and the product models. */
export async function loadCatalog(t: Pick<TestApp, 'app' | 'dataSource'>): Promise<void> {
  await catalogSeed.run(seedContext(t));
}

/** The category tree (standards, models) and the service areas every journey needs. */
export async function loadReferenceData(t: Pick<TestApp, 'app' | 'dataSource'>): Promise<void> {
  const ctx = seedContext(t);
  await catalogSeed.run(ctx);
  await serviceAreasSeed.run(ctx);
}
