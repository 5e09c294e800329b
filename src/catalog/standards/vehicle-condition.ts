// GB/T 30323-2013 technical-condition levels and the accident grade buyers know: pure functions.

export type Grade = 'premium' | 'good' | 'scrap';

/** The `accident_history` answers of the vehicle standard (demo-standards.ts beside it). */
export type AccidentHistory = 'none' | 'bolt_on_panels' | 'structural_repair' | 'flood' | 'fire';

/**
 * GB/T 30323 section weights (points). `checkId` is the section's typed total in version 1 of
 * the vehicle standard; `id` is the scoring section its inspection items deduct from in
 * version 2 (item by item).
 */
export const GBT30323_SECTIONS = [
  { id: 'body', checkId: 'body_score', area: 'Body', areaZh: '车身', points: 20 },
  {
    id: 'engine_bay',
    checkId: 'engine_bay_score',
    area: 'Engine bay',
    areaZh: '发动机舱',
    points: 20,
  },
  { id: 'cabin', checkId: 'cabin_score', area: 'Cabin', areaZh: '驾驶舱', points: 10 },
  { id: 'startup', checkId: 'startup_score', area: 'Start-up', areaZh: '启动', points: 20 },
  { id: 'road_test', checkId: 'road_test_score', area: 'Road test', areaZh: '路试', points: 15 },
  { id: 'chassis', checkId: 'chassis_score', area: 'Chassis', areaZh: '底盘', points: 15 },
] as const;

/**
 * The structural points GB/T 30323 examines to decide whether a car is an accident vehicle
 * (事故车判定): damage, repair or replacement of any of them makes it one. In version 2 of the
 * vehicle standard each is a yes/no item "damaged or repaired" with these check ids.
 */
export const GBT30323_STRUCTURAL_POINTS = [
  { checkId: 'structure_a_pillar_left', label: 'Left A-pillar', labelZh: '左A柱' },
  { checkId: 'structure_a_pillar_right', label: 'Right A-pillar', labelZh: '右A柱' },
  { checkId: 'structure_b_pillar_left', label: 'Left B-pillar', labelZh: '左B柱' },
  { checkId: 'structure_b_pillar_right', label: 'Right B-pillar', labelZh: '右B柱' },
  { checkId: 'structure_c_pillar_left', label: 'Left C-pillar', labelZh: '左C柱' },
  { checkId: 'structure_c_pillar_right', label: 'Right C-pillar', labelZh: '右C柱' },
  { checkId: 'structure_front_rail_left', label: 'Left front longeron', labelZh: '左前纵梁' },
  { checkId: 'structure_front_rail_right', label: 'Right front longeron', labelZh: '右前纵梁' },
  { checkId: 'structure_rear_rail_left', label: 'Left rear longeron', labelZh: '左后纵梁' },
  { checkId: 'structure_rear_rail_right', label: 'Right rear longeron', labelZh: '右后纵梁' },
  {
    checkId: 'structure_shock_tower_left',
    label: 'Left front shock tower',
    labelZh: '左前减震器悬挂部位',
  },
  {
    checkId: 'structure_shock_tower_right',
    label: 'Right front shock tower',
    labelZh: '右前减震器悬挂部位',
  },
  { checkId: 'structure_firewall', label: 'Firewall', labelZh: '防火墙' },
] as const;

/** Version 2 items for flood and fire traces and for repaired or replaced bolt-on panels. */
export const FLOOD_TRACES_CHECK = 'flood_traces';
export const FIRE_TRACES_CHECK = 'fire_traces';
export const BOLT_ON_PANELS_CHECK = 'bolt_on_panels_replaced';

/**
 * The accident history from version 1's `accident_history` answer, else from version 2's item
 * answers (fire over flood over structural over bolt-on panels; items not answered yet count
 * as not found, so a provisional preview has a level too).
 */
export function accidentHistoryOf(
  answers: Readonly<Record<string, unknown>>,
): AccidentHistory | null {
  const typed = answers.accident_history;
  if (typeof typed === 'string') {
    return HISTORIES.includes(typed as AccidentHistory) ? (typed as AccidentHistory) : null;
  }
  if (answers[FIRE_TRACES_CHECK] === true) return 'fire';
  if (answers[FLOOD_TRACES_CHECK] === true) return 'flood';
  if (GBT30323_STRUCTURAL_POINTS.some((p) => answers[p.checkId] === true)) {
    return 'structural_repair';
  }
  return answers[BOLT_ON_PANELS_CHECK] === true ? 'bolt_on_panels' : 'none';
}

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
  /** The structural points found damaged or repaired (version 2, item by item). */
  structuralDamage: string[];
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

/** Section points as the grading engine computes them for an item-scored standard. */
export interface ItemSectionScore {
  id: string;
  points: number;
}

/**
 * The report from the inspection's answers: version 1 typed each section's score and the
 * accident history; version 2 answers item by item, and `sections` are the section points the
 * grading engine computed from the items (the stored report's `sections`).
 */
export function conditionReport(
  answers: Readonly<Record<string, unknown>>,
  sections?: readonly ItemSectionScore[] | null,
): VehicleConditionReport | null {
  const h = accidentHistoryOf(answers);
  if (h === null) return null;
  const itemized = typeof answers.accident_history !== 'string';
  if (itemized && !sections) return null;
  const areas = GBT30323_SECTIONS.map((s) => {
    const v = itemized ? sections?.find((x) => x.id === s.id)?.points : answers[s.checkId];
    return {
      area: s.area,
      checkId: itemized ? s.id : s.checkId,
      points: typeof v === 'number' && Number.isFinite(v) ? v : 0,
      maxPoints: s.points,
    };
  });
  const score = Math.round(areas.reduce((sum, a) => sum + a.points, 0) * 10) / 10;
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
    structuralDamage: GBT30323_STRUCTURAL_POINTS.filter((p) => answers[p.checkId] === true).map(
      (p) => p.checkId,
    ),
    areas,
    grade: levelGrade === 'premium' && weakSection ? 'good' : levelGrade,
  };
}
