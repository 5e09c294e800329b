import { describe, expect, it } from '@jest/globals';
import { DEMO_STANDARDS, VEHICLE_STANDARD_V1, findDemoStandard } from './demo-standards.js';
import { computeGrade, idealAnswers } from './grade-engine.js';
import { validateStandard } from './standard.js';

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
      // An item-by-item standard (GB/T 30323) lists every inspection item; others stay short.
      expect(s.checks.length).toBeLessThanOrEqual(s.scoring?.sections ? 80 : 15);
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
