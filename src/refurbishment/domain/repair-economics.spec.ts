import { describe, expect, it } from '@jest/globals';
import {
  decideRepair,
  estimateRepairCost,
  qcPasses,
  REPAIR_COST_TABLE,
  type RepairFinding,
} from './repair-economics.js';

const f = (severity: RepairFinding['severity'], checkId: string = severity): RepairFinding => ({
  checkId,
  label: checkId,
  severity,
});

describe('estimateRepairCost', () => {
  it('adds the base and a cost per fault of each severity, ignoring clean checks', () => {
    const t = REPAIR_COST_TABLE.digital;
    const e = estimateRepairCost('digital', [
      f('none'),
      f('cosmetic'),
      f('functional', 'battery'),
      f('functional', 'camera'),
    ]);
    expect(e.amountMinor).toBe(t.baseMinor + t.cosmeticMinor + 2 * t.functionalMinor);
    expect(e.lines.map((l) => l.code)).toEqual(['base', 'cosmetic', 'functional']);
    expect(e.assumedFault).toBe(false);
  });

  it('assumes one functional fault when nothing is known (a good item has one)', () => {
    const t = REPAIR_COST_TABLE.luxury;
    const e = estimateRepairCost('luxury', []);
    expect(e.amountMinor).toBe(t.baseMinor + t.functionalMinor);
    expect(e.assumedFault).toBe(true);
  });

  it('costs an unknown family like electronics', () => {
    expect(estimateRepairCost('spaceships', [f('critical')]).amountMinor).toBe(
      REPAIR_COST_TABLE.digital.baseMinor + REPAIR_COST_TABLE.digital.criticalMinor,
    );
  });
});

describe('decideRepair', () => {
  /** The decision for an item that resells at `resale`, costs `repair` and scraps for `scrap`. */
  const decide = (resale: number, repair: number, scrap: number) =>
    decideRepair({
      expectedResaleMinor: resale,
      estimatedRepairCostMinor: repair,
      scrapValueMinor: scrap,
    });

  it('repairs when resale less repair beats the scrap value', () => {
    const d = decide(100_000, 30_000, 4_000);
    expect(d.worthRepairing).toBe(true);
    expect(d.netAfterRepairMinor).toBe(70_000);
    expect(d.reason).toMatch(/^repair pays/);
  });

  it('scraps when it does not, and says why with the amounts', () => {
    const d = decide(4_000, 24_000, 4_000);
    expect(d.worthRepairing).toBe(false);
    expect(d.reason).toContain('repair does not pay');
    expect(d.reason).toContain('CNY 240.00');
  });

  it('treats a tie as not paying (repair is work and risk)', () => {
    expect(decide(10, 5, 5).worthRepairing).toBe(false);
  });
});

describe('qcPasses', () => {
  it('passes a sellable grade with only cosmetic findings left', () => {
    expect(qcPasses({ grade: 'good', hold: false, findings: [f('cosmetic')] }).passed).toBe(true);
  });
  it('fails scrap, a hold, or a functional fault left', () => {
    expect(qcPasses({ grade: 'scrap', hold: false, findings: [] }).passed).toBe(false);
    expect(qcPasses({ grade: 'premium', hold: true, findings: [] }).passed).toBe(false);
    const left = qcPasses({ grade: 'good', hold: false, findings: [f('functional', 'battery')] });
    expect(left).toEqual({ passed: false, reason: 'faults left after repair: battery' });
  });
});
