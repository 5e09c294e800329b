import { ValuationRefitService } from '../../src/valuation/valuation-refit.service.js';
import { seedMarketSales } from '../../src/valuation/valuation.seed.js';
import { ValuationService } from '../../src/valuation/valuation.service.js';
import type { TestApp } from './test-app.js';

/**
 * The valuation's reference data, as the demo seed's valuation step loads it: a synthetic sales
 * history over the catalog's product models (this seed and size), then a first fit. Load the
 * catalog first (loadReferenceData).
 */
export async function loadMarketSales(
  t: Pick<TestApp, 'app' | 'dataSource'>,
  options: { seed: number; salesCount: number },
): Promise<void> {
  await seedMarketSales(t.dataSource, t.app.get(ValuationService), options);
  await t.app.get(ValuationRefitService).refit('seed');
}
