import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt } from '../../core/data/columns.js';
import type { FitResult } from '../engine/fit.js';
import type { ValuationParamSet } from '../engine/types.js';

/**
 * Quality of a refit on held-out (most recent) sales, priced as quotes are (model plus
 * comparables), against the live version and the launch-price-only estimate.
 */
export interface RefitMetrics {
  trainCount: number;
  testCount: number;
  /** MAPE of the default (launch price × family curve) parameters on the held-out sales. */
  launchPriceOnlyMape: number | null;
  /** MAPE of parameters fitted on the earlier sales only. */
  fittedMape: number | null;
  /** The version that was live when this refit ran, and its MAPE on the same held-out sales. */
  liveVersion?: string;
  liveMape?: number | null;
  /** Share of held-out sales inside the ≈80 % interval, for the refit and for the live version. */
  fittedCoverage?: number | null;
  liveCoverage?: number | null;
  /** Whether this refit went live, and why (it must not be worse than the live one). */
  promoted?: boolean;
  decision?: string;
}

/** A versioned parameter set; exactly one is active (the one quotes and offers use). */
@Entity('valuation_params')
export class ValuationParamsVersion {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) version: string;
  @Column({ type: 'jsonb' }) params: ValuationParamSet;
  @Column({ type: 'jsonb' }) diagnostics: FitResult['diagnostics'] | Record<string, never>;
  @Column({ type: 'jsonb' }) metrics: RefitMetrics | Record<string, never>;
  @Column({ name: 'sales_count', type: 'int' }) salesCount: number;
  /** 'scheduled', 'admin', 'seed'. */
  @Column({ type: 'text' }) trigger: string;
  @Column({ type: 'boolean' }) active: boolean;
  @CreatedAt() createdAt: Date;
}
