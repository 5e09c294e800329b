import { roundToUnit } from './rounding.js';
import type { Valuation, ValuationLine } from './types.js';

/**
 * A trade-in offer from a market valuation: the engine prices what the item sells for again
 * (its sales history is resale prices), and the operator offers that less its margin — the
 * cost of collecting, wiping, inspecting, refurbishing, warranting and selling it, and its
 * profit. The margin is one more breakdown line (`trade-in-margin`) before the rounding, so
 * the lines still add up exactly to the amount; the range moves with the amount.
 */
export function withTradeInMargin<V extends Valuation>(v: V, share: number, unitMinor = 100): V {
  const s = Math.min(1, Math.max(0, share));
  if (s === 0 || v.amountMinor <= 0) return v;
  const kept = v.lines.filter((l) => l.code !== 'rounding');
  const before = kept.reduce((sum, l) => sum + l.amountMinor, 0);
  const margin = Math.round(before * s);
  const after = before - margin;
  const { amountMinor, unit, lines: rounding } = roundToUnit(after, unitMinor);
  const lines: ValuationLine[] = [
    ...kept,
    {
      code: 'trade-in-margin',
      label: `Operator margin (${Math.round(s * 1000) / 10} %): inspection, refurbishment, warranty and resale costs`,
      amountMinor: -margin,
      ruleCode: 'trade-in-margin',
    },
    ...rounding,
  ];
  const scale = (x: number) => Math.round((x * (1 - s)) / unit) * unit;
  return {
    ...v,
    amountMinor,
    lowMinor: Math.min(amountMinor, scale(v.lowMinor)),
    highMinor: Math.max(amountMinor, scale(v.highMinor)),
    lines,
  };
}
