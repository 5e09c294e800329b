import { valuate } from './model.js';
import { defaultParamSet } from './params.js';
import { mulberry32, normal } from './synthetic-market.js';
import type { ComparableSale, Grade } from './types.js';

const MS_PER_DAY = 86_400_000;
/** True price levels of the variants over the model (128 GB cheaper, 512 GB dearer). */
export const TRUE_VARIANTS: ReadonlyArray<{ code: string; factor: number; share: number }> = [
  { code: '128GB', factor: 0.88, share: 0.45 },
  { code: '256GB', factor: 1.0, share: 0.35 },
  { code: '512GB', factor: 1.32, share: 0.2 },
];

export interface VariantBenchResult {
  salesPerModel: number;
  heldOut: number;
  /** MAPE of held-out sales priced with their variant, and priced as the model alone. */
  mapeWithVariant: number;
  mapeWithoutVariant: number;
  /** MAPE of the true prices (noise σ = 0.1 per sale). */
  noiseFloor: number;
}

/**
 * Phones whose variants sell at different levels: each held-out sale (the newest 20 %) is
 * priced as a quote is, from every earlier sale of its model, once with its variant and once
 * without, so the gain from variants as price points is measured against the market's noise.
 */
export function runVariantBenchmark(seed = 20250101, salesPerModel = 120): VariantBenchResult {
  const rng = mulberry32(seed);
  const now = new Date('2026-01-01T00:00:00Z');
  const params = defaultParamSet();
  const models = Array.from({ length: 20 }, (_, i) => ({
    id: `pm-${i}`,
    launchPriceMinor: 400_000 + 40_000 * i,
    launchDate: new Date(now.getTime() - (200 + 40 * i) * MS_PER_DAY),
    effect: Math.exp(0.08 * normal(rng)),
  }));
  const sales: Array<ComparableSale & { truth: number }> = [];
  for (const m of models) {
    for (let n = 0; n < salesPerModel; n++) {
      const soldAt = new Date(now.getTime() - rng() * 365 * MS_PER_DAY);
      const u = rng();
      const variant =
        u < TRUE_VARIANTS[0].share
          ? TRUE_VARIANTS[0]
          : u < TRUE_VARIANTS[0].share + TRUE_VARIANTS[1].share
            ? TRUE_VARIANTS[1]
            : TRUE_VARIANTS[2];
      const grade: Grade = rng() < 0.6 ? 'good' : 'premium';
      // The truth: the engine's own curve at the age of sale, times the model and variant levels.
      const truth =
        valuate(
          {
            productModel: {
              launchPriceMinor: m.launchPriceMinor,
              launchDate: m.launchDate,
              categoryCode: 'digital.phones.smartphones',
            },
            valuationDate: soldAt,
            grade,
            roundingUnitMinor: 1,
          },
          params,
        ).amountMinor *
        m.effect *
        variant.factor;
      sales.push({
        priceMinor: Math.round(truth * Math.exp(0.1 * normal(rng))),
        soldAt,
        grade,
        productModelId: m.id,
        variant: variant.code,
        truth,
      });
    }
  }
  sales.sort((a, b) => a.soldAt.getTime() - b.soldAt.getTime());
  const cut = Math.floor(sales.length * 0.8);
  let withV = 0;
  let withoutV = 0;
  let floor = 0;
  const held = sales.slice(cut);
  for (const s of held) {
    const m = models.find((x) => x.id === s.productModelId)!;
    const earlier = sales.filter((c) => c.soldAt < s.soldAt);
    const price = (variant: boolean) =>
      valuate(
        {
          productModel: {
            launchPriceMinor: m.launchPriceMinor,
            launchDate: m.launchDate,
            categoryCode: 'digital.phones.smartphones',
            productModelId: m.id,
          },
          valuationDate: s.soldAt,
          grade: s.grade,
          comparables: earlier,
          variant: variant ? { code: s.variant! } : null,
          roundingUnitMinor: 1,
        },
        params,
      ).amountMinor;
    withV += Math.abs(price(true) - s.priceMinor) / s.priceMinor;
    withoutV += Math.abs(price(false) - s.priceMinor) / s.priceMinor;
    floor += Math.abs(s.truth - s.priceMinor) / s.priceMinor;
  }
  return {
    salesPerModel,
    heldOut: held.length,
    mapeWithVariant: withV / held.length,
    mapeWithoutVariant: withoutV / held.length,
    noiseFloor: floor / held.length,
  };
}
