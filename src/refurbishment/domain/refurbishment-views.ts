import type { RefurbishmentOrder, RefurbishmentPart } from '../data/refurbishment.entities.js';

// What an order and its parts look like to the API (pure; every action answers with an order's view).

const money = (amountMinor: number | null, currency: string) =>
  amountMinor === null ? null : { amountMinor, currency };

export function partView(p: RefurbishmentPart) {
  return {
    id: p.id,
    orderId: p.orderId,
    itemId: p.itemId,
    partName: p.partName,
    partNumber: p.partNumber,
    serialIn: p.serialIn,
    serialOut: p.serialOut,
    cost: { amountMinor: p.costMinor, currency: 'CNY' },
    recordedBy: p.recordedBy,
    createdAt: p.createdAt,
  };
}

export function orderView(o: RefurbishmentOrder, parts: RefurbishmentPart[] | null) {
  return {
    id: o.id,
    itemId: o.itemId,
    warehouseId: o.warehouseId,
    partnerId: o.partnerId,
    inspectionId: o.inspectionId,
    categoryFamily: o.categoryFamily,
    standard: o.standardCode ? { code: o.standardCode, version: o.standardVersion } : null,
    findings: o.findings,
    economics: {
      worthRepairing: o.worthRepairing,
      expectedResale: money(o.expectedResaleMinor, o.currency),
      estimatedRepairCost: money(o.estimatedRepairCostMinor, o.currency),
      scrapValue: money(o.scrapValueMinor, o.currency),
      reason: o.economics.decision.reason,
      costLines: o.economics.estimate.lines,
      valuation: o.economics.valuation,
    },
    repair: {
      technicianId: o.technicianId,
      assignedAt: o.assignedAt,
      startedAt: o.repairStartedAt,
      finishedAt: o.repairFinishedAt,
      diagnosis: o.diagnosis,
      labourMinutes: o.labourMinutes,
      labourCost: money(o.labourCostMinor, o.currency),
      partsCost: money(o.partsCostMinor, o.currency),
      totalCost: money(o.repairCostMinor, o.currency),
      turnaroundHours: turnaroundHours(o),
    },
    qc: o.qcAt
      ? {
          by: o.qcBy,
          at: o.qcAt,
          grade: o.qcGrade,
          passed: o.qcPassed,
          summary: o.qcReport?.summary ?? null,
          findings: o.qcReport?.findings.map((f) => ({ label: f.label, severity: f.severity })),
        }
      : null,
    outcomeReason: o.outcomeReason,
    closedAt: o.closedAt,
    createdAt: o.createdAt,
    ...(parts ? { parts: parts.map(partView) } : {}),
  };
}

/** The partner's turnaround: from assignment until the unit came back for QC (or was given up). */
export function turnaroundHours(o: RefurbishmentOrder): number | null {
  if (!o.assignedAt || !o.repairFinishedAt) return null;
  return (
    Math.round(((o.repairFinishedAt.getTime() - o.assignedAt.getTime()) / 3_600_000) * 100) / 100
  );
}
