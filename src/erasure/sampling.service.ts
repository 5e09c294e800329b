import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { seesEverything } from '../core/actor.js';
import { execute } from '../core/sql.js';
import {
  assignReverifier,
  DEFAULT_SAMPLING_RATE,
  NoEligibleReverifierError,
  samplingReport,
  selectForReverification,
} from './engine/index.js';
import type { Erasure } from './data/erasure.entities.js';
import { CertificateSigner } from './stations.js';

/** The platform's minimum share of wipes re-verified by a second operator. */
export const SAMPLING_RATE = DEFAULT_SAMPLING_RATE;

interface WipeRow {
  id: string;
  batch_id: string;
  operator_id: string;
  organisation_id: string | null;
  sampled: boolean;
  reverified_by: string | null;
  reverification_outcome: 'passed' | 'failed' | null;
}

/**
 * Sampling verification (engine sampling.ts): every certified wipe joins its batch (one
 * organisation, one day); picks are sticky, so a batch always has at least ceil(5 % · N).
 */
@Injectable()
export class SamplingService {
  constructor(
    private readonly dataSource: DataSource,
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
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [erasure.batchId]);
    const wipes = await manager.query<Array<{ id: string; operator_id: string; sampled: boolean }>>(
      `SELECT id, operator_id, sampled FROM erasures WHERE batch_id = $1 AND state = 'SUCCEEDED'`,
      [erasure.batchId],
    );
    const picks = selectForReverification(
      wipes.map((w) => ({ wipeId: w.id, batchId: erasure.batchId, operatorId: w.operator_id })),
      { rate: SAMPLING_RATE, salt: this.signer.samplingSalt() },
    );
    const newly = picks.filter((p) => !wipes.find((w) => w.id === p.wipeId)?.sampled);
    if (newly.length === 0) return;
    const staff = erasure.organisationId
      ? (
          await manager.query<Array<{ id: string }>>(
            `SELECT id FROM users WHERE organisation_id = $1 AND role = 'warehouse' AND NOT disabled`,
            [erasure.organisationId],
          )
        ).map((u) => u.id)
      : [];
    for (const pick of newly) {
      let reverifier: string | null = null;
      try {
        reverifier = assignReverifier(pick, staff, this.signer.samplingSalt());
      } catch (err) {
        if (!(err instanceof NoEligibleReverifierError)) throw err;
      }
      await execute(
        manager,
        'UPDATE erasures SET sampled = true, reverifier_id = $2 WHERE id = $1 AND NOT sampled',
        [pick.wipeId, reverifier],
      );
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
    const where = [`state = 'SUCCEEDED'`];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (organisationId) add('organisation_id = ?', organisationId);
    if (query.batchId) add('batch_id = ?', query.batchId);
    if (query.from) add('completed_at >= ?', query.from);
    if (query.to) add('completed_at < ?', query.to);
    const rows = await this.dataSource.query<WipeRow[]>(
      `SELECT id, batch_id, operator_id, organisation_id, sampled, reverified_by, reverification_outcome
         FROM erasures WHERE ${where.join(' AND ')}`,
      params,
    );
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
    const names = await this.dataSource.query<
      Array<{ operator_id: string; operator_name: string }>
    >(`SELECT DISTINCT operator_id, operator_name FROM erasures WHERE id = ANY($1::uuid[])`, [
      rows.map((r) => r.id),
    ]);
    return {
      ...report,
      operators: Object.fromEntries(names.map((n) => [n.operator_id, n.operator_name])),
    };
  }
}
