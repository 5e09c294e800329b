// Does a repair pay? A documented cost table per category family, applied to the inspection's
// findings, against the expected resale value (as refurbished) and the scrap value. The table is
// operator data (config/repair-costs.yaml); this file keeps the engine.

import { operatorData } from '../../config/operator-data.js';

export type FindingSeverity = 'none' | 'cosmetic' | 'functional' | 'critical';

export interface RepairFinding {
  checkId: string;
  label: string;
  severity: FindingSeverity;
}

/** Estimated cost (minor units, CNY) of a repair: a base for diagnosis, cleaning and testing,
 * plus an amount per finding of each severity. Rough averages of partner quotes per family. */
export interface FamilyRepairCosts {
  baseMinor: number;
  cosmeticMinor: number;
  functionalMinor: number;
  criticalMinor: number;
}

/** `config/repair-costs.yaml`: the table per family and the family a missing one is costed as. */
export interface RepairCostsFile {
  families: Record<string, FamilyRepairCosts>;
  default: string;
}

const costsFile = operatorData<RepairCostsFile>('repair-costs', (file: RepairCostsFile) =>
  file.families[file.default]
    ? []
    : [{ path: ['default'], message: `names no family in families (${file.default})` }],
);

/** The documented cost table per category family, read from `config/repair-costs.yaml`. */
export const REPAIR_COST_TABLE: Readonly<Record<string, FamilyRepairCosts>> = costsFile.families;
/** A family the table does not know yet is costed like the file's `default` (consumer electronics). */
export const DEFAULT_REPAIR_COSTS: FamilyRepairCosts = REPAIR_COST_TABLE[costsFile.default];

export interface RepairCostLine {
  code: 'base' | 'cosmetic' | 'functional' | 'critical';
  label: string;
  count: number;
  amountMinor: number;
}

export interface RepairCostEstimate {
  family: string;
  amountMinor: number;
  lines: RepairCostLine[];
  /** No findings were known (no inspection report): one functional fault was assumed. */
  assumedFault: boolean;
}

/**
 * Estimated repair cost of an item of `family` with these findings. A *good* item has at least
 * one fault by definition, so without any known fault one functional fault is assumed.
 */
export function estimateRepairCost(
  family: string,
  findings: readonly RepairFinding[],
): RepairCostEstimate {
  const costs = REPAIR_COST_TABLE[family] ?? DEFAULT_REPAIR_COSTS;
  const count = (s: FindingSeverity) => findings.filter((f) => f.severity === s).length;
  const faults = {
    cosmetic: count('cosmetic'),
    functional: count('functional'),
    critical: count('critical'),
  };
  const assumedFault = faults.cosmetic + faults.functional + faults.critical === 0;
  if (assumedFault) faults.functional = 1;
  const lines: RepairCostLine[] = [
    {
      code: 'base',
      label: 'Diagnosis, cleaning and testing',
      count: 1,
      amountMinor: costs.baseMinor,
    },
  ];
  for (const s of ['cosmetic', 'functional', 'critical'] as const) {
    if (faults[s] === 0) continue;
    const unit = costs[`${s}Minor`];
    lines.push({
      code: s,
      label: `${faults[s]} ${s} fault(s) × ${unit}`,
      count: faults[s],
      amountMinor: faults[s] * unit,
    });
  }
  return {
    family,
    amountMinor: lines.reduce((sum, l) => sum + l.amountMinor, 0),
    lines,
    assumedFault,
  };
}

export interface RepairDecision {
  worthRepairing: boolean;
  expectedResaleMinor: number;
  estimatedRepairCostMinor: number;
  scrapValueMinor: number;
  /** Resale after repair, less the repair: what the platform keeps by repairing. */
  netAfterRepairMinor: number;
  reason: string;
}

const cny = (minor: number) => `CNY ${(minor / 100).toFixed(2)}`;

/** Repair pays when resale after repair, less the repair cost, beats selling the item as scrap. */
export function decideRepair(input: {
  expectedResaleMinor: number;
  estimatedRepairCostMinor: number;
  scrapValueMinor: number;
}): RepairDecision {
  const net = input.expectedResaleMinor - input.estimatedRepairCostMinor;
  const worthRepairing = net > input.scrapValueMinor;
  const sums = `expected resale ${cny(input.expectedResaleMinor)} − estimated repair ${cny(
    input.estimatedRepairCostMinor,
  )} = ${cny(net)}`;
  return {
    worthRepairing,
    expectedResaleMinor: input.expectedResaleMinor,
    estimatedRepairCostMinor: input.estimatedRepairCostMinor,
    scrapValueMinor: input.scrapValueMinor,
    netAfterRepairMinor: net,
    reason: worthRepairing
      ? `repair pays: ${sums} > scrap value ${cny(input.scrapValueMinor)}`
      : `repair does not pay: ${sums} ≤ scrap value ${cny(input.scrapValueMinor)}`,
  };
}

/**
 * QC verdict on a re-inspection: the item passes when it grades sellable (not scrap), nothing
 * asks to hold it and no functional or critical fault is left (cosmetic wear may remain).
 */
export function qcPasses(result: {
  grade: 'premium' | 'good' | 'scrap';
  hold: boolean;
  findings: readonly { severity: FindingSeverity; label?: string }[];
}): { passed: boolean; reason: string } {
  if (result.grade === 'scrap') return { passed: false, reason: 'QC graded the item scrap' };
  if (result.hold) return { passed: false, reason: 'the standard asks to hold the item' };
  const left = result.findings.filter(
    (f) => f.severity === 'functional' || f.severity === 'critical',
  );
  if (left.length > 0) {
    return {
      passed: false,
      reason: `faults left after repair: ${left.map((f) => f.label ?? f.severity).join(', ')}`,
    };
  }
  return { passed: true, reason: `QC passed as ${result.grade}` };
}
