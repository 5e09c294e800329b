// `npm run test:faults`: the fault-injection suite, apart from `npm test`. It starts its own
// PostgreSQL and Redis and runs the built platform as separate processes; one file at a time.
import { fileURLToPath } from 'node:url';
import base from '../../jest.config.mjs';

export default {
  ...base,
  rootDir: fileURLToPath(new URL('../..', import.meta.url)),
  testMatch: ['<rootDir>/test/faults/**/*.faults.ts'],
  globalSetup: undefined,
  maxWorkers: 1,
  testTimeout: 600_000,
};
