import { ValuationRefitService } from '../../src/valuation/valuation-refit.service.js';
import { seedMarketSales } from '../../src/valuation/valuation.seed.js';
import { ValuationService } from '../../src/valuation/valuation.service.js';
import type { TestApp } from './test-app.js';

/**
 * Reference data for the valuation engine, as the demo seed loads it before the first user
 * arrives: `salesCount` synthetic market sales from the seeded generator, then the nightly fit
 * run once ('seed'), so quotes price from the first request.
 */
export async function loadMarketSales(
  t: Pick<TestApp, 'app' | 'dataSource'>,
  opts: { seed: number; salesCount: number },
): Promise<void> {
  await seedMarketSales(t.dataSource, t.app.get(ValuationService), opts);
  await t.app.get(ValuationRefitService).refit('seed');
}
