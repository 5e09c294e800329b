import { accountsSeed } from './accounts.seed.js';
import type { SeedStep } from './seed-context.js';

/** The demo seed, in dependency order. Each stage module adds its own step. */
export const SEED_STEPS: SeedStep[] = [accountsSeed];
