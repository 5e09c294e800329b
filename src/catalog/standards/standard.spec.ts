import { describe, expect, it } from '@jest/globals';
import { type GradingStandard, findBand, validateStandard } from './standard.js';

const minimal = (): GradingStandard => ({
  code: 'demo-thing',
  version: 1,
  name: 'Demo',
  description: 'A tiny standard for tests',
  currency: 'CNY',
  references: [],
  checks: [
    {
      id: 'works',
      label: 'Works',
      help: '',
      kind: 'boolean',
      required: true,
      deduction: {},
      whenTrue: { severity: 'none' },
      whenFalse: { severity: 'critical' },
    },
    {
      id: 'battery',
      label: 'Battery',
      help: '',
      kind: 'number',
      required: true,
      deduction: { functional: { fixedMinor: 1000 } },
      unit: '%',
      min: 0,
      max: 100,
      integer: true,
      bands: [
        { min: 80, label: 'ok', severity: 'none' },
        { max: 80, label: 'low', severity: 'functional' },
      ],
    },
  ],
  rules: [
    { id: 'any-critical', kind: 'any-severity', severity: 'critical', grade: 'scrap', label: 'x' },
  ],
});

/** The minimal standard and its battery check, a number check, to change in place. */
function withBattery() {
  const standard = minimal();
  const battery = standard.checks[1];
  if (battery.kind !== 'number') throw new Error('unexpected');
  return { standard, battery };
}

describe('validateStandard', () => {
  it('accepts a sound standard', () => {
    expect(validateStandard(minimal())).toEqual([]);
  });

  it('finds duplicate ids, bad codes and dangling rule references', () => {
    const s = minimal();
    s.code = 'Bad Code';
    s.version = 0;
    s.checks.push({ ...s.checks[0] });
    s.rules.push(
      {
        id: 'any-critical',
        kind: 'any-severity',
        severity: 'critical',
        grade: 'scrap',
        label: 'dup',
      },
      {
        id: 'ghost',
        kind: 'answer',
        checkId: 'nope',
        condition: { op: 'in', values: [true] },
        grade: 'good',
        label: 'g',
      },
      {
        id: 'bad-op',
        kind: 'answer',
        checkId: 'works',
        condition: { op: 'lt', value: 3 },
        grade: 'good',
        label: 'b',
      },
      { id: 'score', kind: 'score-below', below: 50, grade: 'good', label: 's' },
    );
    const messages = validateStandard(s).map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual([
      'code: code must be kebab-case',
      'version: version must be a positive integer',
      'checks[2].id: duplicate id works',
      'rules[1].id: duplicate id any-critical',
      'rules[2].checkId: unknown check nope',
      'rules[3].condition: condition does not fit a boolean check',
      'rules[4]: a score rule needs standard.scoring',
    ]);
  });

  it('finds gaps in number bands and bad deductions', () => {
    const { standard: s, battery } = withBattery();
    battery.bands = [
      { min: 80, label: 'ok', severity: 'none' },
      { min: 10, max: 80, label: 'low', severity: 'functional', deduction: { share: 1.5 } },
    ];
    battery.deduction = { functional: { fixedMinor: 12.5 } };
    expect(validateStandard(s).map((p) => p.message)).toEqual([
      'fixedMinor must be a non-negative integer',
      'share must be between 0 and 1',
      'no band covers 0',
    ]);
  });

  it('checks that scored sections add up to maxScore', () => {
    const { standard: s, battery } = withBattery();
    battery.scored = true;
    s.scoring = { maxScore: 90 };
    expect(validateStandard(s).map((p) => p.message)).toEqual([
      'scored checks add up to 100, not 90',
    ]);
  });
});

describe('findBand', () => {
  it('uses inclusive min and exclusive max', () => {
    const { battery } = withBattery();
    expect(findBand(battery, 80)?.label).toBe('ok');
    expect(findBand(battery, 79)?.label).toBe('low');
    expect(findBand(battery, 0)?.label).toBe('low');
  });
});
