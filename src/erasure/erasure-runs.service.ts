import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../core/actor.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import {
  NoCompliantTechniqueError,
  planErasure,
  type ErasurePlan,
  type Medium,
  type StationResult,
} from './domain/index.js';
import { ErasureRepository } from './data/erasure.repository.js';
import type { Erasure, StoredRun } from './data/erasure.entities.js';
import { ErasureStations } from './stations.js';
import { mediumForEngine, LEASE_MS } from './domain/erasure-media.js';
import { ErasureService } from './erasure.service.js';
import { startTry } from './start-try.js';
import { ErasureOutcomes } from './erasure-outcomes.service.js';

/**
 * The RunErasure job: one try of a wipe on the automatic station (the built-in simulator, or a
 * driver swapped in), under a lease a dead worker's successor takes over.
 */
@Injectable()
export class ErasureRuns {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly stations: ErasureStations,
    private readonly erasures: ErasureRepository,
    private readonly erasureService: ErasureService,
    private readonly outcomes: ErasureOutcomes,
  ) {}

  /** RunErasure: idempotent; a stale attempt or a finished wipe is a no-op. */
  async run(erasureId: string, attempt: number): Promise<void> {
    const e = await this.erasures.byId(erasureId);
    if (!e || e.attempt !== attempt) return;
    if (e.stationId) return; // a registered station runs it (it polls for its wipes)
    const station = this.stations.automatic();
    if (!station) return; // wipes are reported by import now
    let claimed: Erasure;
    if (e.state === 'QUEUED') {
      const started = await startTry(this.transitions, e, {
        actor: SYSTEM_ACTOR,
        patch: { leaseUntil: new Date(Date.now() + LEASE_MS), nextAttemptAt: null },
        data: { attempt, station: station.name },
      });
      if (!started) return; // another worker claimed it
      claimed = started;
    } else if (e.state === 'RUNNING') {
      if (e.leaseUntil && e.leaseUntil.getTime() > Date.now()) {
        throw new Error(`Erasure ${e.id} is running on another worker`);
      }
      // The worker that held it died: take it over.
      const affected = await this.erasures.takeOverLease(
        e.id,
        e.version,
        new Date(Date.now() + LEASE_MS),
      );
      if (affected !== 1) return;
      claimed = e;
    } else {
      return;
    }

    const medium = await this.erasureService.medium(e.mediumId);
    const item = await this.erasures.itemOrFail(e.itemId);
    const siblings = await this.erasures.countMediaOfItem(item.id);
    const engineMedium: Medium = mediumForEngine(medium, item, siblings, true)!;
    let plan: ErasurePlan;
    try {
      plan = planErasure(e.policy, engineMedium);
    } catch (err) {
      if (!(err instanceof NoCompliantTechniqueError)) throw err;
      await this.dataSource.transaction(async (manager) => {
        await this.outcomes.failTry(
          manager,
          claimed,
          { failedPhase: 'precheck', reason: err.message },
          null,
        );
      });
      return;
    }
    let result: StationResult;
    const heartbeat = setInterval(() => {
      void this.erasures
        .renewLease(claimed.id, claimed.version, new Date(Date.now() + LEASE_MS))
        .catch(() => undefined);
    }, LEASE_MS / 3);
    try {
      result = await station.start(engineMedium, plan, { attempt, operator: e.operatorName });
    } catch (err) {
      // The station itself broke (not the wipe): free the lease so the job's retry takes over.
      await this.erasures.freeLease(claimed.id, claimed.version);
      throw err;
    } finally {
      clearInterval(heartbeat);
    }
    const run: StoredRun = { ...result, attempt };
    await this.dataSource.transaction((manager) =>
      this.outcomes.endTry(manager, claimed, {
        record: result,
        run,
        failedPhase: result.failedPhase,
        plan,
        verify: {
          actor: SYSTEM_ACTOR,
          patch: { plan },
          data: { attempt, verification: plan.verification },
        },
        medium,
        item,
        verifier: `${station.name} ${station.version} automated verification`,
      }),
    );
  }
}
