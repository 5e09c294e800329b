import { accountsSeed } from './accounts.seed.js';
import { catalogSeed } from '../catalog/catalog.seed.js';
import { logisticsSeed } from '../logistics/logistics.seed.js';
import { serviceAreasSeed } from '../service-areas/service-areas.seed.js';
import { valuationSeed } from '../valuation/valuation.seed.js';
import { resaleSeed } from '../resale/resale.seed.js';
import { vehiclesSeed } from '../vehicles/vehicles.seed.js';
import type { SeedContext, SeedStep } from './seed-context.js';

/** The demo seed, in dependency order. Each stage module adds its own step. */
export const SEED_STEPS: SeedStep[] = [
  accountsSeed,
  catalogSeed,
  serviceAreasSeed,
  logisticsSeed,
  valuationSeed,
  resaleSeed,
  vehiclesSeed,
];

/** Runs every step in order (idempotent: a second run changes nothing). */
export async function seedDemo(ctx: SeedContext): Promise<void> {
  for (const step of SEED_STEPS) {
    ctx.log(`seeding ${step.name}…`);
    await step.run(ctx);
  }
}
