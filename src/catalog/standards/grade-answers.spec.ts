import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import { PHONE_STANDARD } from './demo-standards.js';
import { gradeAnswers, gradeFindings } from './grade-answers.js';
import { idealAnswers } from './grade-engine.js';

describe('grading answers and findings', () => {
  it('maps findings to the ItemGraded contract with the rule that judged each', () => {
    const result = gradeAnswers(PHONE_STANDARD, {
      ...idealAnswers(PHONE_STANDARD),
      battery_health: 70,
    });
    const findings = gradeFindings(result);
    expect(findings.find((f) => f.checkId === 'battery_health')).toEqual({
      checkId: 'battery_health',
      label: 'Battery health',
      answer: 70,
      severity: 'functional',
      rule: 'battery-below-80',
      // The grade that rule gives: valuation splits the grade drop across such findings.
      ruleGrade: 'good',
      deductionMinor: 25000,
    });
    expect(findings.find((f) => f.checkId === 'powers_on')).toMatchObject({
      severity: 'none',
      rule: null,
    });
    expect(findings.some((f) => f.checkId === 'photos')).toBe(false);
  });

  it('turns answers that do not fit the standard into a 400 naming the fields', () => {
    let error: unknown;
    try {
      gradeAnswers(PHONE_STANDARD, { powers_on: 'yes', bogus: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadRequestException);
    const body = (error as BadRequestException).getResponse() as { fields: { field: string }[] };
    expect(body.fields.map((f) => f.field)).toEqual(
      expect.arrayContaining(['answers.powers_on', 'answers.bogus', 'answers.photos']),
    );
  });
});
