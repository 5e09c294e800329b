// Builds the console (console/ → console/dist) with Vite. `--if-stale` builds only when the
// dist is missing or older than a console source, so `npm start` and `npm test` stay fast.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const CONSOLE = join(ROOT, 'console');
const BUILT = join(CONSOLE, 'dist', 'index.html');
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'tsconfig.json', 'public'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export function consoleIsStale() {
  if (!existsSync(BUILT)) return true;
  const built = statSync(BUILT).mtimeMs;
  return SOURCES.some((s) => newest(join(CONSOLE, s)) > built);
}

/** Returns the exit status (0 when built or already fresh). */
export function buildConsole({ ifStale = false } = {}) {
  if (ifStale && !consoleIsStale()) return 0;
  if (!existsSync(join(ROOT, 'node_modules', 'vite'))) {
    console.error('reloop: cannot build the console without dev dependencies: run `npm ci`');
    return 1;
  }
  console.log('reloop: building the console (vite build)');
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'console/vite.config.ts',
    ],
    // A production bundle even when NODE_ENV=test (CI, Jest) would give React's dev build.
    { stdio: 'inherit', cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' } },
  );
  return r.status ?? 1;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  process.exit(buildConsole({ ifStale: process.argv.includes('--if-stale') }));
}
