/**
 * Summarises a V8 CPU profile (`.cpuprofile`, e.g. from `BENCH_CPU_PROF_DIR=dir npm run bench`)
 * as markdown: self time by package or area, then the top functions by self time, as shares of
 * the busy time (idle left out). Usage: node dist/bench-build/bench/profile-summary.js FILE [N]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)']);

function area(url: string): string {
  if (!url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const own = /\/dist\/src\/([^/]+)/.exec(url);
  if (own) return `reloop ${own[1]}`;
  return url.replace(/^.*\//, '');
}

function main(): void {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary FILE [N]');
  const top = Number(n ?? 30);
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(prof.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    total += us;
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    const where = url
      ? ` ${url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '')}:${lineNumber + 1}`
      : '';
    byFunction.set(name + where, (byFunction.get(name + where) ?? 0) + us);
    const a = SPECIAL.has(name) ? name : area(url);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => ((100 * us) / busy).toFixed(1);
  const sorted = (m: Map<string, number>, k: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  const out = [
    `Profile: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (shares below are of busy time, self time only).`,
    '',
    '| self % | package or area |',
    '| ---: | --- |',
    ...sorted(byArea, 20).map(([k, v]) => `| ${pct(v)} | ${k} |`),
    '',
    '| self % | function |',
    '| ---: | --- |',
    ...sorted(byFunction, top).map(([k, v]) => `| ${pct(v)} | \`${k}\` |`),
  ];
  console.log(out.join('\n'));
}

main();
