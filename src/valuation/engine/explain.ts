import type { ValuationLine } from './types.js';

/** One reason why the final price differs from the quote. */
export interface DifferenceLine {
  /** The breakdown code both sides share ('grade', 'defect:<checkId>', …). */
  code: string;
  label: string;
  quoteAmountMinor: number;
  finalAmountMinor: number;
  /** final − quote for this code; all lines sum exactly to the total difference. */
  differenceMinor: number;
  checkId?: string;
  ruleCode?: string;
}

export interface DifferenceExplanation {
  quoteTotalMinor: number;
  finalTotalMinor: number;
  /** finalTotal − quoteTotal (negative when the final offer is lower). */
  differenceMinor: number;
  /** Only codes whose effect changed, largest effect first. */
  lines: DifferenceLine[];
}

function collapse(
  lines: readonly ValuationLine[],
): Map<string, { line: ValuationLine; sum: number }> {
  const out = new Map<string, { line: ValuationLine; sum: number }>();
  for (const l of lines) {
    const e = out.get(l.code);
    if (e) e.sum += l.amountMinor;
    else out.set(l.code, { line: l, sum: l.amountMinor });
  }
  return out;
}

/**
 * Attributes the difference between a quote and the final price to each breakdown code (an
 * inspection check, the grade rule, comparables, rounding…), so owner and customer service see
 * why. Differences are integers that sum exactly to final − quote; if the inputs carry
 * fractional amounts, the rounding remainder goes onto the largest line.
 */
export function explainDifference(
  quoteLines: readonly ValuationLine[],
  finalLines: readonly ValuationLine[],
): DifferenceExplanation {
  const q = collapse(quoteLines);
  const f = collapse(finalLines);
  const quoteTotalMinor = Math.round(quoteLines.reduce((s, l) => s + l.amountMinor, 0));
  const finalTotalMinor = Math.round(finalLines.reduce((s, l) => s + l.amountMinor, 0));
  const differenceMinor = finalTotalMinor - quoteTotalMinor;

  // Codes in the order first seen: final lines first (they describe the item as inspected).
  const codes = [...new Set([...f.keys(), ...q.keys()])];
  const lines: DifferenceLine[] = codes.map((code) => {
    const qe = q.get(code);
    const fe = f.get(code);
    const ref = (fe ?? qe)!.line;
    const quoteAmountMinor = qe?.sum ?? 0;
    const finalAmountMinor = fe?.sum ?? 0;
    return {
      code,
      label: ref.label,
      quoteAmountMinor,
      finalAmountMinor,
      differenceMinor: Math.round(finalAmountMinor - quoteAmountMinor),
      ...(ref.checkId !== undefined ? { checkId: ref.checkId } : {}),
      ...(ref.ruleCode !== undefined ? { ruleCode: ref.ruleCode } : {}),
    };
  });

  const remainder = differenceMinor - lines.reduce((s, l) => s + l.differenceMinor, 0);
  if (remainder !== 0) {
    if (lines.length === 0) {
      lines.push({
        code: 'rounding',
        label: 'Rounding',
        quoteAmountMinor: 0,
        finalAmountMinor: 0,
        differenceMinor: remainder,
      });
    } else {
      let largest = lines[0];
      for (const l of lines) {
        if (Math.abs(l.differenceMinor) > Math.abs(largest.differenceMinor)) largest = l;
      }
      largest.differenceMinor += remainder;
    }
  }

  const changed = lines
    .filter((l) => l.differenceMinor !== 0)
    .sort((a, b) => Math.abs(b.differenceMinor) - Math.abs(a.differenceMinor));
  return { quoteTotalMinor, finalTotalMinor, differenceMinor, lines: changed };
}
