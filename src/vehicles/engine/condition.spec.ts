import { describe, expect, it } from '@jest/globals';
import { computeGrade, idealAnswers } from '../../grading/engine/grade-engine.js';
import { VEHICLE_STANDARD } from '../../grading/engine/demo-standards.js';
import type { AnswerValue } from '../../grading/engine/standard.js';
import {
  type AccidentHistory,
  conditionLevel,
  conditionReport,
  GBT30323_SECTIONS,
} from './condition.js';

const car = (overrides: Record<string, AnswerValue> = {}) => ({
  ...idealAnswers(VEHICLE_STANDARD),
  odometer_km: 48_000,
  ...overrides,
});

describe('GB/T 30323 levels', () => {
  it('uses the level boundaries 90 / 60 / 20 and level 5 for accident vehicles', () => {
    expect(conditionLevel(100, 'none')).toBe(1);
    expect(conditionLevel(90, 'bolt_on_panels')).toBe(1);
    expect(conditionLevel(89, 'none')).toBe(2);
    expect(conditionLevel(60, 'none')).toBe(2);
    expect(conditionLevel(59, 'none')).toBe(3);
    expect(conditionLevel(20, 'none')).toBe(3);
    expect(conditionLevel(19, 'none')).toBe(4);
    expect(conditionLevel(98, 'structural_repair')).toBe(5);
    expect(conditionLevel(98, 'flood')).toBe(5);
  });

  it('matches the sections of the vehicle standard, which add up to 100', () => {
    const scored = VEHICLE_STANDARD.checks.filter((c) => c.kind === 'number' && c.scored);
    expect(scored.map((c) => [c.id, c.kind === 'number' ? c.max : 0])).toEqual(
      GBT30323_SECTIONS.map((s) => [s.checkId, s.points]),
    );
    expect(GBT30323_SECTIONS.reduce((s, x) => s + x.points, 0)).toBe(100);
  });

  it('scores and grades a car: level, accident grade and Reloop grade', () => {
    const r = conditionReport(
      car({
        body_score: 14,
        engine_bay_score: 15,
        chassis_score: 11,
        accident_history: 'bolt_on_panels',
      }),
    );
    expect(r).toMatchObject({
      score: 85,
      level: 2,
      levelNameZh: '二级',
      accidentGrade: 'B',
      accidentVehicle: false,
      grade: 'good',
    });
    expect(r?.areas.find((a) => a.area === 'Body')).toMatchObject({ points: 14, maxPoints: 20 });
    expect(conditionReport(car())).toMatchObject({
      level: 1,
      accidentGrade: 'A',
      grade: 'premium',
    });
    expect(conditionReport(car({ accident_history: 'fire' }))).toMatchObject({
      level: 5,
      accidentGrade: 'D',
      grade: 'scrap',
    });
  });

  it('agrees with the grade the vehicle standard computes', () => {
    const histories: AccidentHistory[] = [
      'none',
      'bolt_on_panels',
      'structural_repair',
      'flood',
      'fire',
    ];
    const scoreSets: Array<Record<string, number>> = [
      {},
      { body_score: 19, road_test_score: 14 },
      { body_score: 11 }, // 91 points, but the body has significant defects
      { body_score: 12, engine_bay_score: 12, startup_score: 12 },
      {
        body_score: 4,
        engine_bay_score: 4,
        cabin_score: 2,
        startup_score: 4,
        road_test_score: 3,
        chassis_score: 3,
      },
      {
        body_score: 3,
        engine_bay_score: 3,
        cabin_score: 2,
        startup_score: 4,
        road_test_score: 3,
        chassis_score: 3,
      },
    ];
    for (const h of histories) {
      for (const s of scoreSets) {
        const answers = car({ ...s, accident_history: h });
        const computed = computeGrade(VEHICLE_STANDARD, answers);
        const report = conditionReport(answers);
        expect([h, s, report?.score, report?.grade]).toEqual([
          h,
          s,
          computed.score,
          computed.grade,
        ]);
      }
    }
  });
});
