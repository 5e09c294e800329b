import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { RefitValuation } from '../core/jobs/job-catalogue.js';
import { withSessionLock } from '../core/data/session-lock.js';
import { QueueService } from '../core/jobs/queue.service.js';
import { promotionDecision, scoreHoldout } from './engine/evaluate.js';
import { fitParams, type SaleRecord } from './engine/fit.js';
import { defaultParamSet } from './engine/params.js';
import type { ValuationParamSet } from './engine/types.js';
import { MarketSaleRepository } from './data/market-sales.repository.js';
import type { RefitMetrics } from './data/valuation-params.entity.js';
import { ValuationParamsRepository } from './data/valuation-params.repository.js';

/** pg advisory lock key of the refit: one refit at a time across every worker. */
const REFIT_LOCK_KEY = 731_550_001;
/** The refit learns from this many years of sales. */
const HISTORY_YEARS = 3;
const HOLDOUT_SHARE = 0.2;
export const REFIT_SCHEDULER_ID = 'valuation-refit';

export type RefitOutcome =
  | { status: 'skipped'; reason: string }
  | {
      status: 'fitted';
      version: string;
      salesCount: number;
      metrics: RefitMetrics;
      promoted: boolean;
    };

/**
 * Refits the per-category parameters from the sales history and activates the new version only
 * when it is not worse than the live one on the most recent held-out sales; every refit is kept
 * with its scores and the decision (admins read them at `GET /valuation/params`).
 * Runs as the `refit-valuation` job (a BullMQ job scheduler plus admin requests); a session
 * advisory lock keeps it to one instance at a time — a second concurrent run skips.
 */
@Injectable()
export class ValuationRefitService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ValuationRefitService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly paramVersions: ValuationParamsRepository,
    private readonly sales: MarketSaleRepository,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: start-up must not wait for Redis.
    void this.queues.scheduleRepeatable(
      RefitValuation,
      REFIT_SCHEDULER_ID,
      { pattern: this.config.valuation.refitCron },
      { trigger: 'scheduled', requestedBy: null },
      'The valuation refit',
    );
  }

  async refit(trigger: string): Promise<RefitOutcome> {
    const outcome = await withSessionLock(this.dataSource, REFIT_LOCK_KEY, () =>
      this.fitAndActivate(trigger),
    );
    return outcome ?? { status: 'skipped', reason: 'another refit is running' };
  }

  private async fitAndActivate(trigger: string): Promise<RefitOutcome> {
    // Sales with a defect teach its deduction, not the curve or the grades of sound items.
    const rows = await this.sales.training(HISTORY_YEARS);
    const sales: SaleRecord[] = rows.map((r) => ({
      categoryCode: r.category_code,
      launchPriceMinor: Number(r.launch_price_minor),
      ageYears: Number(r.item_age_years),
      grade: r.grade,
      priceMinor: Number(r.price_minor),
      productModelId: r.product_model_id ?? undefined,
      soldAt: new Date(r.sold_at),
      region: r.region,
    }));
    if (sales.length === 0) return { status: 'skipped', reason: 'no sales history' };

    const live = (await this.paramVersions.active())?.params ?? defaultParamSet();
    const metrics = holdoutMetrics(sales, live);
    const fit = fitParams(sales, { fittedAt: new Date() });
    const version = fit.params.version;
    const promoted = metrics.promoted ?? true;
    await this.paramVersions.keep(
      {
        version,
        params: fit.params,
        diagnostics: fit.diagnostics,
        metrics,
        salesCount: sales.length,
        trigger,
      },
      promoted,
    );
    const log = `Valuation refit ${version} on ${sales.length} sales: held-out MAPE ${fmt(metrics.fittedMape)} vs live ${metrics.liveVersion} ${fmt(metrics.liveMape ?? null)}, 80 % coverage ${fmt(metrics.fittedCoverage ?? null)} vs ${fmt(metrics.liveCoverage ?? null)} — ${metrics.decision}`;
    if (promoted) this.logger.log(log);
    else this.logger.warn(log);
    return { status: 'fitted', version, salesCount: sales.length, metrics, promoted };
  }
}

/**
 * Fits on the earlier sales and scores on the latest ones, as quotes would price them (model plus
 * comparables of every earlier sale), beside the live parameters and the launch-price-only
 * defaults on the same sales: the refit's quality and whether it may go live (not worse on MAPE
 * nor on 80 % interval coverage).
 */
export function holdoutMetrics(
  sales: readonly SaleRecord[],
  live: ValuationParamSet = defaultParamSet(),
): RefitMetrics {
  const cut = Math.floor(sales.length * (1 - HOLDOUT_SHARE));
  const train = sales.slice(0, cut);
  const test = sales.slice(cut);
  if (train.length < 12 || test.length === 0) {
    return {
      trainCount: train.length,
      testCount: test.length,
      launchPriceOnlyMape: null,
      fittedMape: null,
      liveVersion: live.version,
      liveMape: null,
      fittedCoverage: null,
      liveCoverage: null,
      // Too few sales to judge: the history is new, so the fit goes live (as before any gate).
      promoted: true,
      decision: 'promoted: too few sales to hold any out',
    };
  }
  const fitted = scoreHoldout(fitParams(train).params, train, test);
  const current = scoreHoldout(live, train, test);
  return {
    trainCount: train.length,
    testCount: test.length,
    launchPriceOnlyMape: scoreHoldout(defaultParamSet(), train, test).mape,
    fittedMape: fitted.mape,
    liveVersion: live.version,
    liveMape: current.mape,
    fittedCoverage: fitted.coverage,
    liveCoverage: current.coverage,
    ...promotionDecision(fitted, current),
  };
}

const fmt = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)} %`);
