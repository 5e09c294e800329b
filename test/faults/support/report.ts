// Figures of the reliability suites (faults, races, security, tamper evidence). Each test
// prints its figures and leaves them in test-results/reliability/; scripts/reliability-report.mjs
// turns them into docs/reliability.md with the date and versions.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const RESULTS_DIR = resolve('test-results', 'reliability');

export type Figures = Record<string, number | string | boolean | null>;

export function recordFigures(
  suite: 'faults' | 'races' | 'security' | 'tamper',
  scenario: string,
  figures: Figures,
  versions: Record<string, string> = {},
): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${suite}--${scenario.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`;
  const record = {
    suite,
    scenario,
    mode: process.env.FAULTS_SCALE === 'short' ? 'short' : 'full',
    at: new Date().toISOString(),
    figures,
    versions,
  };
  writeFileSync(join(RESULTS_DIR, file), `${JSON.stringify(record, null, 2)}\n`);
  console.log(`[${suite}] ${scenario}: ${JSON.stringify(figures)}`);
}
