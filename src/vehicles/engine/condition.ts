// GB/T 30323-2013 technical-condition levels and the accident grade buyers know: pure functions.

export type Grade = 'premium' | 'good' | 'scrap';

/** The `accident_history` answers of the vehicle standard (src/grading/engine/demo-standards.ts). */
export type AccidentHistory = 'none' | 'bolt_on_panels' | 'structural_repair' | 'flood' | 'fire';

/** GB/T 30323 section weights (points), the same as the vehicle standard's scored checks. */
export const GBT30323_SECTIONS = [
  { checkId: 'body_score', area: 'Body', points: 20 },
  { checkId: 'engine_bay_score', area: 'Engine bay', points: 20 },
  { checkId: 'cabin_score', area: 'Cabin', points: 10 },
  { checkId: 'startup_score', area: 'Start-up', points: 20 },
  { checkId: 'road_test_score', area: 'Road test', points: 15 },
  { checkId: 'chassis_score', area: 'Chassis', points: 15 },
] as const;

export type ConditionLevel = 1 | 2 | 3 | 4 | 5;

export const LEVELS: Readonly<Record<ConditionLevel, { name: string; nameZh: string }>> = {
  1: { name: 'Level 1 (score 90 or more)', nameZh: '一级' },
  2: { name: 'Level 2 (score 60–89)', nameZh: '二级' },
  3: { name: 'Level 3 (score 20–59)', nameZh: '三级' },
  4: { name: 'Level 4 (score below 20)', nameZh: '四级' },
  5: { name: 'Level 5 (accident vehicle)', nameZh: '五级（事故车）' },
};

/**
 * The accident grade Chinese used-car buyers read on listings: A no accident, B minor (bolt-on
 * panels repaired or replaced), C structural repair (事故车), D flood or fire (泡水/火烧车).
 */
export type AccidentGrade = 'A' | 'B' | 'C' | 'D';
export const ACCIDENT_GRADES: Readonly<Record<AccidentGrade, string>> = {
  A: 'No accident',
  B: 'Minor: bolt-on panels repaired or replaced',
  C: 'Accident vehicle: structural repair',
  D: 'Flood or fire damaged',
};

export function accidentGrade(history: AccidentHistory): AccidentGrade {
  switch (history) {
    case 'none':
      return 'A';
    case 'bolt_on_panels':
      return 'B';
    case 'structural_repair':
      return 'C';
    case 'flood':
    case 'fire':
      return 'D';
  }
}

/** GB/T 30323 level: an accident vehicle (structural, flood, fire) is level 5 whatever its score. */
export function conditionLevel(score: number, history: AccidentHistory): ConditionLevel {
  if (history === 'structural_repair' || history === 'flood' || history === 'fire') return 5;
  if (score >= 90) return 1;
  if (score >= 60) return 2;
  if (score >= 20) return 3;
  return 4;
}

/**
 * Reloop's three grades: level 1 sells as is (premium); levels 2–3 and a structurally repaired
 * car need work and disclosure (good); under 20 points (level 4, or an accident car that bad),
 * flood and fire are scrap. The vehicle standard's rules give the same grade; a test keeps the
 * two in step.
 */
export function gradeForCondition(score: number, history: AccidentHistory): Grade {
  if (score < 20 || history === 'flood' || history === 'fire') return 'scrap';
  return conditionLevel(score, history) === 1 ? 'premium' : 'good';
}

export interface VehicleConditionReport {
  score: number;
  level: ConditionLevel;
  levelName: string;
  levelNameZh: string;
  accidentGrade: AccidentGrade;
  accidentGradeLabel: string;
  accidentVehicle: boolean;
  accidentHistory: AccidentHistory;
  /** Points per GB/T 30323 area out of its maximum. */
  areas: Array<{ area: string; checkId: string; points: number; maxPoints: number }>;
  grade: Grade;
}

const HISTORIES: readonly AccidentHistory[] = [
  'none',
  'bolt_on_panels',
  'structural_repair',
  'flood',
  'fire',
];

/** The report from the inspection's answers (scores per section and the accident history). */
export function conditionReport(
  answers: Readonly<Record<string, unknown>>,
): VehicleConditionReport | null {
  const history = answers.accident_history;
  if (typeof history !== 'string' || !HISTORIES.includes(history as AccidentHistory)) return null;
  const areas = GBT30323_SECTIONS.map((s) => {
    const v = answers[s.checkId];
    return {
      area: s.area,
      checkId: s.checkId,
      points: typeof v === 'number' && Number.isFinite(v) ? v : 0,
      maxPoints: s.points,
    };
  });
  const score = areas.reduce((sum, a) => sum + a.points, 0);
  const h = history as AccidentHistory;
  const level = conditionLevel(score, h);
  const ag = accidentGrade(h);
  // A section with significant defects (under 60 % of its points) needs work even at level 1.
  const weakSection = areas.some((a) => a.points < a.maxPoints * 0.6);
  const levelGrade = gradeForCondition(score, h);
  return {
    score,
    level,
    levelName: LEVELS[level].name,
    levelNameZh: LEVELS[level].nameZh,
    accidentGrade: ag,
    accidentGradeLabel: ACCIDENT_GRADES[ag],
    accidentVehicle: level === 5,
    accidentHistory: h,
    areas,
    grade: levelGrade === 'premium' && weakSection ? 'good' : levelGrade,
  };
}
