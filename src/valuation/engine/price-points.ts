/**
 * Variants and defects as their own price points (issue 26 point 2): a variant's price level
 * (storage, RAM, carrier lock, edition) and a defect's deduction, both learned from the sales
 * that carry them and shrunk towards a prior when those sales are few.
 */

/**
 * With n of its sales a variant's own level gets weight n / (n + 4): one sale moves it a fifth
 * of the way, four sales half, twelve three quarters. Small because a variant's step (+30 % for
 * 512 GB) is large next to one sale's noise (σ ≈ 0.1–0.2); not smaller, so one odd sale cannot
 * make a price point. (k = σ²/τ² with σ ≈ 0.15 and a prior spread of variant levels τ ≈ 0.075.)
 */
export const VARIANT_PRIOR_SALES = 4;

/** Fewer sales carrying a defect than this: the standard's rule prices it, not the sales. */
export const MIN_LEARNED_DEFECT_SALES = 30;
/**
 * From the minimum on, the learned deduction gets weight n / (n + 30) and the standard's rule
 * the rest: at 30 sales half each, at 270 sales 90 % learned.
 */
export const LEARNED_DEFECT_PRIOR_SALES = 30;

/**
 * The code a sale carries for a defect (`market_sales.defects`): the check id, with the answer
 * for a choice check (`screen_condition=cracked`), since its options are different defects. A
 * boolean or number check has one way of failing worth pricing (`battery_health`).
 */
export function defectCode(checkId: string, answer: unknown): string {
  return typeof answer === 'string' ? `${checkId}=${answer}` : checkId;
}

/** One sale's log price, already brought to the item (age, grade, region), and its variant. */
export interface AdjustedSale {
  logPrice: number;
  variant: string | null | undefined;
}

export interface VariantFactor {
  /** Price level of the variant relative to the model's sales as a whole (1 = the same). */
  factor: number;
  /** Sales of the variant it was learned from. */
  sales: number;
}

/**
 * Each variant's price level over the model: its sales' mean log price (brought to the item)
 * minus that of all the model's sales, shrunk towards 0 (factor 1) by n / (n + k). Sales without
 * a variant sit at the model's level (factor 1).
 */
export function fitVariantFactors(
  sales: readonly AdjustedSale[],
  priorSales = VARIANT_PRIOR_SALES,
): Map<string, VariantFactor> {
  const out = new Map<string, VariantFactor>();
  if (sales.length === 0) return out;
  const all = sales.reduce((s, x) => s + x.logPrice, 0) / sales.length;
  const byVariant = new Map<string, number[]>();
  for (const s of sales) {
    if (!s.variant) continue;
    const list = byVariant.get(s.variant) ?? [];
    list.push(s.logPrice);
    byVariant.set(s.variant, list);
  }
  for (const [variant, logs] of byVariant) {
    const n = logs.length;
    const mean = logs.reduce((a, b) => a + b, 0) / n;
    const weight = n / (n + priorSales);
    out.set(variant, { factor: Math.exp(weight * (mean - all)), sales: n });
  }
  return out;
}

/** A past sale, as the defect deductions learn from it. */
export interface SaleWithDefects {
  productModelId: string;
  grade: string;
  priceMinor: number;
  /** Defect codes (`defectCode`); empty for a sale without any. */
  defects: readonly string[];
}

export interface LearnedDefect {
  /** Share (0..1) of the value the defect takes off, as the sales say. */
  share: number;
  /** Sales with the defect that were paired with clean sales of the same model and grade. */
  sales: number;
}

/**
 * What each defect takes off the price according to the sales: for every product model and
 * grade, the mean log price of its sales with that defect alone against its sales without any
 * defect (at least two of them), pooled over models weighted by the defect's sales. Only a
 * defect with at least `minSales` such sales is learned; the rest is left to the rule table.
 * Sales with several defects are left out: their loss cannot be told apart.
 */
export function learnDefectShares(
  sales: readonly SaleWithDefects[],
  minSales = MIN_LEARNED_DEFECT_SALES,
): Map<string, LearnedDefect> {
  const groups = new Map<string, { clean: number[]; withDefect: Map<string, number[]> }>();
  for (const s of sales) {
    if (!(s.priceMinor > 0) || s.defects.length > 1) continue;
    const key = `${s.productModelId}\u0000${s.grade}`;
    const g = groups.get(key) ?? { clean: [], withDefect: new Map<string, number[]>() };
    groups.set(key, g);
    const log = Math.log(s.priceMinor);
    if (s.defects.length === 0) g.clean.push(log);
    else {
      const list = g.withDefect.get(s.defects[0]) ?? [];
      list.push(log);
      g.withDefect.set(s.defects[0], list);
    }
  }
  const pooled = new Map<string, { sum: number; n: number }>();
  for (const g of groups.values()) {
    if (g.clean.length < 2) continue;
    const clean = g.clean.reduce((a, b) => a + b, 0) / g.clean.length;
    for (const [code, logs] of g.withDefect) {
      const p = pooled.get(code) ?? { sum: 0, n: 0 };
      for (const l of logs) p.sum += l - clean;
      p.n += logs.length;
      pooled.set(code, p);
    }
  }
  const out = new Map<string, LearnedDefect>();
  for (const [code, p] of pooled) {
    if (p.n < minSales) continue;
    // A defect that sells for more than a clean item teaches no deduction: 0, never negative.
    out.set(code, { share: Math.min(1, Math.max(0, 1 - Math.exp(p.sum / p.n))), sales: p.n });
  }
  return out;
}
