// `npm run test:faults [-- --short] [jest args]`: build, then the fault-injection suite
// (test/faults) against throwaway PostgreSQL and Redis servers, then docs/reliability.md from
// the figures. `--short` (or FAULTS_SCALE=short) is the CI size.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const short = args.includes('--short') || process.env.FAULTS_SCALE === 'short';
const rest = args.filter((a) => a !== '--short');
const env = { ...process.env, FAULTS_SCALE: short ? 'short' : 'full' };

const run = (cmd, argv) => spawnSync(cmd, argv, { stdio: 'inherit', env }).status ?? 1;
if (!process.env.FAULTS_DIST) {
  const built = run('npx', ['tsc', '-p', 'tsconfig.build.json']);
  if (built !== 0) process.exit(built);
}
const status = run(process.execPath, [
  '--experimental-vm-modules',
  '--disable-warning=ExperimentalWarning',
  'node_modules/jest/bin/jest.js',
  '--config',
  'test/faults/jest.config.mjs',
  '--runInBand',
  ...rest,
]);
run(process.execPath, ['scripts/reliability-report.mjs']);
process.exit(status);
