/**
 * Valuation quality bench: `npm run bench:valuation`.
 * Generates a synthetic market with known parameters, fits on the earliest 80 % of sales and
 * prints the MAPE on the held-out 20 % beside the noise floor (the oracle's MAPE).
 * Options: --seed=N --sales=N --sigma=F --model-sigma=F
 */
import { pathToFileURL } from 'node:url';
import {
  runValuationBenchmark,
  type BenchmarkResult,
} from '../../src/valuation/engine/evaluate.js';

export const GOAL_RATIO = 1.15;

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (!hit) return fallback;
  const v = Number(hit.slice(name.length + 3));
  if (!Number.isFinite(v)) throw new Error(`--${name} must be a number`);
  return v;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;

export function formatReport(
  r: BenchmarkResult,
  opts: { seed: number; sigma: number; modelSigma: number },
): string {
  const out: string[] = [];
  out.push('Reloop valuation bench (synthetic market, time split 80/20)');
  out.push(
    `seed ${opts.seed} · noise σ ${opts.sigma} · model-effect σ ${opts.modelSigma} · train ${r.trainCount} · held out ${r.testCount}`,
  );
  out.push('');
  const rows = [r.launchPriceOnly, r.fitted, r.fittedWithComparables];
  const w = Math.max(...rows.map((x) => x.name.length), 'noise floor (oracle)'.length);
  out.push(`${'estimator'.padEnd(w)}  ${'MAPE'.padStart(9)}  ${'× floor'.padStart(8)}`);
  out.push(`${'-'.repeat(w)}  ${'-'.repeat(9)}  ${'-'.repeat(8)}`);
  out.push(
    `${'noise floor (oracle)'.padEnd(w)}  ${pct(r.noiseFloorMape).padStart(9)}  ${'1.000'.padStart(8)}`,
  );
  for (const x of rows) {
    out.push(`${x.name.padEnd(w)}  ${pct(x.mape).padStart(9)}  ${x.ratio.toFixed(3).padStart(8)}`);
  }
  out.push('');
  out.push(`comparables available for ${pct(r.comparablesCoverage)} of held-out sales`);
  out.push(
    `fitted params version ${r.fit.diagnostics.version} (pooled log-residual std ${r.fit.diagnostics.residualStd.toFixed(4)})`,
  );
  for (const c of r.fit.diagnostics.categories) {
    const p = c.params;
    out.push(
      `  ${c.categoryCode.padEnd(34)} n=${String(c.n).padStart(5)} rate=${p.annualDepreciationRate.toFixed(3)} base=${p.baseShare.toFixed(3)} good=${p.gradeMultipliers.good.toFixed(3)} scrap=${p.gradeMultipliers.scrap.toFixed(3)} k=${p.comparablesPriorCount.toFixed(2)} σ=${c.residualStd.toFixed(3)}`,
    );
  }
  out.push('');
  const best = r.fittedWithComparables.ratio;
  out.push(
    `goal: fitted + comparables within ${GOAL_RATIO}× the noise floor → ${best.toFixed(3)}× ${best <= GOAL_RATIO ? 'PASS' : 'FAIL'}`,
  );
  out.push(
    `fitted model alone: ${r.fitted.ratio.toFixed(3)}× · improvement over launch-price-only: ${pct(1 - r.fittedWithComparables.mape / r.launchPriceOnly.mape)}`,
  );
  return out.join('\n');
}

export function main(): number {
  const seed = arg('seed', 20250101);
  const sigma = arg('sigma', 0.1);
  const modelSigma = arg('model-sigma', 0.08);
  const result = runValuationBenchmark({
    seed,
    salesCount: arg('sales', 8000),
    noiseSigma: sigma,
    modelEffectSigma: modelSigma,
  });
  console.log(formatReport(result, { seed, sigma, modelSigma }));
  return result.fittedWithComparables.ratio <= GOAL_RATIO ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main();
}
