import type { ValuationLine } from './types.js';

/**
 * An amount rounded to the unit (whole minor units, at least 1; never below 0) and, when that
 * moved it, the `rounding` line that keeps the breakdown adding up exactly to the amount.
 */
export function roundToUnit(
  value: number,
  unitMinor: number,
): { amountMinor: number; unit: number; lines: ValuationLine[] } {
  const unit = Math.max(1, Math.round(unitMinor));
  const amountMinor = Math.max(0, Math.round(value / unit) * unit);
  const lines: ValuationLine[] =
    amountMinor === value
      ? []
      : [
          {
            code: 'rounding',
            label: `Rounded to ${unit} minor units`,
            amountMinor: amountMinor - value,
            ruleCode: 'rounding',
          },
        ];
  return { amountMinor, unit, lines };
}
