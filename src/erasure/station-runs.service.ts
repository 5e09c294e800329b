import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFound } from '../core/errors.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import type { ErasureRunRecord } from './domain/index.js';
import { ErasureRepository } from './data/erasure.repository.js';
import type { Erasure, Station, StationProgress, StoredRun } from './data/erasure.entities.js';
import { ErasureMachine } from './domain/erasure.machine.js';
import {
  stationPlan,
  LEASE_MS,
  stationActor,
  type StationJob,
  type StationRunInput,
} from './domain/erasure-media.js';
import { ErasureService } from './erasure.service.js';
import { startTry } from './start-try.js';
import { ErasureOutcomes } from './erasure-outcomes.service.js';

/**
 * Wipes on registered stations, as the stations drive them (issue 17): a station polls for its
 * due wipe, reports progress (which renews its lease), refuses a drive, or reports its signed
 * run, which is then certified or failed like any other try.
 */
@Injectable()
export class StationRuns {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly erasures: ErasureRepository,
    private readonly erasureService: ErasureService,
    private readonly outcomes: ErasureOutcomes,
  ) {}

  /**
   * A station's poll: the oldest wipe assigned to it that is due (queued and past its retry
   * time), or one of its own runs whose lease ran out (the station died half way: the wipe is
   * run again from the start, same attempt). Null when there is nothing to do.
   */
  async claimForStation(station: Station): Promise<StationJob | null> {
    const actor = stationActor(station);
    for (let tries = 0; tries < 5; tries++) {
      const due = await this.erasures.dueForStation(station.id);
      if (!due) return null;
      const e = await this.erasures.byIdOrFail(due);
      const progress: StationProgress = {
        attempt: e.attempt,
        phase: 'starting',
        percent: 0,
        at: new Date().toISOString(),
      };
      let claimed: Erasure;
      if (e.state === 'QUEUED') {
        const started = await startTry(this.transitions, e, {
          actor,
          checkAccess: false,
          patch: { leaseUntil: new Date(Date.now() + LEASE_MS), nextAttemptAt: null, progress },
          data: { attempt: e.attempt, stationId: station.id, device: e.device },
        });
        if (!started) continue; // staff changed it meanwhile
        claimed = started;
      } else {
        const affected = await this.erasures.takeOverStationRun(
          e.id,
          e.version,
          new Date(Date.now() + LEASE_MS),
          progress,
        );
        if (affected !== 1) continue;
        claimed = e;
      }
      const medium = await this.erasureService.medium(claimed.mediumId);
      const item = await this.erasures.itemOrFail(e.itemId);
      const siblings = await this.erasures.countMediaOfItem(item.id);
      const plan = claimed.plan ?? stationPlan(claimed, medium, item, siblings);
      return {
        erasureId: claimed.id,
        attempt: claimed.attempt,
        device: claimed.device!,
        medium: {
          id: medium.id,
          serial: medium.serial ?? '',
          mediaType: medium.mediaType,
          capacityBytes: medium.capacityBytes,
          manufacturer: medium.manufacturer,
          model: medium.model,
          itemTraceCode: item.traceCode,
        },
        plan: plan!,
        leaseMs: LEASE_MS,
      };
    }
    return null;
  }

  /** The station's run of this wipe, or 409 (it was released, retried or reassigned). */
  private async stationRun(station: Station, erasureId: string, attempt: number) {
    const e = await this.erasures.byId(erasureId);
    if (!e || e.stationId !== station.id) throw new NotFound('Erasure', erasureId);
    if (e.state !== 'RUNNING' || e.attempt !== attempt) {
      throw new ConflictException({
        message: `Erasure ${e.id} is ${e.state} at attempt ${e.attempt}: this run is no longer yours; stop it`,
        code: 'station_run_superseded',
      });
    }
    return e;
  }

  /** Progress while the station runs; it also renews the station's lease on the run. */
  async stationProgress(
    station: Station,
    erasureId: string,
    input: Omit<StationProgress, 'at'>,
  ): Promise<void> {
    const e = await this.stationRun(station, erasureId, input.attempt);
    const progress: StationProgress = { ...input, at: new Date().toISOString() };
    const affected = await this.erasures.recordStationProgress(
      e.id,
      station.id,
      input.attempt,
      progress,
      new Date(Date.now() + LEASE_MS),
    );
    if (affected !== 1) await this.stationRun(station, erasureId, input.attempt); // → 409
  }

  /**
   * The station refused the wipe before writing anything (the drive in the bay is not the
   * medium, the device vanished, the device is not one it may wipe): back to the queue,
   * unassigned, attempt not used, so staff can put the right drive on.
   */
  async stationRefusal(
    station: Station,
    erasureId: string,
    input: { attempt: number; code: string; reason: string; deviceSerial?: string },
  ): Promise<Erasure> {
    const e = await this.stationRun(station, erasureId, input.attempt);
    return this.transitions.apply(ErasureMachine, {
      id: e.id,
      action: 'release',
      actor: stationActor(station),
      checkAccess: false,
      expectedVersion: e.version,
      patch: {
        stationId: null,
        device: null,
        leaseUntil: null,
        progress: null,
        failureReason: `${station.name} refused ${e.device}: ${input.reason}`,
      },
      data: {
        stationId: station.id,
        device: e.device,
        code: input.code,
        reason: input.reason,
        ...(input.deviceSerial !== undefined ? { deviceSerial: input.deviceSerial } : {}),
      },
    });
  }

  /**
   * The station's signed report of its run: VERIFYING and the certificate (tool nwipe, the
   * station's verification sample), or FAILED and a retry / destruction.
   */
  async stationReport(
    station: Station,
    erasureId: string,
    input: { attempt: number; run: StationRunInput },
  ): Promise<Erasure> {
    const e = await this.stationRun(station, erasureId, input.attempt);
    const medium = await this.erasureService.medium(e.mediumId);
    const item = await this.erasures.itemOrFail(e.itemId);
    const { device, bytesWritten, failedPhase, ...rest } = input.run;
    const record: ErasureRunRecord = {
      ...rest,
      source: 'reloop-station',
      // The medium is what was checked against the device's kernel serial before writing.
      serial: device.serial,
      capacityBytes: device.sizeBytes,
      bytesWritten,
      ...(device.model ? { model: device.model } : {}),
      host: station.name,
      operator: station.name,
    };
    const run: StoredRun = {
      ...record,
      attempt: e.attempt,
      signedBy: station.id,
      device,
      ...(failedPhase ? { failedPhase } : {}),
      durationMs: Date.parse(record.finishedAt) - Date.parse(record.startedAt),
    };
    await this.dataSource.transaction((manager) =>
      this.outcomes.endTry(manager, e, {
        record,
        run,
        failedPhase: failedPhase ?? 'erase',
        plan: e.plan ?? undefined,
        verify: {
          actor: stationActor(station),
          checkAccess: false,
          patch: { progress: null },
          data: { attempt: e.attempt, stationId: station.id, verification: record.verification },
        },
        medium,
        item,
        verifier: `${station.name}: ${record.tool.name} ${record.tool.version} verification and seeded read-back sample`,
      }),
    );
    return this.erasures.byIdOrFail(e.id);
  }
}
