import type { CompletedInspection } from '../../core/read-models/inspection-reports.js';

/**
 * A completed inspection as other stages read it, from the `Inspection.complete` event's data
 * (what the inspector signed off): its findings (an unknown severity reads as 'none') and the
 * standard version it was graded under.
 */
export function completedInspection(
  inspectionId: string,
  data: Record<string, unknown>,
): CompletedInspection {
  const raw = Array.isArray(data.findings) ? (data.findings as unknown[]) : [];
  const findings = raw
    .filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null)
    .map((f) => ({
      checkId: String(f.checkId),
      label: String(f.label ?? f.checkId),
      severity: (['cosmetic', 'functional', 'critical'].includes(String(f.severity))
        ? f.severity
        : 'none') as CompletedInspection['findings'][number]['severity'],
    }));
  const s = data.standard as Record<string, unknown> | undefined;
  const standard =
    s && typeof s.id === 'string' && typeof s.code === 'string' && typeof s.version === 'number'
      ? { id: s.id, code: s.code, version: s.version }
      : null;
  return { inspectionId, findings, standard };
}
