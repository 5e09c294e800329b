import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { ErasureGate } from './erasure-gate.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import {
  buildDestructionCertificate,
  CertificateRefusedError,
  importReport,
  matchReportToMedium,
  ReportParseError,
  SerialMismatchError,
  type ErasureRunRecord,
  type SignedCertificate,
} from './domain/index.js';
import { CertificateRepository } from './data/certificate.repository.js';
import { ErasureRepository } from './data/erasure.repository.js';
import type { Erasure, Station, StoredRun } from './data/erasure.entities.js';
import { ErasureMachine } from './domain/erasure.machine.js';
import { StationRegistry } from './station-registry.js';
import { CertificateSigner } from './stations.js';
import { StatusLists } from '../credentials/status-lists.js';
import { mediumForEngine, stationPlan } from './domain/erasure-media.js';
import { ErasureService } from './erasure.service.js';
import { ErasureOutcomes } from './erasure-outcomes.service.js';

export interface DestructionInput {
  equipmentName: string;
  equipmentVersion: string;
  particleSizeMm?: number;
  facility?: string;
  witnessId: string;
  startedAt?: Date;
  completedAt?: Date;
  version?: number;
}

/**
 * What people do to a wipe: put it on a registered station (or revoke a station, releasing its
 * wipes), import a real tool's signed report, send a medium to destruction and record it, and
 * re-verify a certified wipe (sampling).
 */
