// `npm start [api|worker|all]`: build if the sources changed (tsc is incremental), build the
// console if it is missing or older than its sources, then start.
// The server itself creates the database if missing and applies migrations under a lock.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { buildConsole } from './console-build.mjs';

const mode = process.argv[2] ?? 'all';
if (existsSync('node_modules/typescript')) {
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
} else if (!existsSync('dist/src/main.js')) {
  console.error('reloop: no build found and no TypeScript to build with: run `npm ci` first');
  process.exit(1);
}
if (mode !== 'worker' && existsSync('node_modules/vite')) {
  const status = buildConsole({ ifStale: true });
  if (status !== 0) process.exit(status);
}
const child = spawnSync(process.execPath, ['dist/src/main.js', mode], { stdio: 'inherit' });
process.exit(child.status ?? 1);
