import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { RefitValuation } from '../core/jobs/job-catalogue.js';
import { QueueService } from '../core/jobs/queue.service.js';
import { fitParams, mape, predictSalePrice, type SaleRecord } from './engine/fit.js';
import { defaultParamSet } from './engine/params.js';
import type { Grade } from './engine/types.js';
import { type RefitMetrics, ValuationParamsVersion } from './valuation-params.entity.js';

/** pg advisory lock key of the refit: one refit at a time across every worker. */
const REFIT_LOCK_KEY = 731_550_001;
/** The refit learns from this many years of sales. */
const HISTORY_YEARS = 3;
const HOLDOUT_SHARE = 0.2;
export const REFIT_SCHEDULER_ID = 'valuation-refit';

export type RefitOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'fitted'; version: string; salesCount: number; metrics: RefitMetrics };

/**
 * Refits the per-category parameters from the sales history and activates the new version.
 * Runs as the `refit-valuation` job (a BullMQ job scheduler plus admin requests); a session
 * advisory lock keeps it to one instance at a time — a second concurrent run skips.
 */
@Injectable()
export class ValuationRefitService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ValuationRefitService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.mode === 'api') return; // workers own the schedule
    // Not awaited: with Redis down the queue waits for it, and start-up must not.
    void this.schedule();
  }

  private async schedule(): Promise<void> {
    try {
      await this.queues.queue(RefitValuation.queue).upsertJobScheduler(
        REFIT_SCHEDULER_ID,
        { pattern: this.config.valuation.refitCron },
        {
          name: RefitValuation.name,
          data: { payload: { trigger: 'scheduled', requestedBy: null } },
          opts: {
            attempts: RefitValuation.options.attempts,
            backoff: RefitValuation.options.backoff,
          },
        },
      );
    } catch (err) {
      this.logger.warn(`Could not schedule the valuation refit: ${(err as Error).message}`);
    }
  }

  async refit(trigger: string): Promise<RefitOutcome> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const rows = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
        REFIT_LOCK_KEY,
      ])) as Array<{ locked: boolean }>;
      if (!rows[0]?.locked) return { status: 'skipped', reason: 'another refit is running' };
      try {
        return await this.fitAndActivate(trigger);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [REFIT_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  private async fitAndActivate(trigger: string): Promise<RefitOutcome> {
    const rows = await this.dataSource.query<
      Array<{
        category_code: string;
        launch_price_minor: string;
        item_age_years: number;
        grade: Grade;
        price_minor: string;
        product_model_id: string | null;
        sold_at: Date;
      }>
    >(
      `SELECT category_code, launch_price_minor, item_age_years, grade, price_minor,
              product_model_id, sold_at
         FROM market_sales WHERE sold_at >= now() - make_interval(years => $1) AND withdrawn_at IS NULL
        ORDER BY sold_at, id`,
      [HISTORY_YEARS],
    );
    const sales: SaleRecord[] = rows.map((r) => ({
      categoryCode: r.category_code,
      launchPriceMinor: Number(r.launch_price_minor),
      ageYears: Number(r.item_age_years),
      grade: r.grade,
      priceMinor: Number(r.price_minor),
      productModelId: r.product_model_id ?? undefined,
      soldAt: new Date(r.sold_at),
    }));
    if (sales.length === 0) return { status: 'skipped', reason: 'no sales history' };

    const metrics = holdoutMetrics(sales);
    const fit = fitParams(sales, { fittedAt: new Date() });
    const version = fit.params.version;
    await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(ValuationParamsVersion);
      await m.query('UPDATE valuation_params SET active = false WHERE active');
      const existing = await repo.findOne({ where: { version } });
      if (existing) {
        await repo.update({ id: existing.id }, { active: true });
      } else {
        await repo.insert({
          version,
          params: fit.params,
          diagnostics: fit.diagnostics,
          metrics,
          salesCount: sales.length,
          trigger,
          active: true,
        });
      }
    });
    this.logger.log(
      `Valuation refit ${version} on ${sales.length} sales (held-out MAPE ${fmt(metrics.fittedMape)} vs launch-price-only ${fmt(metrics.launchPriceOnlyMape)})`,
    );
    return { status: 'fitted', version, salesCount: sales.length, metrics };
  }
}

/** Fits on the earlier sales, scores on the latest ones: the refit's quality, recorded with it. */
export function holdoutMetrics(sales: readonly SaleRecord[]): RefitMetrics {
  const cut = Math.floor(sales.length * (1 - HOLDOUT_SHARE));
  const train = sales.slice(0, cut);
  const test = sales.slice(cut);
  if (train.length < 12 || test.length === 0) {
    return {
      trainCount: train.length,
      testCount: test.length,
      launchPriceOnlyMape: null,
      fittedMape: null,
    };
  }
  const defaults = defaultParamSet();
  const fitted = fitParams(train).params;
  return {
    trainCount: train.length,
    testCount: test.length,
    launchPriceOnlyMape: mape(
      test.map((s) => ({ actual: s.priceMinor, predicted: predictSalePrice(defaults, s) })),
    ),
    fittedMape: mape(
      test.map((s) => ({ actual: s.priceMinor, predicted: predictSalePrice(fitted, s) })),
    ),
  };
}

const fmt = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)} %`);
