import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { seesEverything } from '../core/actor.js';
import {
  assignReverifier,
  DEFAULT_SAMPLING_RATE,
  NoEligibleReverifierError,
  samplingReport,
  selectForReverification,
} from './domain/index.js';
import type { Erasure } from './data/erasure.entities.js';
import { ErasureRepository } from './data/erasure.repository.js';
import { CertificateSigner } from './stations.js';

/** The platform's minimum share of wipes re-verified by a second operator. */
export const SAMPLING_RATE = DEFAULT_SAMPLING_RATE;

/**
 * Sampling verification (engine sampling.ts): every certified wipe joins its batch (one
 * organisation, one day); picks are sticky, so a batch always has at least ceil(5 % · N).
 */
@Injectable()
export class SamplingService {
  constructor(
    private readonly erasures: ErasureRepository,
    private readonly signer: CertificateSigner,
  ) {}

  /** One batch per organisation per day, Beijing time (the warehouses' working day). */
  batchIdFor(organisationId: string | null, at: Date): string {
    const day = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    return `${organisationId ?? 'platform'}:${day}`;
  }

  /** Called in the certifying transaction: tops the batch's picks up to the target. */
  async afterCertified(manager: EntityManager, erasure: Erasure): Promise<void> {
    // Serialise per batch, so concurrent certifications never both count too few wipes.
    await this.erasures.lockBatch(manager, erasure.batchId);
    const wipes = await this.erasures.certifiedOfBatch(manager, erasure.batchId);
    const picks = selectForReverification(
      wipes.map((w) => ({ wipeId: w.id, batchId: erasure.batchId, operatorId: w.operator_id })),
      { rate: SAMPLING_RATE, salt: this.signer.samplingSalt() },
    );
    const newly = picks.filter((p) => !wipes.find((w) => w.id === p.wipeId)?.sampled);
    if (newly.length === 0) return;
    const staff = erasure.organisationId
      ? await this.erasures.warehouseStaffOf(manager, erasure.organisationId)
      : [];
    for (const pick of newly) {
      let reverifier: string | null = null;
      try {
        reverifier = assignReverifier(pick, staff, this.signer.samplingSalt());
      } catch (err) {
        if (!(err instanceof NoEligibleReverifierError)) throw err;
      }
      await this.erasures.markSampled(manager, pick.wipeId, reverifier);
    }
  }

  /** Sampling rate per batch and per operator (organisation staff: their own organisation). */
  async report(
    actor: Actor,
    query: { batchId?: string; organisationId?: string; from?: string; to?: string },
  ) {
    const organisationId = seesEverything(actor)
      ? (query.organisationId ?? null)
      : actor.organisationId;
    if (!seesEverything(actor) && !organisationId) {
      return { ...samplingReport([], [], [], SAMPLING_RATE), operators: {} };
    }
    const rows = await this.erasures.certifiedWipes({
      organisationId,
      batchId: query.batchId,
      from: query.from,
      to: query.to,
    });
    const report = samplingReport(
      rows.map((r) => ({ wipeId: r.id, batchId: r.batch_id, operatorId: r.operator_id })),
      rows.filter((r) => r.sampled).map((r) => ({ wipeId: r.id })),
      rows
        .filter((r) => r.reverified_by && r.reverification_outcome)
        .map((r) => ({
          wipeId: r.id,
          reverifierId: r.reverified_by!,
          outcome: r.reverification_outcome!,
        })),
      SAMPLING_RATE,
    );
    const names = await this.erasures.operatorNames(rows.map((r) => r.id));
    return {
      ...report,
      operators: Object.fromEntries(names.map((n) => [n.operator_id, n.operator_name])),
    };
  }
}
