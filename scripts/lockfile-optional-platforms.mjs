// The npm registry reachable from our machines serves only the linux-x64 builds of packages
// that ship one binary package per platform (@swc/core-*, @unrs/resolver-binding-*, ...), so
// `npm install` cannot record the other platforms in package-lock.json and `npm ci` then
// refuses the lock as "out of sync". This adds the missing optional entries (version and
// optional flag, with os/cpu read from the name) so that `npm ci` skips them on every platform
// where they do not apply. Run it after `npm install` changes the lock: `npm run lock:fix`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const OS = [
  'darwin',
  'linux',
  'win32',
  'freebsd',
  'android',
  'openharmony',
  'sunos',
  'aix',
  'netbsd',
  'openbsd',
];
const CPU = [
  'arm64',
  'x64',
  'ia32',
  'arm',
  'ppc64',
  's390x',
  'riscv64',
  'loong64',
  'mips64el',
  'wasm32',
];
let added = 0;
for (const [path, pkg] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    const top = `node_modules/${name}`;
    if (lock.packages[base] || lock.packages[top]) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.find((p) => CPU.includes(p) || p === 'arm');
    if (!os && !cpu) continue; // not a per-platform binary package: leave it to npm
    lock.packages[top] = {
      version: String(version).replace(/^[\^~]/, ''),
      optional: true,
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu === 'gnueabihf' ? 'arm' : cpu] } : {}),
    };
    added++;
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`lockfile: added ${added} optional platform entr${added === 1 ? 'y' : 'ies'}`);
