import type { GradeFinding, ItemGraded } from '../../core/jobs/job-catalogue.js';
import { explainDifference } from '../../valuation/engine/explain.js';
import type { DefectDeduction, ExtraFactor } from '../../valuation/engine/types.js';
import { vehicleFactors } from '../../valuation/engine/vehicle-factors.js';
import type { ItemValuation } from '../../valuation/valuation.service.js';
import type { OfferExplanation } from '../data/trade-in.entities.js';

type ItemGradedPayload = NonNullable<(typeof ItemGraded)['payload']>;

// Pure rules of a final offer (no I/O): inspection findings as valuation deductions, a car's
// declared odometer as price factors, and why the final offer differs from the quote.

/** Inspection findings → valuation deductions (the standard's hint, or the severity default). */
export function toDeduction(f: GradeFinding): DefectDeduction {
  return {
    checkId: f.checkId,
    label: f.label,
    severity: f.severity,
    answer: f.answer,
    ...(f.deductionShare !== undefined ? { deductionShare: f.deductionShare } : {}),
    ...(f.deductionMinor !== undefined ? { deductionMinor: f.deductionMinor } : {}),
    ...(f.rule !== null ? { ruleCode: f.rule } : {}),
  };
}

/** A quote's `declared:<checkId>` line, under the code inspection's finding on the check has. */
function asInspectedLine(l: ItemValuation['lines'][number]): ItemValuation['lines'][number] {
  return l.code.startsWith('declared:') ? { ...l, code: `defect:${l.code.slice(9)}` } : l;
}

/**
 * explainDifference, with each line pointing at the inspection check or grade that caused it.
 * The grade drop (and the comparables of the lower grade that come with it) is split across the
 * findings whose rule gave that grade — each share names its check and rule — so every yuan
 * between quote and final offer points to a check and a rule; shares are whole fen, summing
 * exactly to the line, the odd fen on the first finding.
 */
export function explainOffer(
  quote: ItemValuation,
  final: ItemValuation,
  p: ItemGradedPayload,
): OfferExplanation {
  // What the owner declared on a check and what inspection found on it are one line: the
  // declared deduction is netted against the inspected one, never taken twice.
  const diff = explainDifference(quote.lines.map(asInspectedLine), final.lines);
  const standard = `${p.standardCode}@v${p.standardVersion}`;
  const declaredGrade = quote.details.grade;
  const base = { inspectionId: p.inspectionId, standard };
  const decisive = p.findings.filter((f) => f.rule !== null && f.ruleGrade === p.grade);
  type Line = OfferExplanation['lines'][number];
  const explain = (l: (typeof diff.lines)[number]): Line[] => {
    const finding = l.checkId ? p.findings.find((f) => f.checkId === l.checkId) : undefined;
    if (finding) {
      return [
        {
          ...l,
          cause: {
            ...base,
            kind: 'inspection-check' as const,
            checkId: finding.checkId,
            // A declared fault inspection found sound: the rule is the one the owner's answer met.
            rule: finding.rule ?? l.ruleCode ?? null,
            detail: `${finding.label}: ${JSON.stringify(finding.answer)} (${finding.severity})`,
          },
        },
      ];
    }
    if (l.code === 'grade' || l.code === 'comparable-sales') {
      const gradeCause = {
        ...base,
        kind: 'inspection-grade' as const,
        detail: `graded ${p.grade}; the owner's description suggested ${declaredGrade}`,
      };
      if (decisive.length === 0 || l.differenceMinor === 0) {
        return [{ ...l, cause: { ...gradeCause, checkId: null, rule: l.ruleCode ?? null } }];
      }
      const shares = splitEvenly(l.differenceMinor, decisive.length);
      const part = (n: number) => Math.round(n / decisive.length);
      return decisive.map((f, i) => ({
        ...l,
        quoteAmountMinor: part(l.quoteAmountMinor),
        finalAmountMinor: part(l.quoteAmountMinor) + shares[i],
        differenceMinor: shares[i],
        checkId: f.checkId,
        cause: {
          ...gradeCause,
          checkId: f.checkId,
          rule: f.rule,
          detail: `${f.label}: ${JSON.stringify(f.answer)} (${f.severity}) — rule ${f.rule} grades ${p.grade}; the owner's description suggested ${declaredGrade}`,
        },
      }));
    }
    return [
      {
        ...l,
        cause: {
          ...base,
          kind: l.code === 'rounding' ? ('rounding' as const) : ('other' as const),
          checkId: null,
          rule: l.ruleCode ?? null,
          detail: l.label,
        },
      },
    ];
  };
  return { ...diff, lines: netOfMargin(diff.lines).flatMap(explain) };
}

/**
 * The operator's margin is a share of the value, so its change between quote and final offer is
 * caused by the lines that moved the value: it is spread over them in proportion (whole fen,
 * summing exactly, largest remainders first) and its own line dropped, so each check carries
 * its deduction net of the margin.
 */
function netOfMargin<L extends { code: string; differenceMinor: number; finalAmountMinor: number }>(
  lines: L[],
): L[] {
  const margin = lines.find((l) => l.code === 'trade-in-margin');
  const rest = lines.filter((l) => l !== margin);
  const movers = rest.filter((l) => l.code !== 'rounding' && l.differenceMinor !== 0);
  const moved = movers.reduce((sum, l) => sum + l.differenceMinor, 0);
  if (!margin || margin.differenceMinor === 0 || moved === 0) return lines;
  const exact = movers.map((l) => (margin.differenceMinor * l.differenceMinor) / moved);
  const shares = exact.map(Math.trunc);
  let left = margin.differenceMinor - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: Math.abs(x - shares[i]) })).sort((a, b) => b.r - a.r);
  for (let k = 0; left !== 0; k = (k + 1) % order.length) {
    shares[order[k].i] += Math.sign(left);
    left -= Math.sign(left);
  }
  return rest.map((l) => {
    const i = movers.indexOf(l);
    return i < 0
      ? l
      : {
          ...l,
          differenceMinor: l.differenceMinor + shares[i],
          finalAmountMinor: l.finalAmountMinor + shares[i],
        };
  });
}

/** `total` in `n` whole shares that sum to it exactly; the remainder on the first shares. */
function splitEvenly(total: number, n: number): number[] {
  const base = Math.trunc(total / n);
  const rest = total - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < Math.abs(rest) ? Math.sign(rest) : 0));
}

/**
 * A car's declared odometer prices in at quote time (and, unchanged, in the final offer, so the
 * difference still comes from inspection only): mileage judged against what the car's age
 * explains, with the same factors the vehicles module uses. Not a car: no factors.
 */
export function declaredVehicleFactors(
  declared: Readonly<Record<string, unknown>> | null | undefined,
): ((ageYears: number) => ExtraFactor[]) | undefined {
  const km = declared?.mileageKm;
  if (typeof km !== 'number') return undefined;
  return (ageYears) =>
    vehicleFactors({
      ageYears,
      km,
      use: 'private',
      level: null,
      accidentHistory: null,
      province: null,
    });
}
