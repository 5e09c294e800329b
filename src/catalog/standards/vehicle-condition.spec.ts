import { describe, expect, it } from '@jest/globals';
import { computeGrade } from './grade-engine.js';
import { VEHICLE_STANDARD } from './demo-standards.js';
import type { AnswerValue } from './standard.js';
import {
  type AccidentHistory,
  conditionLevel,
  conditionReport,
  GBT30323_SECTIONS,
  GBT30323_STRUCTURAL_POINTS,
} from './vehicle-condition.js';
import { VEHICLE_STANDARD_V1 } from './fixtures/vehicle-standard-v1.js';
import { carAnswers } from './fixtures/car-answers.js';

const car = carAnswers(VEHICLE_STANDARD_V1, 48_000);

describe('GB/T 30323 levels (vehicle standard v1, typed section totals)', () => {
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
    const scored = VEHICLE_STANDARD_V1.checks.filter((c) => c.kind === 'number' && c.scored);
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
        const computed = computeGrade(VEHICLE_STANDARD_V1, answers);
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

describe('GB/T 30323 item by item (vehicle standard v2): checklist → section scores → level', () => {
  const car2 = carAnswers(VEHICLE_STANDARD, 48_000);
  const report = (answers: Record<string, AnswerValue>) =>
    conditionReport(answers, computeGrade(VEHICLE_STANDARD, answers).sections);

  it('has the six GB/T 30323 sections as its scoring sections, and every structural point', () => {
    expect(VEHICLE_STANDARD.scoring?.sections?.map((s) => [s.id, s.maxPoints])).toEqual(
      GBT30323_SECTIONS.map((s) => [s.id, s.points]),
    );
    const ids = new Set(VEHICLE_STANDARD.checks.map((c) => c.id));
    for (const p of GBT30323_STRUCTURAL_POINTS) expect(ids.has(p.checkId)).toBe(true);
  });

  it('computes the section points and the level from the items', () => {
    const r = report(
      car2({
        body_front_wings: 'severe', // −2
        body_rear_doors: 'minor', // −1
        engine_oil_leaks: 'severe', // −5
        chassis_underbody_rust: 'severe', // −3
        startup_idle: 'minor', // −2
        bolt_on_panels_replaced: true,
      }),
    );
    expect(r).toMatchObject({
      score: 87,
      level: 2,
      levelNameZh: '二级',
      accidentGrade: 'B',
      accidentVehicle: false,
      grade: 'good',
      structuralDamage: [],
    });
    expect(r?.areas.find((a) => a.area === 'Body')).toMatchObject({ points: 17, maxPoints: 20 });
    expect(report(car2())).toMatchObject({ score: 100, level: 1, grade: 'premium' });
  });

  it('makes a car with a damaged structural point an accident vehicle (level 5)', () => {
    const r = report(car2({ structure_b_pillar_right: true, structure_firewall: true }));
    expect(r).toMatchObject({
      score: 100,
      level: 5,
      accidentGrade: 'C',
      accidentHistory: 'structural_repair',
      structuralDamage: ['structure_b_pillar_right', 'structure_firewall'],
      grade: 'good',
    });
    expect(report(car2({ flood_traces: true }))).toMatchObject({
      level: 5,
      accidentGrade: 'D',
      grade: 'scrap',
    });
    expect(report(car2({ fire_traces: true }))).toMatchObject({ accidentHistory: 'fire' });
  });

  it('needs the computed sections to read a v2 report (the answers alone are items)', () => {
    expect(conditionReport(car2())).toBeNull();
  });

  it('agrees with the grade the v2 standard computes', () => {
    const defects: Array<Record<string, AnswerValue>> = [
      {},
      { body_bonnet: 'minor', road_braking: 'minor' },
      { cabin_airbags: 'severe' }, // cabin 5/10: weak section
      { engine_oil_leaks: 'severe', engine_coolant: 'severe', startup_cold_start: 'severe' },
      Object.fromEntries(
        VEHICLE_STANDARD.checks.filter((c) => c.scoreSection).map((c) => [c.id, 'severe']),
      ),
    ];
    const accidents: Array<Record<string, AnswerValue>> = [
      {},
      { bolt_on_panels_replaced: true },
      { structure_a_pillar_left: true },
      { flood_traces: true },
      { fire_traces: true },
    ];
    for (const a of accidents) {
      for (const d of defects) {
        const answers = car2({ ...a, ...d });
        const computed = computeGrade(VEHICLE_STANDARD, answers);
        const r = conditionReport(answers, computed.sections);
        expect([a, d, r?.score, r?.grade]).toEqual([a, d, computed.score, computed.grade]);
      }
    }
  });
});
