import { BadRequestException, NotFoundException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service.js';
import { GradingStandardsService } from '../catalog/grading-standards.service.js';
import { takesValue } from '../catalog/standards/grade-answers.js';
import { defaultParamSet, paramsForCategory } from './engine/params.js';
import {
  expectedGradeFromDeclared,
  valuate,
  worseGrade,
  type ValuationInput,
} from './engine/model.js';
import { defectCode, learnDefectShares } from './engine/price-points.js';
import type {
  ComparableSale,
  DefectDeduction,
  Grade,
  Valuation,
  ValuationParamSet,
} from './engine/types.js';
import { MarketSaleRepository } from './data/market-sales.repository.js';
import { ValuationParamsRepository } from './data/valuation-params.repository.js';

const MS_PER_DAY = 86_400_000;
const MS_PER_YEAR = 365.25 * MS_PER_DAY;
/** Valuing by category alone is a rough guess: it lowers confidence this much. */
const CATEGORY_ONLY_PENALTY = 0.3;
const CATEGORY_CACHE_MS = 5 * 60_000;

export interface ItemToValue {
  productModelId?: string | null;
  /** Needed when there is no product model; otherwise taken from the model. */
  categoryId?: string | null;
  /** The inspected grade; without it the declared condition decides the expected grade. */
  grade?: Grade;
  declaredCondition?: Readonly<Record<string, unknown>>;
  /** Inspection findings that take value off the item. */
  defects?: readonly DefectDeduction[];
  /** 0..1 from fraud signals: lowers confidence, never the price. */
  confidencePenalty?: number;
  /** The item's own age (a car: since first registration); default: since the model's launch. */
  ageYears?: number;
  /** Category-specific multipliers, each a breakdown line (vehicles: mileage, level, region). */
  extraFactors?: ValuationInput['extraFactors'];
  /** The date the price is for (default now); comparables sold after it are ignored. */
  valuationDate?: Date;
  /** Use this parameter version instead of the active one (a final offer reuses its quote's). */
  paramsVersion?: string;
  /** Where the item will be sold, for the fitted regional price level (none: the market's). */
  region?: string | null;
  /** The code of one of the product model's variants (`product_variants`): its own price point. */
  variant?: string | null;
}

export interface ItemValuation extends Valuation {
  /** The parameter version used (pass it back as `paramsVersion` to price on the same basis). */
  paramsVersion: string;
  basis: 'product-model' | 'category' | 'scrap-value';
  categoryId: string;
  productModelId: string | null;
  valuationDate: string;
}

/** Facts of a sale, as resale (or an import) records it. */
export interface SaleToRecord {
  productModelId: string | null;
  categoryId: string;
  grade: Grade;
  priceMinor: number;
  soldAt: Date;
  region?: string | null;
  source: string;
  sourceRef?: string | null;
  /** The item's age at sale; defaults to the time since the model's launch. */
  itemAgeYears?: number;
  variant?: string | null;
  mileageKm?: number | null;
  vehicleUse?: string | null;
  /** Defect codes the item was sold with (`defectCode`: 'screen_condition=cracked'). */
  defects?: readonly string[];
}

/**
 * The price engine behind quotes and final offers (a reference module: it never moves an item).
 * It turns catalog facts, a grade or declared condition, inspection findings and comparable
 * sales of the same model and grade into a valuation with its breakdown and model version.
 */
@Injectable()
export class ValuationService {
  private readonly paths = new Map<string, { code: string; rootCode: string; at: number }>();

  constructor(
    private readonly params: ValuationParamsRepository,
    private readonly sales: MarketSaleRepository,
    private readonly catalog: CatalogService,
    private readonly standards: GradingStandardsService,
  ) {}

  /** The active parameter set, or the built-in defaults before the first refit. */
  async activeParams(manager?: EntityManager): Promise<ValuationParamSet> {
    return (await this.params.active(manager))?.params ?? defaultParamSet();
  }

  private async paramsFor(version: string | undefined): Promise<ValuationParamSet> {
    if (version === undefined) return this.activeParams();
    const defaults = defaultParamSet();
    if (version === defaults.version) return defaults;
    return (await this.params.byVersion(version))?.params ?? this.activeParams();
  }

  /**
   * The category's path code ('digital.phones.smartphones') — the key fitted parameters are
   * stored under and the words the engine guesses a family from — and its root code.
   */
  async categoryPath(categoryId: string): Promise<{ code: string; rootCode: string }> {
    const cached = this.paths.get(categoryId);
    if (cached && Date.now() - cached.at < CATEGORY_CACHE_MS) return cached;
    const codes = (await this.catalog.path(categoryId)).map((c) => c.code);
    const entry = { code: codes.join('.'), rootCode: codes[0] ?? '', at: Date.now() };
    this.paths.set(categoryId, entry);
    return entry;
  }

  /** Values one item. Throws 400 when the product model or category is unknown. */
  async value(input: ItemToValue): Promise<ItemValuation> {
    const valuationDate = input.valuationDate ?? new Date();
    const paramSet = await this.paramsFor(input.paramsVersion);
    const model = input.productModelId
      ? await this.catalog.getProductModel(input.productModelId).catch(notFoundAsNull)
      : null;
    if (input.productModelId && !model) {
      throw new BadRequestException(`productModelId ${input.productModelId} is not in the catalog`);
    }
    const categoryId = model?.categoryId ?? input.categoryId ?? null;
    if (!categoryId) throw new BadRequestException('an item needs a product model or a category');
    const category = await this.catalog.getCategory(categoryId).catch(notFoundAsNull);
    if (!category) throw new BadRequestException(`categoryId ${categoryId} is not in the catalog`);
    const { code: categoryCode } = await this.categoryPath(categoryId);
    const variant = input.variant ? await this.variantOf(model, input.variant) : null;
    // Before inspection the owner's answers are priced check by check, as inspection would.
    const declared =
      input.grade === undefined && input.declaredCondition
        ? await this.selfAssessment(category.standardCode, input.declaredCondition)
        : null;
    const defects = await this.withLearnedDeductions(categoryId, valuationDate, [
      ...(declared?.defects ?? []),
      ...(input.defects ?? []),
    ]);
    const common = {
      valuationDate,
      grade: input.grade,
      declaredCondition: declared ? declared.grade : input.declaredCondition,
      defects,
      ageYears: input.ageYears,
      extraFactors: input.extraFactors,
      region: input.region,
    };
    const out = (v: Valuation, basis: ItemValuation['basis']): ItemValuation => ({
      ...v,
      paramsVersion: paramSet.version,
      basis,
      categoryId,
      productModelId: model?.id ?? null,
      valuationDate: valuationDate.toISOString(),
    });

    if (model?.launchPriceMinor) {
      const launchDate = model.launchDate ? new Date(`${model.launchDate}T00:00:00Z`) : null;
      const { params } = paramsForCategory(paramSet, categoryCode);
      const comparables = await this.comparables(
        model.id,
        valuationDate,
        params.comparablesMaxAgeDays,
      );
      const v = valuate(
        {
          ...common,
          productModel: {
            launchPriceMinor: model.launchPriceMinor,
            launchDate: launchDate ?? new Date(valuationDate.getTime() - MS_PER_YEAR),
            categoryCode,
            productModelId: model.id,
          },
          comparables,
          variant,
          // An unknown launch date is a guess of one year: trust the amount less.
          confidencePenalty: combine(input.confidencePenalty, launchDate ? 0 : 0.1),
        },
        paramSet,
      );
      return out(v, 'product-model');
    }

    // No model (or no launch price): a typical model of the category from its recent sales.
    const typical = await this.typicalOfCategory(categoryId, valuationDate);
    if (typical) {
      const v = valuate(
        {
          ...common,
          productModel: {
            launchPriceMinor: typical.launchPriceMinor,
            launchDate: new Date(valuationDate.getTime() - typical.ageYears * MS_PER_YEAR),
            categoryCode,
          },
          confidencePenalty: combine(input.confidencePenalty, CATEGORY_ONLY_PENALTY),
        },
        paramSet,
      );
      v.lines = v.lines.map((l) =>
        l.code === 'launch-price'
          ? { ...l, label: `Typical launch price of ${category.name} (recent sales)` }
          : l,
      );
      return out(v, 'category');
    }
    const scrap = category.scrapValueMinor ?? 0;
    return out(
      {
        amountMinor: scrap,
        lowMinor: scrap,
        highMinor: scrap,
        confidence: 0.1 * (1 - Math.min(1, input.confidencePenalty ?? 0)),
        currency: 'CNY',
        lines: [
          {
            code: 'scrap-value',
            label: `Recycling value of ${category.name} (no sales history)`,
            amountMinor: scrap,
            ruleCode: 'scrap-value',
          },
        ],
        modelVersion: `scrap-value+${paramSet.version}`,
        details: {
          categoryCode,
          family: paramsForCategory(paramSet, categoryCode).family,
          ageYears: 0,
          grade: input.grade ?? 'scrap',
          gradeSource: input.grade ? 'inspected' : 'declared',
          comparablesUsed: 0,
          comparablesEffectiveCount: 0,
          comparablesWeight: 0,
          comparablesDispersion: null,
          modelEstimateMinor: scrap,
        },
      },
      'scrap-value',
    );
  }

  /**
   * Recent sales of the same model, every grade (the engine moves them to the item's grade and
   * weighs them by similarity), up to the valuation date; withdrawn (refunded) sales never count.
   */
  private async comparables(
    productModelId: string,
    until: Date,
    maxAgeDays: number,
  ): Promise<ComparableSale[]> {
    const since = new Date(until.getTime() - maxAgeDays * MS_PER_DAY);
    // Sales with a defect are priced by their deduction, not as comparables of a sound item.
    const rows = await this.sales.comparables(productModelId, until, since);
    return rows.map((r) => ({
      priceMinor: Number(r.price_minor),
      soldAt: new Date(r.sold_at),
      grade: r.grade,
      productModelId,
      region: r.region,
      variant: r.variant,
    }));
  }

  /** The trade-in's variant of the model; an unknown one is the caller's mistake (400). */
  async variantOf(
    model: { id: string; code: string } | null,
    code: string,
  ): Promise<{ code: string; label: string }> {
    if (!model) {
      throw new BadRequestException({
        message: 'variant: only an item with a product model has variants',
        fields: [{ field: 'variant', errors: ['needs a productModelId'] }],
      });
    }
    const found = await this.catalog.findVariant(model.id, code);
    if (found) return { code: found.code, label: found.label };
    const known = (await this.catalog.listVariants(model.id)).map((v) => v.code);
    throw new BadRequestException({
      message: `variant ${code} is not a variant of ${model.code}`,
      fields: [
        {
          field: 'variant',
          errors: [
            known.length ? `must be one of ${known.join(', ')}` : 'the model has no variants',
          ],
        },
      ],
    });
  }

  /**
   * The owner's self-assessment graded under the category's standard: each answer that fails a
   * check is a `declared:<checkId>` deduction with the check's rule, and the expected grade is
   * the worse of the one the owner's words suggest and the one the standard's rules give.
   * `screenCracked: true` is the screen check's 'cracked' answer when the standard has one.
   */
  async selfAssessment(
    standardCode: string | null,
    declaredCondition: Readonly<Record<string, unknown>>,
  ): Promise<{ grade: Grade; defects: DefectDeduction[] }> {
    const fromWords = expectedGradeFromDeclared(declaredCondition);
    const given = declaredCondition.selfAssessment;
    const answers: Record<string, unknown> =
      given && typeof given === 'object' && !Array.isArray(given) ? { ...given } : {};
    if (!standardCode) {
      if (Object.keys(answers).length > 0) {
        throw new BadRequestException(
          'declaredCondition.selfAssessment: the category has no grading standard to answer',
        );
      }
      return { grade: fromWords, defects: [] };
    }
    if (declaredCondition.screenCracked === true && !('screen_condition' in answers)) {
      const standard = (await this.standards.latest(standardCode))?.definition;
      const screen = standard?.checks.find((c) => c.id === 'screen_condition');
      if (screen?.kind === 'choice' && screen.options.some((o) => o.value === 'cracked')) {
        answers.screen_condition = 'cracked';
      }
    }
    if (Object.keys(answers).length === 0) return { grade: fromWords, defects: [] };
    const assessed = await this.standards.assessSelf(
      standardCode,
      answers,
      'declaredCondition.selfAssessment',
    );
    if (!assessed) return { grade: fromWords, defects: [] };
    return {
      grade: worseGrade(fromWords, assessed.grade ?? 'premium'),
      defects: assessed.findings.filter(takesValue).map((f) => ({
        checkId: f.checkId,
        label: f.label,
        severity: f.severity,
        answer: f.answer,
        source: 'declared' as const,
        ...(f.deductionShare !== undefined ? { deductionShare: f.deductionShare } : {}),
        ...(f.deductionMinor !== undefined ? { deductionMinor: f.deductionMinor } : {}),
        ruleCode: f.rule ?? `${assessed.standard}:${f.checkId}`,
      })),
    };
  }

  /**
   * Each defect's deduction as the category's sales of the last two years show it, where enough
   * of them carry it (`learnDefectShares`); the others keep the standard's rule alone.
   */
  private async withLearnedDeductions(
    categoryId: string,
    until: Date,
    defects: DefectDeduction[],
  ): Promise<DefectDeduction[]> {
    if (defects.length === 0) return defects;
    const codes = defects.map((d) => defectCode(d.checkId, d.answer));
    const rows = await this.sales.withDefectPeers(categoryId, until, codes);
    if (rows.length === 0) return defects;
    const learned = learnDefectShares(
      rows.map((r) => ({
        productModelId: r.product_model_id,
        grade: r.grade,
        priceMinor: Number(r.price_minor),
        defects: r.defects,
      })),
    );
    return defects.map((d, i) => {
      const l = learned.get(codes[i]);
      return l ? { ...d, learned: l } : d;
    });
  }

  private async typicalOfCategory(
    categoryId: string,
    until: Date,
  ): Promise<{ launchPriceMinor: number; ageYears: number } | null> {
    const r = await this.sales.categoryMedians(categoryId, until);
    if (!r || r.launch === null || r.age === null) return null;
    return { launchPriceMinor: Math.round(Number(r.launch)), ageYears: Number(r.age) };
  }

  /**
   * A refunded or returned sale leaves the history at once (kept, marked, for the record): a few
   * inflated sales that are then refunded cannot move a model's price. Idempotent.
   */
  async withdrawSale(
    manager: EntityManager,
    source: string,
    sourceRef: string,
    reason: string,
  ): Promise<void> {
    await this.sales.withdraw(manager, source, sourceRef, reason);
  }

  /** Records a sale in the history (once per source and sourceRef); true when it is new. */
  async recordSale(manager: EntityManager, sale: SaleToRecord): Promise<boolean> {
    if (!Number.isSafeInteger(sale.priceMinor) || sale.priceMinor <= 0) {
      throw new RangeError('priceMinor must be a positive integer');
    }
    const model = sale.productModelId
      ? await this.catalog.getProductModel(sale.productModelId)
      : null;
    const launchPriceMinor = model?.launchPriceMinor ?? null;
    if (!launchPriceMinor) return false; // without a launch price a sale teaches nothing
    const launch = model?.launchDate ? new Date(`${model.launchDate}T00:00:00Z`) : sale.soldAt;
    const { code } = await this.categoryPath(sale.categoryId);
    const inserted = await this.sales.insertNew(
      [
        {
          productModelId: sale.productModelId,
          categoryId: sale.categoryId,
          categoryCode: code,
          grade: sale.grade,
          priceMinor: sale.priceMinor,
          launchPriceMinor,
          itemAgeYears:
            sale.itemAgeYears ??
            Math.max(0, (sale.soldAt.getTime() - launch.getTime()) / MS_PER_YEAR),
          soldAt: sale.soldAt,
          region: sale.region ?? null,
          source: sale.source,
          sourceRef: sale.sourceRef ?? null,
          variant: sale.variant ?? null,
          mileageKm: sale.mileageKm ?? null,
          vehicleUse: sale.vehicleUse ?? null,
          defects: [...(sale.defects ?? [])],
        },
      ],
      manager,
    );
    return inserted > 0;
  }
}

function combine(a: number | undefined, b: number): number {
  return 1 - (1 - Math.min(1, Math.max(0, a ?? 0))) * (1 - b);
}

/** An unknown id is the caller's mistake (400); any other failure (e.g. the database) is not. */
function notFoundAsNull(err: unknown): null {
  if (err instanceof NotFoundException) return null;
  throw err;
}
