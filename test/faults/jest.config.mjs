// `npm run test:faults`: the fault-injection suite, apart from `npm test`. It starts its own
// PostgreSQL and Redis and runs the built platform as separate processes; one file at a time.
import { fileURLToPath } from 'node:url';
import { sources } from '../../jest.config.mjs';

export default {
  ...sources,
  rootDir: fileURLToPath(new URL('../..', import.meta.url)),
  testMatch: ['<rootDir>/test/faults/**/*.faults.ts'],
  maxWorkers: 1,
  forceExit: true,
  testTimeout: 600_000,
};
