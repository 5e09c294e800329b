import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  InvalidAnswersError,
  computeGrade,
  idealAnswers,
  standardFingerprint,
  validateAnswers,
} from './grade-engine.js';
import {
  DEMO_STANDARDS,
  PHONE_STANDARD,
  TABLET_STANDARD,
  VEHICLE_STANDARD,
} from './demo-standards.js';
import { type AnswerValue, type GradingStandard, GRADE_RANK, SEVERITY_RANK } from './standard.js';
import { VEHICLE_STANDARD_V1 } from './fixtures/vehicle-standard-v1.js';
import { carAnswers } from './fixtures/car-answers.js';

const phone = (overrides: Record<string, AnswerValue | null> = {}) => ({
  ...idealAnswers(PHONE_STANDARD),
  ...overrides,
});

describe('computeGrade: the three grades with reasons', () => {
  it('grades a flawless phone premium with no reasons', () => {
    const result = computeGrade(PHONE_STANDARD, phone({ screen_condition: 'micro_scratches' }));
    expect(result.grade).toBe('premium');
    expect(result.hold).toBe(false);
    expect(result.reasons).toEqual([]);
    expect(result.rules).toEqual([]);
    expect(result.severities).toEqual({ none: 16, cosmetic: 0, functional: 0, critical: 0 });
    expect(result.standardCode).toBe('phone');
    expect(result.standardVersion).toBe(1);
    expect(result.summary).toContain('premium under phone v1');
    expect(result.summary).toContain('No rule lowered the grade');
  });

  it('keeps premium with up to two cosmetic flaws, and records their deductions', () => {
    const result = computeGrade(
      PHONE_STANDARD,
      phone({ screen_condition: 'visible_scratches', body_condition: 'light_wear' }),
    );
    expect(result.grade).toBe('premium');
    expect(result.severities.cosmetic).toBe(2);
    expect(result.findings.find((f) => f.checkId === 'screen_condition')).toEqual({
      checkId: 'screen_condition',
      label: 'Screen glass',
      answer: 'visible_scratches',
      severity: 'cosmetic',
      deduction: { share: 0.06 },
    });
  });

  it('grades good for a battery below 80 %, naming the battery rule', () => {
    const result = computeGrade(PHONE_STANDARD, phone({ battery_health: 76 }));
    expect(result.grade).toBe('good');
    expect(result.reasons).toEqual([
      {
        checkId: 'battery_health',
        label: 'Battery health',
        answer: 76,
        severity: 'functional',
        rule: 'battery-below-80',
        ruleLabel: 'Battery below 80 % of design capacity (replace battery)',
        grade: 'good',
      },
    ]);
    // Both the specific rule and the generic functional rule fired; the reason names the first.
    expect(result.rules.map((r) => r.rule)).toEqual(['battery-below-80', 'any-functional']);
    expect(result.findings.find((f) => f.checkId === 'battery_health')?.deduction).toEqual({
      fixedMinor: 25000,
      note: 'battery replacement',
    });
    expect(result.summary).toContain('Battery health = 76');
  });

  it('treats exactly 80 % as fine', () => {
    expect(computeGrade(PHONE_STANDARD, phone({ battery_health: 80 })).grade).toBe('premium');
  });

  it('grades good for more than two cosmetic flaws, listing each of them', () => {
    const result = computeGrade(
      PHONE_STANDARD,
      phone({
        screen_condition: 'visible_scratches',
        body_condition: 'dents_or_scratches',
        repair_history: 'non_genuine_parts',
      }),
    );
    expect(result.grade).toBe('good');
    expect(result.reasons.map((r) => [r.checkId, r.rule])).toEqual([
      ['screen_condition', 'cosmetic-limit'],
      ['body_condition', 'cosmetic-limit'],
      ['repair_history', 'cosmetic-limit'],
    ]);
  });

  it('grades scrap for a critical fault, worst reasons first', () => {
    const result = computeGrade(
      PHONE_STANDARD,
      phone({ liquid_damage: true, screen_condition: 'cracked' }),
    );
    expect(result.grade).toBe('scrap');
    expect(result.hold).toBe(false);
    expect(result.reasons).toEqual([
      expect.objectContaining({
        checkId: 'liquid_damage',
        rule: 'any-critical',
        grade: 'scrap',
        severity: 'critical',
        answer: true,
      }),
      expect.objectContaining({
        checkId: 'screen_condition',
        rule: 'any-functional',
        grade: 'good',
        severity: 'functional',
      }),
    ]);
    expect(result.severities).toMatchObject({ critical: 1, functional: 1 });
  });

  it('grades scrap and holds for an account lock, attributed to the lock rule', () => {
    const result = computeGrade(PHONE_STANDARD, phone({ account_lock: true }));
    expect(result.grade).toBe('scrap');
    expect(result.hold).toBe(true);
    expect(result.reasons).toHaveLength(1);
    expect(result.reasons[0]).toMatchObject({ checkId: 'account_lock', rule: 'account-lock' });
    expect(result.summary).toContain('HOLD');
  });

  it('ignores unanswered optional checks (null or absent)', () => {
    const answers = { ...idealAnswers(TABLET_STANDARD), cameras_audio: null };
    const result = computeGrade(TABLET_STANDARD, answers);
    expect(result.grade).toBe('premium');
    expect(result.findings.some((f) => f.checkId === 'cameras_audio')).toBe(false);
    expect(result.severities.none).toBe(TABLET_STANDARD.checks.length - 1);
  });

  it('is deterministic: same input, same output', () => {
    const answers = phone({ battery_health: 50, body_condition: 'light_wear' });
    expect(JSON.stringify(computeGrade(PHONE_STANDARD, answers))).toBe(
      JSON.stringify(computeGrade(PHONE_STANDARD, { ...answers })),
    );
  });

  it('throws InvalidAnswersError with the field errors', () => {
    let caught: unknown;
    try {
      computeGrade(PHONE_STANDARD, phone({ battery_health: 120 }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidAnswersError);
    expect((caught as InvalidAnswersError).errors).toEqual([
      expect.objectContaining({ field: 'answers.battery_health', code: 'out_of_range' }),
    ]);
  });
});

describe('computeGrade: scored standard (vehicle v1, typed section totals)', () => {
  const car = carAnswers(VEHICLE_STANDARD_V1, 62_000);

  it('scores 100 and grades premium for a clean car', () => {
    const result = computeGrade(VEHICLE_STANDARD_V1, car());
    expect(result.score).toBe(100);
    expect(result.grade).toBe('premium');
    expect(result.summary).toContain('score 100/100');
  });

  it('grades good below 90 points and names the sections that lost marks', () => {
    const result = computeGrade(VEHICLE_STANDARD_V1, car({ body_score: 12, road_test_score: 12 }));
    expect(result.score).toBe(89);
    expect(result.grade).toBe('good');
    expect(result.reasons.map((r) => [r.checkId, r.rule])).toEqual([
      ['body_score', 'score-below-90'],
      ['road_test_score', 'score-below-90'],
    ]);
  });

  it('grades scrap below 20 points', () => {
    const result = computeGrade(
      VEHICLE_STANDARD_V1,
      car({
        body_score: 5,
        engine_bay_score: 4,
        cabin_score: 2,
        startup_score: 3,
        road_test_score: 2,
        chassis_score: 3,
      }),
    );
    expect(result.score).toBe(19);
    expect(result.grade).toBe('scrap');
    expect(result.reasons.every((r) => r.rule === 'score-below-20')).toBe(true);
  });

  it('scraps a flooded car and holds an odometer inconsistency', () => {
    expect(computeGrade(VEHICLE_STANDARD_V1, car({ accident_history: 'flood' })).grade).toBe(
      'scrap',
    );
    const tampered = computeGrade(VEHICLE_STANDARD_V1, car({ odometer_consistent: false }));
    expect(tampered.grade).toBe('good');
    expect(tampered.hold).toBe(true);
    expect(tampered.reasons[0]).toMatchObject({ rule: 'odometer-inconsistent' });
  });
});

describe('computeGrade: vehicle v2, GB/T 30323 item by item', () => {
  const car = carAnswers(VEHICLE_STANDARD, 62_000);
  const points = (result: ReturnType<typeof computeGrade>) =>
    Object.fromEntries((result.sections ?? []).map((s) => [s.id, s.points]));

  it('lists items per section; a clean car keeps all 100 points and is premium', () => {
    expect(VEHICLE_STANDARD.version).toBe(2);
    const bySection = new Map<string, number>();
    for (const c of VEHICLE_STANDARD.checks) {
      if (c.scoreSection) bySection.set(c.scoreSection, (bySection.get(c.scoreSection) ?? 0) + 1);
    }
    expect([...bySection.keys()]).toEqual([
      'body',
      'engine_bay',
      'cabin',
      'startup',
      'road_test',
      'chassis',
    ]);
    for (const n of bySection.values()) expect(n).toBeGreaterThanOrEqual(6);
    const result = computeGrade(VEHICLE_STANDARD, car());
    expect(result.score).toBe(100);
    expect(points(result)).toEqual({
      body: 20,
      engine_bay: 20,
      cabin: 10,
      startup: 20,
      road_test: 15,
      chassis: 15,
    });
    expect(result.grade).toBe('premium');
  });

  it('takes each item’s points off its own section and names the items below 90', () => {
    const result = computeGrade(
      VEHICLE_STANDARD,
      car({
        body_front_bumper: 'minor', // −0.5
        body_bonnet: 'severe', // −2
        engine_oil_leaks: 'severe', // −5
        road_braking: 'minor', // −2
        startup_fault_codes: 'minor', // −2
      }),
    );
    expect(points(result)).toMatchObject({
      body: 17.5,
      engine_bay: 15,
      startup: 18,
      road_test: 13,
      cabin: 10,
      chassis: 15,
    });
    expect(result.score).toBe(88.5);
    expect(result.grade).toBe('good');
    expect(result.reasons.map((r) => r.rule)).toEqual(Array(5).fill('score-below-90'));
    expect(result.findings.find((f) => f.checkId === 'body_bonnet')).toMatchObject({
      points: 2,
      scoreSection: 'body',
    });
  });

  it('never takes a section below 0, and scraps a car under 20 points', () => {
    const worst = Object.fromEntries(
      VEHICLE_STANDARD.checks.filter((c) => c.scoreSection).map((c) => [c.id, 'severe']),
    );
    const result = computeGrade(VEHICLE_STANDARD, car(worst));
    expect((result.sections ?? []).every((s) => s.points === 0)).toBe(true);
    expect(result.score).toBe(0);
    expect(result.grade).toBe('scrap');
  });

  it('a weak section makes a 90+ car good; structural damage is functional, flood is scrap', () => {
    // Cabin −4.5 of 10 → 5.5 < 60 %; the total stays at 95.5.
    const weak = computeGrade(
      VEHICLE_STANDARD,
      car({ cabin_airbags: 'minor', cabin_seats: 'severe', cabin_belts: 'minor' }),
    );
    expect(weak.score).toBe(95.5);
    expect(weak.grade).toBe('good');
    expect(weak.rules.map((r) => r.rule)).toEqual(['section-below-60']);
    const structural = computeGrade(VEHICLE_STANDARD, car({ structure_a_pillar_left: true }));
    expect([structural.score, structural.grade]).toEqual([100, 'good']);
    expect(computeGrade(VEHICLE_STANDARD, car({ flood_traces: true })).grade).toBe('scrap');
  });

  it('refuses an item answer that is not one of its severities', () => {
    expect(
      validateAnswers(VEHICLE_STANDARD, car({ body_roof: 'dented', structure_firewall: 'yes' })),
    ).toEqual([
      expect.objectContaining({ field: 'answers.structure_firewall', code: 'wrong_type' }),
      expect.objectContaining({ field: 'answers.body_roof', code: 'choice_not_allowed' }),
    ]);
  });
});

describe('validateAnswers', () => {
  it('accepts ideal answers for every demo standard', () => {
    for (const standard of DEMO_STANDARDS) {
      expect(validateAnswers(standard, idealAnswers(standard))).toEqual([]);
    }
  });

  it('reports every kind of field error', () => {
    const errors = validateAnswers(PHONE_STANDARD, {
      ...idealAnswers(PHONE_STANDARD),
      powers_on: 'yes', // wrong type
      screen_condition: 'shattered', // not an option
      body_condition: 3, // wrong type for a choice
      battery_health: 101, // out of range
      cameras: undefined, // required, missing
      factory_reset: null, // required, missing
      photos: ['front.jpg', 42 as unknown as string, 'back.jpg', 'side.jpg'], // not a string
      colour: 'blue', // unknown check
    });
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['answers.powers_on', 'wrong_type'],
      ['answers.factory_reset', 'required'],
      ['answers.screen_condition', 'choice_not_allowed'],
      ['answers.body_condition', 'wrong_type'],
      ['answers.battery_health', 'out_of_range'],
      ['answers.cameras', 'required'],
      ['answers.photos[1]', 'photo_not_string'],
      ['answers.colour', 'unknown_check'],
    ]);
  });

  it('rejects non-integers, NaN, empty and too few photo references', () => {
    const base = idealAnswers(PHONE_STANDARD);
    expect(validateAnswers(PHONE_STANDARD, { ...base, battery_health: 85.5 })[0]?.code).toBe(
      'not_integer',
    );
    expect(validateAnswers(PHONE_STANDARD, { ...base, battery_health: Number.NaN })[0]?.code).toBe(
      'wrong_type',
    );
    expect(validateAnswers(PHONE_STANDARD, { ...base, photos: '' })[0]?.code).toBe(
      'photo_not_string',
    );
    expect(validateAnswers(PHONE_STANDARD, { ...base, photos: 123 })[0]).toMatchObject({
      field: 'answers.photos',
      code: 'photo_not_string',
    });
    expect(validateAnswers(PHONE_STANDARD, { ...base, photos: ['a.jpg'] })[0]?.code).toBe(
      'too_few_photos',
    );
  });

  it('accepts omitted optional checks but not omitted required ones', () => {
    const car: Record<string, AnswerValue> = { ...idealAnswers(VEHICLE_STANDARD) };
    delete car.odometer_km;
    expect(validateAnswers(VEHICLE_STANDARD, car).map((e) => [e.field, e.code])).toEqual([
      ['answers.odometer_km', 'required'],
    ]);
    const piano = DEMO_STANDARDS.find((s) => s.code === 'piano') as GradingStandard;
    const pianoAnswers = idealAnswers(piano);
    delete pianoAnswers.pitch_cents;
    delete pianoAnswers.manufacture_year;
    expect(validateAnswers(piano, pianoAnswers)).toEqual([]);
    expect(computeGrade(piano, pianoAnswers).grade).toBe('premium');
  });
});

