import { createHash } from 'node:crypto';
import { BadRequestException, Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { GRADES, type Grade } from './engine/types.js';
import { VEHICLE_USES, type VehicleUse } from './engine/vehicle-factors.js';
import { ValuationService, type SaleToRecord } from './valuation.service.js';
import { GradingStandardsService } from '../catalog/grading-standards.service.js';
import { defectCode } from './engine/price-points.js';
import { type ImportModelRow, MarketSaleRepository } from './data/market-sales.repository.js';

type GradingStandardDefinition = NonNullable<
  Awaited<ReturnType<GradingStandardsService['latest']>>
>['definition'];

const MS_PER_YEAR = 365.25 * 24 * 3600_000;
/** Rows one upload may hold; a larger history goes in several files (re-import is harmless). */
export const MAX_IMPORT_ROWS = 20_000;
const COLUMNS = [
  'category',
  'model',
  'variant',
  'grade',
  'sold_at',
  'price_minor',
  'currency',
  'mileage_km',
  'first_registration',
  'region',
  'use',
  'defects',
] as const;
/** The columns a sale's key was made of before `defects`: old files keep their keys. */
const KEY_COLUMNS = COLUMNS.filter((c) => c !== 'defects');
type Column = (typeof COLUMNS)[number];
const REQUIRED: readonly Column[] = ['category', 'model', 'grade', 'sold_at', 'price_minor'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ImportError {
  /** The file's line number (the header is line 1). */
  line: number;
  field: string;
  message: string;
}

export interface ImportResult {
  rows: number;
  imported: number;
  /** Rows already in the history from an earlier upload of the same sale: nothing new. */
  alreadyImported: number;
}

/**
 * Sales history as data the operator controls (issue 26, point 1): a CSV of past sales from
 * another channel joins the history comparables and refits read. All or nothing: a file with
 * any bad row imports nothing and answers every bad row by line and field; each sale is keyed by
 * its content, so uploading the same file again adds nothing.
 */
@Injectable()
export class SalesImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sales: MarketSaleRepository,
    private readonly valuation: ValuationService,
    private readonly standards: GradingStandardsService,
  ) {}

  async import(content: string): Promise<ImportResult> {
    const records = this.read(content);
    const models = await this.sales.importModels(records.map((r) => r.model ?? ''));
    const standards = new Map<string, GradingStandardDefinition | null>();
    const errors: ImportError[] = [];
    const sales: SaleToRecord[] = [];
    for (const [i, r] of records.entries()) {
      const line = i + 2;
      const fail = (field: string, message: string) => errors.push({ line, field, message });
      for (const c of REQUIRED) if (!r[c]) fail(c, 'is required');
      if (REQUIRED.some((c) => !r[c])) continue;
      const model = models.get(r.model!);
      if (!model) {
        fail('model', `no product model with code ${r.model} in the catalog`);
        continue;
      }
      if (model.category_code !== r.category) {
        fail(
          'category',
          `model ${r.model} is in category ${model.category_code}, not ${r.category}`,
        );
      }
      if (!model.launch_price_minor) fail('model', `model ${r.model} has no launch price`);
      if (!GRADES.includes(r.grade as Grade)) fail('grade', `must be one of ${GRADES.join(', ')}`);
      const soldAt = new Date(r.sold_at!);
      if (!DATE.test(r.sold_at!.slice(0, 10)) || Number.isNaN(soldAt.getTime())) {
        fail('sold_at', 'must be a date, YYYY-MM-DD or an ISO 8601 time');
      } else if (soldAt.getTime() > Date.now()) fail('sold_at', 'is in the future');
      const price = Number(r.price_minor);
      if (!/^\d{1,13}$/.test(r.price_minor!) || price <= 0) {
        fail('price_minor', 'must be a positive whole number of fen (e.g. 350000 for ¥3,500)');
      }
      if ((r.currency || 'CNY') !== 'CNY') fail('currency', 'only CNY is priced');
      // A car's sale: the use is what the engine prices (private unless the file says otherwise).
      const vehicle = Boolean(r.first_registration || r.mileage_km || r.use);
      if (r.mileage_km && !/^\d{1,7}$/.test(r.mileage_km)) {
        fail('mileage_km', 'must be a whole number of kilometres');
      }
      if (r.use && !VEHICLE_USES.includes(r.use as VehicleUse)) {
        fail('use', `must be one of ${VEHICLE_USES.join(', ')}`);
      }
      let firstRegistration: Date | null = null;
      if (r.first_registration) {
        firstRegistration = new Date(`${r.first_registration}T00:00:00Z`);
        if (!DATE.test(r.first_registration) || Number.isNaN(firstRegistration.getTime())) {
          fail('first_registration', 'must be a date, YYYY-MM-DD');
          firstRegistration = null;
        } else if (firstRegistration > soldAt) fail('first_registration', 'is after the sale');
      }
      if (r.variant && r.variant.length > 100) fail('variant', 'is longer than 100 characters');
      if (r.region && r.region.length > 50) fail('region', 'is longer than 50 characters');
      const defects = r.defects ? await this.defects(r.defects, model, standards, fail) : [];
      if (errors.some((e) => e.line === line)) continue;
      sales.push({
        productModelId: model.id,
        categoryId: model.category_id,
        grade: r.grade as Grade,
        priceMinor: price,
        soldAt,
        region: r.region || null,
        variant: r.variant || null,
        mileageKm: r.mileage_km ? Number(r.mileage_km) : null,
        vehicleUse: r.use || (vehicle ? 'private' : null),
        defects,
        itemAgeYears: firstRegistration
          ? (soldAt.getTime() - firstRegistration.getTime()) / MS_PER_YEAR
          : undefined,
        source: 'import',
        // The sale's own content is its key: the same sale uploaded twice is one sale.
        sourceRef: createHash('sha256')
          .update(
            [...KEY_COLUMNS.map((c) => r[c] ?? ''), ...(defects.length ? defects : [])].join(
              '\u0000',
            ),
          )
          .digest('hex'),
      });
    }
    if (errors.length > 0) {
      throw new BadRequestException({
        message: `The file has ${errors.length} problem(s); nothing was imported`,
        fields: errors.slice(0, 200).map((e) => ({
          field: `line ${e.line}: ${e.field}`,
          errors: [e.message],
        })),
      });
    }
    return this.dataSource.transaction(async (m) => {
      let imported = 0;
      for (const sale of sales) if (await this.valuation.recordSale(m, sale)) imported++;
      return { rows: records.length, imported, alreadyImported: records.length - imported };
    });
  }

  /**
   * The row's defects, `;`-separated: each a check of the category's grading standard that the
   * item failed — the check id, with the answer for a choice check (`screen_condition=cracked`).
   */
  private async defects(
    cell: string,
    model: ImportModelRow,
    standards: Map<string, GradingStandardDefinition | null>,
    fail: (field: string, message: string) => void,
  ): Promise<string[]> {
    const code = model.standard_code;
    if (code && !standards.has(code)) {
      standards.set(code, (await this.standards.latest(code))?.definition ?? null);
    }
    const standard = code ? standards.get(code) : null;
    if (!standard) {
      fail('defects', `category ${model.category_code} has no grading standard to name checks of`);
      return [];
    }
    const out = new Set<string>();
    for (const token of cell
      .split(';')
      .map((t) => t.trim())
      .filter(Boolean)) {
      const [checkId, answer] = token.split('=', 2);
      const check = standard.checks.find((c) => c.id === checkId && c.kind !== 'photo');
      if (!check) {
        fail('defects', `${checkId} is not a check of the ${standard.code} standard`);
        continue;
      }
      if (check.kind === 'choice') {
        const faults = check.options.filter((o) => o.severity !== 'none').map((o) => o.value);
        if (answer === undefined || !faults.includes(answer)) {
          fail('defects', `${checkId} needs its answer, one of ${checkId}=${faults.join(`|`)}`);
          continue;
        }
      } else if (answer !== undefined) {
        fail('defects', `${checkId} takes no answer (write ${checkId} alone)`);
        continue;
      }
      out.add(defectCode(checkId, answer));
    }
    return [...out].sort();
  }

  private read(content: string): Array<Partial<Record<Column, string>>> {
    let rows: string[][];
    try {
      rows = parse(content.replace(/^\uFEFF/, ''), {
        skip_empty_lines: true,
        trim: true,
        relax_column_count: true,
      });
    } catch (err) {
      throw new BadRequestException(`The file is not readable CSV: ${(err as Error).message}`);
    }
    const [header, ...body] = rows;
    if (!header) throw new BadRequestException('The file is empty');
    const names = header.map((h) => h.toLowerCase());
    const unknown = names.filter((n) => !COLUMNS.includes(n as Column));
    const missing = REQUIRED.filter((c) => !names.includes(c));
    if (unknown.length > 0 || missing.length > 0) {
      throw new BadRequestException(
        `The header must name the columns ${COLUMNS.join(', ')}` +
          (missing.length ? `; missing: ${missing.join(', ')}` : '') +
          (unknown.length ? `; unknown: ${unknown.join(', ')}` : ''),
      );
    }
    if (body.length === 0) throw new BadRequestException('The file has no sales after its header');
    if (body.length > MAX_IMPORT_ROWS) {
      throw new BadRequestException(
        `The file has ${body.length} sales; at most ${MAX_IMPORT_ROWS} per upload`,
      );
    }
    return body.map((cells) => Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ''])));
  }
}
