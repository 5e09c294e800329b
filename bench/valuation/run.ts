/**
 * Valuation quality bench: `npm run bench:valuation`.
 * Runs several synthetic markets (scenarios), most generated in forms the model does not share;
 * each fits on the earliest 80 % of sales and prints, for the held-out 20 %, the MAPE beside that
 * market's noise floor (the oracle's MAPE) and how many sales the ≈80 % interval covers.
 * Options: --seed=N --sales=N --scenario=NAME (one scenario, with its category fits)
 */
import { pathToFileURL } from 'node:url';
import {
  runValuationBenchmark,
  valuationScenarios,
  type BenchmarkResult,
  type ValuationScenario,
} from '../../src/valuation/engine/evaluate.js';
import { runVariantBenchmark } from '../../src/valuation/engine/variant-bench.js';

export const GOAL_RATIO = 1.15;
export const COVERAGE_GOAL: readonly [number, number] = [0.75, 0.85];

function arg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function numArg(name: string): number | undefined {
  const v = arg(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
  return n;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;

export const passes = (r: BenchmarkResult): boolean =>
  r.fittedWithComparables.ratio <= GOAL_RATIO &&
  r.intervalCoverage >= COVERAGE_GOAL[0] &&
  r.intervalCoverage <= COVERAGE_GOAL[1];

export function formatTable(rows: ReadonlyArray<{ s: ValuationScenario; r: BenchmarkResult }>) {
  const out: string[] = [];
  const w = Math.max(...rows.map((x) => x.s.name.length), 'scenario'.length);
  const head = [
    'scenario'.padEnd(w),
    'floor'.padStart(8),
    'MAPE'.padStart(8),
    '× floor'.padStart(8),
    'model only'.padStart(10),
    '80 % cover'.padStart(10),
    'comps'.padStart(7),
    '',
  ];
  out.push(head.join('  '));
  out.push(head.map((h) => '-'.repeat(h.length)).join('  '));
  for (const { s, r } of rows) {
    out.push(
      [
        s.name.padEnd(w),
        pct(r.noiseFloorMape).padStart(8),
        pct(r.fittedWithComparables.mape).padStart(8),
        r.fittedWithComparables.ratio.toFixed(3).padStart(8),
        `${r.fitted.ratio.toFixed(3)}×`.padStart(10),
        pct(r.intervalCoverage).padStart(10),
        pct(r.comparablesCoverage).padStart(7),
        passes(r) ? 'PASS' : 'FAIL',
      ].join('  '),
    );
  }
  return out.join('\n');
}

export function formatFits(r: BenchmarkResult): string {
  const out: string[] = [];
  out.push(
    `fitted params version ${r.fit.diagnostics.version} (pooled log-residual std ${r.fit.diagnostics.residualStd.toFixed(4)})`,
  );
  for (const c of [...(r.fit.diagnostics.ancestors ?? []), ...r.fit.diagnostics.categories]) {
    const p = c.params;
    const bends = (p.curveBends ?? []).map((b) => b.slopeChange.toFixed(2)).join(',');
    out.push(
      `  ${c.level === 'ancestor' ? '^' : ' '}${c.categoryCode.padEnd(34)} n=${String(c.n).padStart(5)} ${c.status === 'fitted' ? '' : '(too few) '}rate=${p.annualDepreciationRate.toFixed(3)} bends=[${bends}] base=${p.baseShare.toFixed(3)} good=${p.gradeMultipliers.good.toFixed(3)} scrap=${p.gradeMultipliers.scrap.toFixed(3)} k=${p.comparablesPriorCount.toFixed(2)} σ=${p.residualSigma.toFixed(3)}`,
    );
  }
  const regions = Object.entries(r.fit.diagnostics.regionFactors ?? {});
  if (regions.length > 0) {
    out.push(`  regions: ${regions.map(([k, v]) => `${k} ×${v.toFixed(3)}`).join(', ')}`);
  }
  return out.join('\n');
}

export function main(): number {
  const seed = numArg('seed');
  const sales = numArg('sales');
  const only = arg('scenario');
  const scenarios = valuationScenarios(seed).filter((s) => only === undefined || s.name === only);
  if (scenarios.length === 0) throw new Error(`--scenario: no scenario named ${only}`);
  const rows = scenarios.map((s) => {
    const options = sales === undefined ? s.options : { ...s.options, salesCount: sales };
    return { s, r: runValuationBenchmark(options) };
  });
  const first = rows[0].r;
  console.log(
    `Reloop valuation bench: ${rows.length} synthetic markets, time split 80/20 (train ${first.trainCount} · held out ${first.testCount}), seed ${scenarios[0].options.seed}`,
  );
  console.log(
    'MAPE of fitted + comparables against the market’s noise floor (the oracle), and the share of held-out sales inside the ≈80 % interval',
  );
  console.log('');
  console.log(formatTable(rows));
  console.log('');
  for (const { s } of rows) console.log(`  ${s.name}: ${s.description}`);
  if (only !== undefined) {
    console.log('');
    console.log(formatFits(rows[0].r));
  }
  console.log('');
  // Variants as price points (issue 26 point 2): 20 phone models, three storage variants each.
  let variantsOk = true;
  for (const perModel of [30, 120]) {
    const v = runVariantBenchmark(scenarios[0].options.seed, perModel);
    variantsOk &&= v.mapeWithVariant < v.mapeWithoutVariant;
    console.log(
      `variants (${perModel} sales a model, ${v.heldOut} held out): MAPE ${pct(v.mapeWithVariant)} with the variant, ${pct(v.mapeWithoutVariant)} as the model alone (noise floor ${pct(v.noiseFloor)})`,
    );
  }
  console.log('');
  const ok = rows.every(({ r }) => passes(r)) && variantsOk;
  console.log(
    `goal: every scenario within ${GOAL_RATIO}× its noise floor and 80 % intervals covering ${COVERAGE_GOAL[0] * 100}–${COVERAGE_GOAL[1] * 100} %, variants priced better than without → ${ok ? 'PASS' : 'FAIL'}`,
  );
  return ok ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main();
}