@Injectable()
export class ErasureActions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly signer: CertificateSigner,
    private readonly registry: StationRegistry,
    private readonly statusLists: StatusLists,
    private readonly gate: ErasureGate,
    private readonly erasures: ErasureRepository,
    private readonly certificates: CertificateRepository,
    private readonly erasureService: ErasureService,
    private readonly outcomes: ErasureOutcomes,
  ) {}

  // ---- registered stations (issue 17) --------------------------------------------------------

  /**
   * Staff put a queued wipe on a registered station and name the block device that holds the
   * medium there. The station takes it on its next poll. Only an overwrite plan can run on an
   * nwipe station; the medium's serial must be known (the station checks it on the device).
   */
  async assignStation(
    actor: Actor,
    erasureId: string,
    input: { stationId: string; device: string; version?: number },
  ): Promise<Erasure> {
    const e = await this.erasureService.get(actor, erasureId);
    const station = await this.registry.get(actor, input.stationId);
    if (station.revokedAt) {
      throw new ConflictException({
        message: `Station ${station.name} was revoked`,
        code: 'station_revoked',
      });
    }
    if (e.organisationId !== null && station.organisationId !== e.organisationId) {
      throw new NotFound('Station', input.stationId);
    }
    const medium = await this.erasureService.medium(e.mediumId);
    if (!medium.serial) {
      throw new ConflictException(
        `Medium ${medium.id} has no serial yet: register it so the station can check the drive`,
      );
    }
    const item = await this.erasures.itemOrFail(e.itemId);
    const plan = stationPlan(e, medium, item, 1);
    if (!plan || plan.technique !== 'overwrite') {
      throw new ConflictException({
        message: `Policy ${e.policy} needs ${plan?.technique ?? 'a technique no station offers'} for this ${medium.mediaType}; an nwipe station only overwrites: wipe it with a tool that can and import the signed report, or route it to destruction`,
        code: 'station_cannot_satisfy_policy',
      });
    }
    return this.dataSource.transaction(async (manager) => {
      const busy = await this.erasures.busyOnDevice(manager, station.id, input.device, e.id);
      if (busy) {
        throw new ConflictException(
          `${input.device} on station ${station.name} is already assigned to erasure ${busy.id}`,
        );
      }
      return this.transitions.apply(ErasureMachine, {
        manager,
        id: e.id,
        action: 'assign-station',
        actor,
        expectedVersion: input.version,
        patch: {
          station: 'station',
          stationId: station.id,
          device: input.device,
          plan,
          progress: null,
          operatorId: `station:${station.id}`,
          operatorName: station.name,
        },
        data: { stationId: station.id, station: station.name, device: input.device },
      });
    });
  }

  /** Revoked station: its queued and running wipes go back to the queue, unassigned. */
  async revokeStation(actor: Actor, stationId: string, reason: string): Promise<Station> {
    return this.dataSource.transaction(async (manager) => {
      const { station, changed } = await this.registry.revoke(manager, actor, stationId, reason);
      if (!changed) return station;
      const assigned = await this.erasures.queuedOrRunningOnStation(manager, station.id);
      for (const e of assigned) {
        await this.transitions.apply(ErasureMachine, {
          manager,
          id: e.id,
          action: e.state === 'RUNNING' ? 'release' : 'assign-station',
          actor: e.state === 'RUNNING' ? SYSTEM_ACTOR : actor,
          checkAccess: false,
          expectedVersion: e.version,
          patch: { stationId: null, device: null, leaseUntil: null, progress: null },
          data: { stationId: station.id, reason: `station revoked: ${reason}` },
        });
      }
      return station;
    });
  }

  // ---- people's actions --------------------------------------------------------------------

  /** A real tool's report (nwipe text, Blancco JSON/XML), trusted only for the same serial. */
  async importReport(
    actor: Actor,
    erasureId: string,
    input: {
      content: string;
      format?: 'nwipe' | 'blancco';
      version?: number;
      stationId: string;
      signature: string;
    },
  ): Promise<Erasure> {
    const e = await this.erasureService.get(actor, erasureId);
    // Anyone with a warehouse login could type a report: only one signed by a registered
    // station of the wiping organisation counts (issue 17), and it is checked first.
    const signer = await this.registry.checkReportSignature({
      stationId: input.stationId,
      signature: input.signature,
      erasureId: e.id,
      organisationId: e.organisationId,
      content: input.content,
    });
    let runs: ErasureRunRecord[];
    try {
      runs = importReport(input.content, input.format);
    } catch (err) {
      if (err instanceof ReportParseError) throw new BadRequestException(err.message);
      throw err;
    }
    const medium = await this.erasureService.medium(e.mediumId);
    const item = await this.erasures.itemOrFail(e.itemId);
    const siblings = await this.erasures.countMediaOfItem(item.id);
    const known = mediumForEngine(medium, item, siblings, false);
    if (!known) {
      throw new ConflictException(
        `Medium ${medium.id} has no serial yet: register it before importing a report`,
      );
    }
    let record: ErasureRunRecord;
    try {
      record = matchReportToMedium(runs, known);
    } catch (err) {
      if (err instanceof SerialMismatchError) {
        throw new BadRequestException({
          message: `Report refused: ${err.message}`,
          code: 'SERIAL_MISMATCH',
          reportSerials: err.reportSerials,
          mediumSerial: err.mediumSerial,
        });
      }
      throw err;
    }
    const importer = await this.erasureService.operatorFor(this.dataSource.manager, actor.userId);
    const importerName = importer?.name ?? actor.role;
    const run: StoredRun = {
      ...record,
      attempt: e.attempt,
      importedBy: actor.userId ?? undefined,
      signedBy: signer.id,
    };
    return this.dataSource.transaction(async (manager) => {
      const verifying = await this.transitions.apply(ErasureMachine, {
        manager,
        id: e.id,
        action: 'import-report',
        actor,
        expectedVersion: input.version,
        patch: {
          operatorId: actor.userId ?? e.operatorId,
          operatorName: importerName,
          leaseUntil: null,
        },
        data: {
          source: record.source,
          tool: record.tool,
          serial: record.serial,
          signedBy: signer.id,
        },
      });
      await this.outcomes.conclude(manager, verifying, medium, item, run, record, {
        operator: {
          name: record.operator ?? importerName,
          ...(actor.userId ? { id: actor.userId } : {}),
        },
        verifier: { name: importerName, ...(actor.userId ? { id: actor.userId } : {}) },
      });
      return this.erasures.byIdOrFail(e.id, manager);
    });
  }

  /** Staff send a medium to destruction without further tries (e.g. physically damaged). */
  async routeToDestructionByStaff(
    actor: Actor,
    erasureId: string,
    reason: string,
    version?: number,
  ) {
    const e = await this.erasureService.get(actor, erasureId);
    return this.dataSource.transaction((manager) =>
      this.outcomes.routeToDestruction(
        manager,
        actor,
        { ...e, version: version ?? e.version },
        reason,
      ),
    );
  }

  /** The medium was shredded or disintegrated: a destruction certificate, witnessed. */
  async recordDestruction(
    actor: Actor,
    erasureId: string,
    input: DestructionInput,
  ): Promise<Erasure> {
    const e = await this.erasureService.get(actor, erasureId);
    return this.dataSource.transaction(async (manager) => {
      let signed: SignedCertificate | null = null;
      if (e.state === 'AWAITING_DESTRUCTION' && e.destruction) {
        const witness = await this.erasures.user(manager, input.witnessId);
        const eligible =
          witness &&
          !witness.disabled &&
          (witness.role === 'admin' ||
            (witness.role === 'warehouse' &&
              witness.organisationId !== null &&
              witness.organisationId === (e.organisationId ?? actor.organisationId)));
        if (!eligible) {
          throw new BadRequestException({
            message: 'witnessId must name warehouse staff of the wiping organisation, or an admin',
            fields: [{ field: 'witnessId', errors: ['not an eligible witness'] }],
          });
        }
        const operator = await this.erasureService.operatorFor(manager, actor.userId);
        const medium = await this.erasureService.medium(e.mediumId, manager);
        const item = await this.erasures.itemOrFail(e.itemId, manager);
        const siblings = await this.erasures.countMediaOfItem(item.id, manager);
        const completedAt = input.completedAt ?? new Date();
        try {
          signed = this.signer.sign(
            buildDestructionCertificate({
              medium: mediumForEngine(medium, item, siblings, true)!,
              destruction: {
                technique: e.destruction.technique,
                equipment: { name: input.equipmentName, version: input.equipmentVersion },
                ...(input.particleSizeMm !== undefined
                  ? { particleSizeMm: input.particleSizeMm }
                  : {}),
                ...(input.facility ? { facility: input.facility } : {}),
                startedAt: input.startedAt ?? completedAt,
                completedAt,
                reason: e.destruction.reason,
                destructionId: e.id,
              },
              operator: {
                name: operator?.name ?? actor.role,
                ...(actor.userId ? { id: actor.userId } : {}),
              },
              verifier: { name: witness.name, id: witness.id },
            }),
          );
        } catch (err) {
          if (err instanceof CertificateRefusedError) throw new BadRequestException(err.message);
          throw err;
        }
      }
      return this.transitions.apply(ErasureMachine, {
        manager,
        id: e.id,
        action: 'record-destruction',
        actor,
        expectedVersion: input.version,
        patch: { completedAt: new Date() },
        data: { certificateId: signed?.document.certificateId ?? null },
        effects: async (m, updated) => {
          if (!signed) throw new Error('destruction certificate missing');
          await this.outcomes.issue(m, updated, signed);
          await this.gate.recomputeItemStatus(m, updated.itemId);
        },
      });
    });
  }

  /**
   * A second operator re-checks a certified wipe (sampling). A failed re-check revokes the
   * certificate, puts the item back behind the gate and queues a new wipe of the medium.
   */
  async reverify(
    actor: Actor,
    erasureId: string,
    input: { outcome: 'passed' | 'failed'; notes?: string },
  ): Promise<Erasure> {
    const e = await this.erasureService.get(actor, erasureId);
    return this.dataSource.transaction(async (manager) => {
      const current = await this.erasures.lock(manager, e.id);
      if (!current || current.state !== 'SUCCEEDED') {
        throw new ConflictException(`Only a SUCCEEDED wipe can be re-verified`);
      }
      if (current.operatorId === actor.userId) {
        throw new ConflictException('A wipe must be re-verified by a different operator');
      }
      if (current.reverifiedBy) {
        throw new ConflictException(`Erasure ${current.id} was already re-verified`);
      }
      await this.erasures.recordReverification(manager, current.id, {
        reverifiedBy: actor.userId,
        reverificationOutcome: input.outcome,
        reverifiedAt: new Date(),
        reverificationNotes: input.notes ?? null,
      });
      if (input.outcome === 'failed') {
        const revoked = await this.certificates.revokeOfErasure(
          manager,
          current.id,
          `re-verification failed${input.notes ? `: ${input.notes}` : ''}`,
        );
        // Anyone checking the certificate's credential sees the revocation.
        await this.statusLists.revoke(
          manager,
          revoked.flatMap((r) =>
            r.status_list !== null && r.status_index !== null
              ? [{ listId: r.status_list, index: r.status_index }]
              : [],
          ),
        );
        const item = await this.erasures.itemOrFail(current.itemId, manager);
        const medium = await this.erasureService.medium(current.mediumId, manager);
        await this.erasureService.openErasures(manager, actor, item, [medium], {
          itemId: item.id,
          at: current.place,
          organisationId: current.organisationId,
          requestedBy: actor.userId,
        });
      }
      return this.erasures.byIdOrFail(current.id, manager);
    });
  }
}
