import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  assertOperatorData,
  CONFIG_DIR,
  checkOperatorData,
  ConfigFileError,
  formatProblem,
  operatorDataFolder,
} from '../../config/operator-data.js';
import {
  DEMO_STANDARDS,
  PHONE_STANDARD,
  findDemoStandard,
  standardOfFile,
} from './demo-standards.js';
import { computeGrade, idealAnswers } from './grade-engine.js';
import { validateStandard } from './standard.js';
import { VEHICLE_STANDARD_V1 } from './fixtures/vehicle-standard-v1.js';

const FAMILIES = [
  'phone',
  'tablet',
  'laptop',
  'camera',
  'console',
  'wearable',
  'appliance',
  'piano',
  'bag',
  'watch',
  'book',
  'clothing',
  'vehicle',
];

describe('demo standards', () => {
  it('cover every category family exactly once, at version 1 (vehicles at 2)', () => {
    expect(DEMO_STANDARDS.map((s) => s.code).sort()).toEqual([...FAMILIES].sort());
    for (const s of DEMO_STANDARDS) expect(s.version).toBe(s.code === 'vehicle' ? 2 : 1);
    expect(validateStandard(VEHICLE_STANDARD_V1)).toEqual([]);
    expect(findDemoStandard('phone')?.name).toBe('Mobile phones');
    expect(findDemoStandard('spaceship')).toBeUndefined();
  });

  it.each(DEMO_STANDARDS.map((s) => [s.code, s] as const))(
    '%s is structurally valid',
    (_code, s) => {
      expect(validateStandard(s)).toEqual([]);
      expect(s.checks.length).toBeGreaterThanOrEqual(8);
      // An item-by-item standard (GB/T 30323) lists every inspection item; others stay short
      // (a phone's 15 checks and what came in its box).
      expect(s.checks.length).toBeLessThanOrEqual(s.scoring?.sections ? 80 : 16);
      expect(s.checks.some((c) => c.kind === 'photo')).toBe(true);
      expect(s.references.length).toBeGreaterThan(0);
    },
  );

  it.each(DEMO_STANDARDS.map((s) => [s.code, s] as const))(
    '%s: a flawless item is premium, and the grade can reach scrap and good',
    (_code, s) => {
      const ideal = idealAnswers(s);
      expect(computeGrade(s, ideal).grade).toBe('premium');
      const grades = new Set<string>();
      for (const check of s.checks) {
        const values =
          check.kind === 'choice'
            ? check.options.map((o) => o.value)
            : check.kind === 'boolean'
              ? [true, false]
              : check.kind === 'number'
                ? [check.min, check.max]
                : [];
        for (const value of values) {
          grades.add(computeGrade(s, { ...ideal, [check.id]: value }).grade);
        }
      }
      expect([...grades].sort()).toEqual(['good', 'premium', 'scrap']);
    },
  );

  it('puts battery health under the 80 % rule for battery-powered electronics', () => {
    for (const code of ['phone', 'tablet', 'laptop', 'wearable']) {
      const s = findDemoStandard(code);
      expect(s?.rules.some((r) => r.id === 'battery-below-80')).toBe(true);
    }
  });
});

/** A copy of config/ with one grading standard's text changed. */
function configWith(code: string, edit: (text: string) => string): { dir: string; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'reloop-standards-'));
  cpSync(CONFIG_DIR, dir, { recursive: true });
  const path = join(dir, 'grading-standards', `${code}.yaml`);
  const text = edit(readFileSync(path, 'utf8'));
  writeFileSync(path, text);
  return { dir, text };
}

const lineOf = (text: string, needle: string) =>
  text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('standards in config/grading-standards (issue 20 point 4)', () => {
  it('the shipped files are valid', () => {
    expect(checkOperatorData().map(formatProblem)).toEqual([]);
  });

  it('a wrong value stops loading with the file, its line and the field', () => {
    const { dir, text } = configWith('phone', (t) =>
      t.replace(
        'hold: true\n    label: IMEI blacklisted',
        'hold: maybe\n    label: IMEI blacklisted',
      ),
    );
    let thrown: unknown;
    try {
      operatorDataFolder('grading-standards', undefined, dir);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigFileError);
    expect((thrown as ConfigFileError).problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        new RegExp(
          `grading-standards/phone\\.yaml:${lineOf(text, 'hold: maybe')}:\\d+ rules\\.\\d+\\.hold: must be boolean$`,
        ),
      ),
    ]);
    expect((thrown as ConfigFileError).message).toContain('phone.yaml');
  });

  it("the engine's rules point at the field too: a rule naming no check, a code not the file's", () => {
    const { dir, text } = configWith('phone', (t) =>
      t.replace('checkId: battery_health', 'checkId: battery_helth'),
    );
    const problems = checkOperatorData(dir).map(formatProblem);
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `grading-standards/phone\\.yaml:${lineOf(text, 'battery_helth')}:\\d+ rules\\.\\d+\\.checkId: unknown check battery_helth$`,
        ),
      ),
    ]);
    // What the boot runs (prepare() in src/bootstrap.ts): it stops on the same line.
    expect(() => assertOperatorData(dir)).toThrow(
      new RegExp(`phone\\.yaml:${lineOf(text, 'battery_helth')}:\\d+ rules\\.\\d+\\.checkId`),
    );
    const renamed = configWith('book', (t) => t.replace(/^code: book$/m, 'code: books'));
    expect(checkOperatorData(renamed.dir).map(formatProblem)).toEqual([
      expect.stringMatching(
        new RegExp(`grading-standards/book\\.yaml:${lineOf(renamed.text, 'code: books')}:1 code: `),
      ),
    ]);
  });

  it('publishes each file at its first version; the loaded data is what the engine grades', () => {
    expect(findDemoStandard('vehicle')?.version).toBe(2);
    expect(findDemoStandard('phone')?.version).toBe(1);
    expect(standardOfFile({ ...PHONE_STANDARD, firstVersion: 3 })).toMatchObject({ version: 3 });
    expect(standardOfFile({ ...PHONE_STANDARD, firstVersion: 3 })).not.toHaveProperty(
      'firstVersion',
    );
  });
});
