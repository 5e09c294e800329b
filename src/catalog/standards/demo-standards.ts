/**
 * The grading standards, read from `config/grading-standards/<code>.yaml` (issue 20 point 4:
 * operator data out of code), one file per category family. Each file is checked against
 * `config/schemas/grading-standards.schema.json` and, here, against the engine's own rules
 * (`validateStandard`; a flawless item must grade), with the line of any problem, so a broken
 * standard stops the boot. The demo seed and `npm run config:apply` publish them as versions in
 * `grading_standards` (a changed file becomes the next version); inspections read the version
 * they were graded under from there.
 */
import { operatorDataFolder } from '../../config/operator-data.js';
import { computeGrade, idealAnswers } from './grade-engine.js';
import { type GradingStandard, validateStandard } from './standard.js';

/** A standard as its file holds it: no version (the database numbers them). */
export type StandardFile = Omit<GradingStandard, 'version'> & {
  /** The version a database without this family starts at (default 1). */
  firstVersion?: number;
};

/** The definition a file publishes, numbered as its first version. */
export function standardOfFile({ firstVersion, ...definition }: StandardFile): GradingStandard {
  return { ...definition, version: firstVersion ?? 1 };
}

/** `checks[3].options[1]` → ['checks', 3, 'options', 1]: the engine's paths, for the loader. */
const segments = (path: string) =>
  path
    .split(/[.[\]]+/)
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/** The engine's rules the schema cannot say, and the file's name is its code. */
function checkStandard(file: StandardFile, entry: string) {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  if (file.code !== entry) {
    problems.push({ path: ['code'], message: `must be the file's name (${entry})` });
  }
  const standard = standardOfFile(file);
  const invalid = validateStandard(standard);
  for (const p of invalid) problems.push({ path: segments(p.path), message: p.message });
  if (invalid.length === 0) {
    try {
      computeGrade(standard, idealAnswers(standard));
    } catch (err) {
      problems.push({ path: [], message: `cannot grade under it (${(err as Error).message})` });
    }
  }
  return problems;
}

/** Every standard in config/, one per category family, at its first version. */
export const DEMO_STANDARDS: readonly GradingStandard[] = operatorDataFolder<StandardFile>(
  'grading-standards',
  checkStandard,
).map(({ data }) => standardOfFile(data));

/** The standard with this family code, if any. */
export function findDemoStandard(code: string): GradingStandard | undefined {
  return DEMO_STANDARDS.find((s) => s.code === code);
}

function standard(code: string): GradingStandard {
  const found = findDemoStandard(code);
  if (!found) throw new Error(`config/grading-standards/${code}.yaml is missing`);
  return found;
}

// The families the tests and the benchmark grade items under.
export const PHONE_STANDARD = standard('phone');
export const TABLET_STANDARD = standard('tablet');
export const VEHICLE_STANDARD = standard('vehicle');
