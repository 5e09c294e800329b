import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ReferenceCache } from '../core/cache/reference-cache.js';
import { NotFound } from '../core/errors.js';
import { computeGrade, idealAnswers, standardFingerprint } from './standards/grade-engine.js';
import { type GradingStandard, validateStandard } from './standards/standard.js';
import { gradeAnswers, gradeFindings } from './standards/grade-answers.js';
import type { GradeFinding } from '../core/jobs/job-catalogue.js';
import { GradingStandardRepository } from './data/grading-standard.repository.js';
import type { GradingStandardRow } from './data/grading-standard.entity.js';

export interface StandardView {
  id: string;
  code: string;
  version: number;
  name: string;
  fingerprint: string;
  publishedBy: string | null;
  createdAt: Date;
  definition: GradingStandard;
}

export function standardView(row: GradingStandardRow): StandardView {
  return {
    id: row.id,
    code: row.code,
    version: row.version,
    name: row.name,
    fingerprint: row.fingerprint,
    publishedBy: row.publishedBy,
    createdAt: row.createdAt,
    definition: row.definition,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Enough shape checking that the engine's own validation (which trusts the static types) can
 * run on an admin's JSON without throwing; everything finer is validateStandard's job.
 */
function shapeProblems(def: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of ['code', 'name', 'description', 'currency']) {
    if (typeof def[key] !== 'string') out.push(`definition.${key} must be a string`);
  }
  if (!Array.isArray(def.references) || def.references.some((r) => typeof r !== 'string')) {
    out.push('definition.references must be a list of strings');
  }
  if (!Array.isArray(def.checks) || !def.checks.every(isObject)) {
    out.push('definition.checks must be a list of objects');
  } else {
    def.checks.forEach((c, i) => {
      const p = `definition.checks[${i}]`;
      if (typeof c.id !== 'string' || typeof c.label !== 'string') {
        out.push(`${p}: id and label must be strings`);
      }
      if (typeof c.required !== 'boolean') out.push(`${p}.required must be a boolean`);
      if (!isObject(c.deduction)) out.push(`${p}.deduction must be an object`);
      const outcome = (o: unknown, where: string) => {
        if (!isObject(o) || typeof o.severity !== 'string') {
          out.push(`${p}.${where} must have a severity`);
        } else if (!['none', 'cosmetic', 'functional', 'critical'].includes(o.severity)) {
          out.push(`${p}.${where}.severity is unknown`);
        }
      };
      switch (c.kind) {
        case 'boolean':
          outcome(c.whenTrue, 'whenTrue');
          outcome(c.whenFalse, 'whenFalse');
          break;
        case 'choice':
          if (!Array.isArray(c.options)) out.push(`${p}.options must be a list`);
          else c.options.forEach((o: unknown, j) => outcome(o, `options[${j}]`));
          break;
        case 'number':
          if (typeof c.min !== 'number' || typeof c.max !== 'number') {
            out.push(`${p}: min and max must be numbers`);
          }
          if (typeof c.integer !== 'boolean') out.push(`${p}.integer must be a boolean`);
          if (!Array.isArray(c.bands)) out.push(`${p}.bands must be a list`);
          else c.bands.forEach((b: unknown, j) => outcome(b, `bands[${j}]`));
          break;
        case 'photo':
          break;
        default:
          out.push(`${p}.kind must be boolean, choice, number or photo`);
      }
    });
  }
  if (!Array.isArray(def.rules) || !def.rules.every(isObject)) {
    out.push('definition.rules must be a list of objects');
  } else {
    def.rules.forEach((r, i) => {
      const p = `definition.rules[${i}]`;
      if (
        !['any-severity', 'severity-count', 'answer', 'score-below', 'section-below'].includes(
          String(r.kind),
        )
      ) {
        out.push(`${p}.kind is unknown`);
      }
      if (!['premium', 'good', 'scrap'].includes(String(r.grade)))
        out.push(`${p}.grade is unknown`);
      if (r.kind === 'answer' && !isObject(r.condition)) out.push(`${p}.condition is missing`);
      if (
        isObject(r.condition) &&
        !(
          (r.condition.op === 'in' && Array.isArray(r.condition.values)) ||
          (['lt', 'lte', 'gt', 'gte'].includes(String(r.condition.op)) &&
            typeof r.condition.value === 'number')
        )
      ) {
        out.push(`${p}.condition is malformed`);
      }
    });
  }
  if (
    def.scoring !== undefined &&
    !(isObject(def.scoring) && typeof def.scoring.maxScore === 'number')
  ) {
    out.push('definition.scoring must be { maxScore: number }');
  }
  return out;
}

/** Versioned grading standards: published rows are immutable; a new version is a new row. */
@Injectable()
export class GradingStandardsService {
  /** Read outside a transaction (see ReferenceCache): rows by id, and each family's latest. */
  private readonly rows = new ReferenceCache<GradingStandardRow | null>(500);
  private readonly latestRows = new ReferenceCache<GradingStandardRow | null>(500);

  constructor(
    private readonly dataSource: DataSource,
    private readonly standardRows: GradingStandardRepository,
  ) {}

  async get(id: string, manager?: EntityManager): Promise<GradingStandardRow> {
    const read = () => this.standardRows.byId(id, manager);
    // A published version never changes: only the family's latest moves on.
    const row = manager ? await read() : await this.rows.get(id, read);
    if (!row) throw new NotFound('Grading standard', id);
    return row;
  }

  /** The newest published version of a family, or null when the family does not exist. */
  latest(code: string, manager?: EntityManager): Promise<GradingStandardRow | null> {
    const read = () => this.standardRows.latest(code, manager);
    return manager ? read() : this.latestRows.get(code, read);
  }

  /**
   * The owner's self-assessment graded as inspection would grade the same answers, under the
   * newest version of the standard: only the checks answered (any but photos), the others
   * unanswered. Answers that do not fit the standard are the client's mistake: 400 naming
   * `<field>.<checkId>`. Null when the standard does not exist.
   */
  async assessSelf(
    code: string,
    answers: Record<string, unknown>,
    field: string,
  ): Promise<{
    standard: string;
    grade: GradeFinding['ruleGrade'];
    findings: GradeFinding[];
  } | null> {
    const row = await this.latest(code);
    if (!row) return null;
    const standard = row.definition;
    const photos = standard.checks.filter((c) => c.kind === 'photo' && c.id in answers);
    if (photos.length > 0) {
      throw new BadRequestException({
        message: `${field}: photos are not part of a self-assessment`,
        fields: photos.map((c) => ({ field: `${field}.${c.id}`, errors: ['is a photo check'] })),
      });
    }
    let result;
    try {
      result = gradeAnswers(standard, answers, { allowMissing: true });
    } catch (err) {
      const body = (err as { getResponse?: () => unknown }).getResponse?.() as
        { fields?: Array<{ field: string; errors: string[] }> } | undefined;
      if (!body?.fields) throw err;
      const fields = body.fields.map((f) => ({
        field: f.field.replace(/^answers\./, `${field}.`),
        errors: f.errors,
      }));
      throw new BadRequestException({
        message: `${field} does not fit the ${code} standard: ${fields.map((f) => f.field).join(', ')}`,
        fields,
      });
    }
    return {
      standard: `${standard.code}@v${standard.version}`,
      grade: result.grade,
      findings: gradeFindings(result),
    };
  }

  async exists(code: string, manager?: EntityManager): Promise<boolean> {
    return this.standardRows.familyExists(code, manager);
  }

  async list(filter: { code?: string; allVersions?: boolean }): Promise<GradingStandardRow[]> {
    return this.standardRows.list(filter);
  }

  /**
   * Publishes a definition as the next version of its family (version 1 for a new family).
   * Two admins publishing at once: one gets the version, the other a 409 (unique code+version).
   */
  async publish(
    definition: Record<string, unknown>,
    publishedBy: string | null,
  ): Promise<GradingStandardRow> {
    const shape = shapeProblems(definition);
    if (shape.length > 0) throw this.invalid(shape);
    const code = definition.code as string;
    const row = await this.dataSource.transaction(async (manager) => {
      const current = await this.latest(code, manager);
      const standard = {
        ...definition,
        version: (current?.version ?? 0) + 1,
      } as unknown as GradingStandard;
      const problems = validateStandard(standard).map((p) => `definition.${p.path}: ${p.message}`);
      if (problems.length === 0) {
        // A definition the engine cannot grade a flawless item under is not publishable.
        try {
          computeGrade(standard, idealAnswers(standard));
        } catch (err) {
          problems.push(`definition: cannot grade under it (${(err as Error).message})`);
        }
      }
      if (problems.length > 0) throw this.invalid(problems);
      return this.standardRows.insert(
        manager,
        standard,
        standardFingerprint(standard),
        publishedBy,
      );
    });
    this.latestRows.forget(code);
    return row;
  }

  /**
   * Publishes a standard from config/ (`standard.version` is its file's first version) unless
   * the family's latest version already says the same: a changed file becomes the latest
   * version + 1, a new family starts at its first version. Inspections keep the row they were
   * graded under, so an old report keeps its version. Returns the version that is now latest.
   */
  async applyConfigured(
    standard: GradingStandard,
    manager: EntityManager,
  ): Promise<{ version: number; published: boolean }> {
    const current = await this.latest(standard.code, manager);
    if (
      current &&
      standardFingerprint({ ...standard, version: current.version }) === current.fingerprint
    ) {
      return { version: current.version, published: false };
    }
    const version = Math.max(standard.version, (current?.version ?? 0) + 1);
    await this.ensure({ ...standard, version }, manager);
    return { version, published: true };
  }

  /** Seeds a known version unless present. */
  async ensure(standard: GradingStandard, manager?: EntityManager): Promise<void> {
    this.latestRows.forget(standard.code);
    await this.standardRows.insertIfAbsent(standard, standardFingerprint(standard), manager);
  }

  private invalid(problems: string[]): BadRequestException {
    return new BadRequestException({
      message: `Invalid standard: ${problems.slice(0, 5).join('; ')}`,
      fields: problems.map((p) => ({ field: p.split(/[:\s]/)[0], errors: [p] })),
    });
  }
}