describe('standardFingerprint', () => {
  it('is a stable sha256 independent of key order', () => {
    const fp = standardFingerprint(PHONE_STANDARD);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(
      Object.entries(PHONE_STANDARD).reverse(),
    ) as unknown as GradingStandard;
    expect(standardFingerprint(reordered)).toBe(fp);
    expect(standardFingerprint(structuredClone(PHONE_STANDARD))).toBe(fp);
  });

  it('changes when any content changes', () => {
    const fp = standardFingerprint(PHONE_STANDARD);
    const bumped = { ...PHONE_STANDARD, version: 2 };
    expect(standardFingerprint(bumped)).not.toBe(fp);
    const edited = structuredClone(PHONE_STANDARD);
    edited.checks[0].label = 'Boots';
    expect(standardFingerprint(edited)).not.toBe(fp);
  });

  it('differs between the demo standards', () => {
    const fps = new Set(DEMO_STANDARDS.map(standardFingerprint));
    expect(fps.size).toBe(DEMO_STANDARDS.length);
  });
});

describe('computeGrade properties (demo standards)', () => {
  // An arbitrary valid answer set: for each check, one of its options / a value in range.
  const answersFor = (standard: GradingStandard) =>
    fc.record(
      Object.fromEntries(
        standard.checks.map((check) => {
          switch (check.kind) {
            case 'boolean':
              return [check.id, fc.boolean()];
            case 'choice':
              return [check.id, fc.constantFrom(...check.options.map((o) => o.value))];
            case 'number':
              return [check.id, fc.integer({ min: check.min, max: check.max })];
            case 'photo':
              return [
                check.id,
                fc.constant(Array.from({ length: check.minPhotos }, (_, i) => `p${i}.jpg`)),
              ];
          }
        }),
      ) as Record<string, fc.Arbitrary<AnswerValue>>,
    );

  it.each(DEMO_STANDARDS.map((s) => [s.code, s] as const))(
    '%s: the grade is the worst fired rule; reasons explain every non-premium grade',
    (_code, standard) => {
      fc.assert(
        fc.property(answersFor(standard), (answers) => {
          const result = computeGrade(standard, answers);
          const worst = result.rules.reduce((w, r) => Math.max(w, GRADE_RANK[r.grade]), 0);
          expect(GRADE_RANK[result.grade]).toBe(worst);
          if (result.grade !== 'premium') {
            expect(result.reasons.some((r) => r.grade === result.grade)).toBe(true);
          }
          expect(result.hold).toBe(result.rules.some((r) => r.hold));
          const counted = Object.values(result.severities).reduce((a, b) => a + b, 0);
          expect(counted).toBe(standard.checks.length);
        }),
        { numRuns: 150 },
      );
    },
  );

  it.each(DEMO_STANDARDS.filter((s) => !s.scoring).map((s) => [s.code, s] as const))(
    '%s: making one choice worse never improves the grade',
    (_code, standard) => {
      const choices = standard.checks.filter((c) => c.kind === 'choice');
      fc.assert(
        fc.property(answersFor(standard), fc.nat(), fc.nat(), (answers, ci, oi) => {
          const check = choices[ci % choices.length];
          if (check.kind !== 'choice') return;
          const current = check.options.find((o) => o.value === answers[check.id]);
          const option = check.options[oi % check.options.length];
          if (!current || SEVERITY_RANK[option.severity] <= SEVERITY_RANK[current.severity]) return;
          const before = computeGrade(standard, answers).grade;
          const after = computeGrade(standard, { ...answers, [check.id]: option.value }).grade;
          expect(GRADE_RANK[after]).toBeGreaterThanOrEqual(GRADE_RANK[before]);
        }),
        { numRuns: 150 },
      );
    },
  );
});
