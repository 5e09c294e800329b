// `npm test`: build (start-up tests run the built server) and the console (browser tests drive
// it), then the whole Jest suite against the PostgreSQL and Redis named by TEST_DATABASE_URL /
// TEST_REDIS_URL (local defaults).
import { spawnSync } from 'node:child_process';
import { buildConsole } from './console-build.mjs';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('npx', ['tsc', '-p', 'tsconfig.build.json']);
const consoleStatus = buildConsole({ ifStale: true });
if (consoleStatus !== 0) process.exit(consoleStatus);
run(process.execPath, [
  '--experimental-vm-modules',
  '--disable-warning=ExperimentalWarning',
  'node_modules/jest/bin/jest.js',
  ...process.argv.slice(2),
]);
