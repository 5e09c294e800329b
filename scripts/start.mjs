// `npm start [api|worker|all]`: build if the sources changed (tsc is incremental), build the
// console if it is missing or older than its sources, then start.
// The server itself creates the database if missing and applies migrations under a lock. In
// development, a missing PostgreSQL or Redis is started for the run (scripts/dev-services.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { buildConsole } from './console-build.mjs';
import { ensureDevServices } from './dev-services.mjs';

const mode = process.argv[2] ?? 'all';
if (existsSync('node_modules/typescript')) {
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
} else if (!existsSync('dist/src/main.js')) {
  console.error('reloop: no build found and no TypeScript to build with: run `npm ci` first');
  process.exit(1);
}
if (mode !== 'worker' && mode !== 'station' && existsSync('node_modules/vite')) {
  const status = buildConsole({ ifStale: true });
  if (status !== 0) process.exit(status);
}
// On a developer's machine the erasure simulator stands in for a wiping station, so a fresh
// machine shows the whole journey. It erases nothing; production refuses it (issue 17).
const env = { ...process.env };
if (mode !== 'station' && env.NODE_ENV !== 'production' && !env.ERASURE_STATION) {
  env.ERASURE_STATION = 'simulated';
  console.log(
    'reloop: ERASURE_STATION=simulated (development start): the erasure simulator is on and erases nothing; set ERASURE_STATION=external to turn it off',
  );
}
// A machine without PostgreSQL or Redis: start them for this run (development only).
let services = { env, stop: async () => undefined };
if (mode !== 'station') {
  try {
    services = await ensureDevServices(env);
  } catch (err) {
    console.error(`reloop: ${err.message}`);
    process.exit(1);
  }
}
const child = spawn(process.execPath, ['dist/src/main.js', mode, ...process.argv.slice(3)], {
  stdio: 'inherit',
  env: services.env,
});
// Ctrl-C reaches the platform from the terminal itself; a SIGTERM sent to npm start is passed on.
// Either way this process waits for the platform to stop, then stops what it started.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
const [code, signal] = await new Promise((resolve) =>
  child.once('exit', (c, s) => resolve([c, s])),
);
await services.stop();
process.exit(code ?? (signal ? 1 : 0));
