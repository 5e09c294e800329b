import type { Actor } from '../../core/actor.js';
import type { Item } from '../../core/items/item.entity.js';
import {
  NoCompliantTechniqueError,
  planErasure,
  type ErasurePlan,
  type ErasureRunRecord,
  type Medium,
} from './index.js';
import type { Erasure, Station, StorageMedium } from '../data/erasure.entities.js';

// What the erasure services share: the engine's view of a medium, a station's plan, the lease
// on a running wipe, and the shapes a station's wipe travels in.

/**
 * How long a worker's claim on a running wipe lasts unless renewed. It is renewed while the
 * station works, so only a dead worker's claim runs out, and well within the RunErasure job's
 * retry window (8 tries, about 2 minutes of backoff), so another worker takes the wipe over.
 */
export const LEASE_MS = 60_000;

/** How a station acts in the history: the platform on its behalf, in its organisation. */
export function stationActor(station: Station): Actor {
  return { role: 'system', userId: null, organisationId: station.organisationId };
}

/** A wipe handed to a station: what to wipe, where, and how. */
export interface StationJob {
  erasureId: string;
  attempt: number;
  device: string;
  medium: {
    id: string;
    serial: string;
    mediaType: StorageMedium['mediaType'];
    capacityBytes: number;
    manufacturer: string | null;
    model: string | null;
    itemTraceCode: string;
  };
  plan: ErasurePlan;
  /** The run is the station's while it reports progress at least this often. */
  leaseMs: number;
}

/** The run a station reports (validated by StationReportDto). */
export type StationRunInput = Omit<
  ErasureRunRecord,
  'source' | 'serial' | 'capacityBytes' | 'host' | 'operator' | 'model' | 'manufacturer'
> & {
  bytesWritten: number;
  failedPhase?: 'erase' | 'verify';
  device: { path: string; serial: string; model?: string; sizeBytes: number };
};

/** The engine's view of a medium; the serial falls back to the device's own identifier. */
export function mediumForEngine(
  medium: StorageMedium,
  item: Item,
  mediaOfItem: number,
  allowPlaceholder: boolean,
): (Medium & { id: string; itemTraceCode: string }) | null {
  const serial =
    medium.serial ??
    (mediaOfItem === 1 ? (item.imei ?? item.serialNumber) : null) ??
    (allowPlaceholder ? `${item.traceCode}-M${medium.position}` : null);
  if (!serial) return null;
  return {
    id: medium.id,
    mediaType: medium.mediaType,
    serial,
    capacityBytes: medium.capacityBytes,
    itemTraceCode: item.traceCode,
    ...(medium.manufacturer ? { manufacturer: medium.manufacturer } : {}),
    ...(medium.model ? { model: medium.model } : {}),
  };
}

/** The plan a station runs for this medium, or null when the policy has none for it. */
export function stationPlan(e: Erasure, medium: StorageMedium, item: Item, siblings: number) {
  const engineMedium = mediumForEngine(medium, item, siblings, false);
  if (!engineMedium) return null;
  try {
    return planErasure(e.policy, engineMedium);
  } catch (err) {
    if (err instanceof NoCompliantTechniqueError) return null;
    throw err;
  }
}
