import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { type Actor, SYSTEM_ACTOR } from '../core/actor.js';
import { NotFound, TransitionConflict } from '../core/errors.js';
import { Item } from '../core/items/item.entity.js';
import { ItemAccess } from '../core/items/item.machine.js';
import { ErasureGate } from './erasure-gate.service.js';
import { NotifyOwner, OpenSupportCase, RunErasure } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import {
  buildDestructionCertificate,
  buildErasureCertificate,
  type CertificatePerson,
  CertificateRefusedError,
  checkRunAgainstPolicy,
  DESTRUCTION_TECHNIQUE,
  type ErasurePlan,
  type ErasureRunRecord,
  importReport,
  isPolicyInForce,
  matchReportToMedium,
  type Medium,
  NoCompliantTechniqueError,
  planErasure,
  type PolicyId,
  type PolicyViolation,
  ReportParseError,
  routeAfterFailure,
  SerialMismatchError,
  type SignedCertificate,
  type StationResult,
} from './engine/index.js';
import { CertificateRepository } from './data/certificate.repository.js';
import { ErasureRepository } from './data/erasure.repository.js';
import {
  type Erasure,
  type StorageInterface,
  type Station,
  type StationProgress,
  type StorageMedium,
  type StoredRun,
} from './data/erasure.entities.js';
import { ErasureAccess, ErasureMachine, StorageMediumAccess } from './erasure.machine.js';
import { SamplingService } from './sampling.service.js';
import { StationRegistry } from './station-registry.js';
import { CertificateSigner, ErasureStations } from './stations.js';
import { certificateCredential } from './certificate-credential.js';
import { PlatformSigner } from '../credentials/platform-signer.js';
import { StatusLists } from '../credentials/status-lists.js';

/** Capacity assumed for a catalog default medium until staff register the real one. */
const DEFAULT_CAPACITY: Record<StorageMedium['mediaType'], number> = {
  hdd: 1_000e9,
  ssd: 512e9,
  flash: 128e9,
  emmc: 64e9,
};

/** The policy profile for a wipe starting at `at` ('auto': cn-2027 once in force, else Purge). */
export function policyFor(configured: AppConfig['erasure']['policy'], at: Date): PolicyId {
  if (configured !== 'auto') return configured;
  return isPolicyInForce('cn-2027', at) ? 'cn-2027' : 'nist-purge';
}

/** How a station acts in the history: the platform on its behalf, in its organisation. */
function stationActor(station: Station): Actor {
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

/** States in which a medium's wipe is still under way (one at a time per medium). */
const OPEN_STATES = ['QUEUED', 'RUNNING', 'VERIFYING', 'FAILED', 'AWAITING_DESTRUCTION'] as const;

/**
 * How long a worker's claim on a running wipe lasts unless renewed. It is renewed while the
 * station works, so only a dead worker's claim runs out, and well within the RunErasure job's
 * retry window (8 tries, about 2 minutes of backoff), so another worker takes the wipe over.
 */
const LEASE_MS = 60_000;

export interface StartRequest {
  itemId: string;
  at: 'warehouse' | 'on-site';
  organisationId: string | null;
  requestedBy: string | null;
}

export interface MediumInput {
  mediaType: StorageMedium['mediaType'];
  interface?: StorageInterface;
  serial?: string;
  manufacturer?: string;
  model?: string;
  capacityBytes?: number;
}

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
 * Erasure of every storage medium of an item: start (StartErasure), one try on the station per
 * RunErasure job, import of a real tool's report, policy check, signed certificate, retries with
 * backoff and, after the last failed try, routing to physical destruction. The item's
 * erasureStatus (the gate, `ErasureGate`) is recomputed in the same transaction as every
 * certificate.
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly catalog: CatalogService,
    private readonly stations: ErasureStations,
    private readonly signer: CertificateSigner,
    private readonly sampling: SamplingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxService,
    private readonly registry: StationRegistry,
    private readonly credentials: PlatformSigner,
    private readonly statusLists: StatusLists,
    private readonly gate: ErasureGate,
    private readonly erasures: ErasureRepository,
    private readonly certificates: CertificateRepository,
  ) {}

  policyFor(at: Date): PolicyId {
    return policyFor(this.config.erasure.policy, at);
  }

  // ---- reads -------------------------------------------------------------------------------

  async get(actor: Actor, id: string): Promise<Erasure> {
    const e = await this.erasures.byId(id);
    return ErasureAccess.assertVisible(e, actor, id);
  }

  async medium(id: string, manager?: EntityManager): Promise<StorageMedium> {
    const m = await this.erasures.medium(id, manager);
    if (!m) throw new NotFound('Storage medium', id);
    return m;
  }

  /** The item, if the actor may see it (owner, custodian, platform staff). */
  async item(actor: Actor, itemId: string, manager?: EntityManager): Promise<Item> {
    const item = await this.erasures.item(itemId, manager);
    return ItemAccess.assertVisible(item, actor, itemId);
  }

  async listMedia(actor: Actor, itemId: string) {
    await this.item(actor, itemId);
    const media = await this.erasures.mediaOfItemInOrder(itemId);
    const erasures = await this.erasures.erasuresOfItemInOrder(itemId);
    return media.map((m) => ({ medium: m, erasures: erasures.filter((e) => e.mediumId === m.id) }));
  }

  // ---- storage media -----------------------------------------------------------------------

  /** Staff register a medium with its serial before wiping; a running item wipe picks it up. */
  async registerMedium(actor: Actor, itemId: string, input: MediumInput): Promise<StorageMedium> {
    return this.dataSource.transaction(async (manager) => {
      const item = await this.lockItem(manager, actor, itemId);
      const media = await this.erasures.mediaOfItemInOrder(itemId, manager);
      if (input.serial) this.assertSerialFree(media, input.serial);
      const medium = await this.erasures.addMedium(manager, {
        itemId,
        position: (media[media.length - 1]?.position ?? 0) + 1,
        mediaType: input.mediaType,
        interface: input.interface ?? null,
        serial: input.serial?.trim() || null,
        manufacturer: input.manufacturer ?? null,
        model: input.model ?? null,
        capacityBytes: input.capacityBytes ?? DEFAULT_CAPACITY[input.mediaType],
        source: 'registered',
      });
      // An item already being wiped gets the new medium wiped too.
      const started = await this.erasures.anyOfItem(manager, itemId);
      if (started) {
        await this.openErasures(manager, actor, item, [medium], {
          itemId,
          at: started.place,
          organisationId: started.organisationId,
          requestedBy: actor.userId,
        });
      } else {
        await this.gate.recomputeItemStatus(manager, itemId); // a medium with data: behind the gate
      }
      return medium;
    });
  }

  /** Corrects a medium's identity; refused once a wipe of it has run (the record must hold). */
  async updateMedium(
    actor: Actor,
    mediumId: string,
    input: Partial<MediumInput>,
  ): Promise<StorageMedium> {
    return this.dataSource.transaction(async (manager) => {
      const medium = await StorageMediumAccess.assertVisibleTo(
        manager,
        await this.erasures.medium(mediumId, manager),
        actor,
        mediumId,
      );
      await this.lockItem(manager, actor, medium.itemId);
      const erasures = await this.erasures.erasuresOfMedia(manager, [medium.id]);
      const ran = erasures.find((e) => e.state !== 'QUEUED' || e.attempt > 1);
      if (ran) {
        throw new ConflictException(
          `Medium ${medium.id} has a wipe that is ${ran.state}; its identity can no longer change`,
        );
      }
      if (input.serial) {
        const siblings = await this.erasures.mediaOfItem(manager, medium.itemId);
        this.assertSerialFree(
          siblings.filter((s) => s.id !== medium.id),
          input.serial,
        );
      }
      const patch: Partial<StorageMedium> = {
        ...(input.mediaType ? { mediaType: input.mediaType } : {}),
        ...(input.interface ? { interface: input.interface } : {}),
        ...(input.serial ? { serial: input.serial.trim() } : {}),
        ...(input.manufacturer ? { manufacturer: input.manufacturer } : {}),
        ...(input.model ? { model: input.model } : {}),
        ...(input.capacityBytes ? { capacityBytes: input.capacityBytes } : {}),
        source: 'registered',
      };
      await this.erasures.updateMedium(manager, medium.id, patch);
      return { ...medium, ...patch };
    });
  }

  private assertSerialFree(media: StorageMedium[], serial: string): void {
    const wanted = serial.trim().toUpperCase();
    if (media.some((m) => m.serial?.toUpperCase() === wanted)) {
      throw new ConflictException(`The item already has a medium with serial ${serial}`);
    }
  }

  private async lockItem(manager: EntityManager, actor: Actor, itemId: string): Promise<Item> {
    const item = await this.item(actor, itemId, manager);
    await this.erasures.lockItem(manager, item.id);
    return item;
  }

  // ---- start -------------------------------------------------------------------------------

  /**
   * StartErasure: media from the leaf's defaults when none are registered, one QUEUED wipe per
   * medium without a wipe under way or a valid certificate. Idempotent (item row lock, and a
   * unique index on open wipes per medium).
   */
  async start(request: StartRequest, actor: Actor = SYSTEM_ACTOR): Promise<Erasure[]> {
    return this.dataSource.transaction(async (manager) => {
      const item = await this.erasures.item(request.itemId, manager);
      if (!item) throw new NotFound('Item', request.itemId);
      if (actor.role !== 'system') await this.item(actor, item.id, manager);
      await this.erasures.lockItem(manager, item.id);
      let media = await this.erasures.mediaOfItemInOrder(item.id, manager);
      if (media.length === 0) media = await this.createDefaultMedia(manager, item);
      if (media.length === 0) {
        this.logger.warn(`Item ${item.traceCode} has no storage media to wipe`);
        return [];
      }
      return this.openErasures(manager, actor, item, media, request);
    });
  }

  private async createDefaultMedia(manager: EntityManager, item: Item): Promise<StorageMedium[]> {
    if (!item.categoryId) return [];
    const leaf = await this.catalog.getLeaf(item.categoryId, manager).catch(() => null);
    if (!leaf || leaf.storageMedia.length === 0) return [];
    return this.erasures.addMedia(
      manager,
      leaf.storageMedia.map((m, index) => ({
        itemId: item.id,
        position: index + 1,
        mediaType: m.type,
        interface: m.interface,
        serial: null,
        manufacturer: null,
        model: null,
        capacityBytes: DEFAULT_CAPACITY[m.type],
        source: 'catalog' as const,
      })),
    );
  }

  private async openErasures(
    manager: EntityManager,
    actor: Actor,
    item: Item,
    media: StorageMedium[],
    request: StartRequest,
  ): Promise<Erasure[]> {
    const existing = await this.erasures.erasuresOfMedia(
      manager,
      media.map((m) => m.id),
    );
    const certified = new Set(
      (await this.gate.validCertificates(manager, item.id)).map((c) => c.mediumId),
    );
    const operator = await this.operatorFor(manager, request.requestedBy);
    const station = this.stations.automatic();
    const now = new Date();
    const created: Erasure[] = [];
    for (const medium of media) {
      const busy = existing.some(
        (e) =>
          e.mediumId === medium.id &&
          ((OPEN_STATES as readonly string[]).includes(e.state) || e.state === 'DESTROYED'),
      );
      if (busy || certified.has(medium.id)) continue;
      created.push(
        await this.transitions.create(ErasureMachine, {
          manager,
          actor,
          values: {
            itemId: item.id,
            mediumId: medium.id,
            place: request.at,
            organisationId: request.organisationId,
            ownerId: item.ownerId,
            requestedBy: request.requestedBy,
            operatorId: operator?.id ?? `station:${station?.name ?? 'external'}`,
            operatorName: operator?.name ?? station?.name ?? 'external tool',
            policy: this.policyFor(now),
            station: station ? 'simulated' : 'external',
            attempt: 1,
            maxAttempts: 3,
            batchId: this.sampling.batchIdFor(request.organisationId, now),
          },
          data: { mediumId: medium.id, mediaType: medium.mediaType, place: request.at },
          jobs: (e) => (station ? [job(RunErasure, { erasureId: e.id, attempt: 1 })] : []),
        }),
      );
    }
    await this.gate.recomputeItemStatus(manager, item.id);
    return created;
  }

  private async operatorFor(
    manager: EntityManager,
    userId: string | null,
  ): Promise<{ id: string; name: string } | null> {
    if (!userId) return null;
    const user = await this.erasures.user(manager, userId);
    return user ? { id: user.id, name: user.name } : null;
  }

  // ---- one try on the station --------------------------------------------------------------

  /** RunErasure: idempotent; a stale attempt or a finished wipe is a no-op. */
  async run(erasureId: string, attempt: number): Promise<void> {
    const e = await this.erasures.byId(erasureId);
    if (!e || e.attempt !== attempt) return;
    if (e.stationId) return; // a registered station runs it (it polls for its wipes)
    const station = this.stations.automatic();
    if (!station) return; // wipes are reported by import now
    let claimed: Erasure;
    if (e.state === 'QUEUED') {
      try {
        claimed = await this.transitions.apply(ErasureMachine, {
          id: e.id,
          action: 'start',
          actor: SYSTEM_ACTOR,
          expectedVersion: e.version,
          patch: { leaseUntil: new Date(Date.now() + LEASE_MS), nextAttemptAt: null },
          data: { attempt, station: station.name },
        });
      } catch (err) {
        if (err instanceof TransitionConflict) return; // another worker claimed it
        throw err;
      }
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

    const medium = await this.medium(e.mediumId);
    const item = await this.erasures.itemOrFail(e.itemId);
    const siblings = await this.erasures.countMediaOfItem(item.id);
    const engineMedium: Medium = this.engineMedium(medium, item, siblings, true)!;
    let plan: ErasurePlan;
    try {
      plan = planErasure(e.policy, engineMedium);
    } catch (err) {
      if (!(err instanceof NoCompliantTechniqueError)) throw err;
      await this.dataSource.transaction(async (manager) => {
        const running = await this.fail(manager, claimed, [], err.message, 'precheck', null);
        await this.route(manager, running, { failedPhase: 'precheck', reason: err.message });
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
    await this.dataSource.transaction(async (manager) => {
      const run: StoredRun = { ...result, attempt };
      if (result.status === 'failed' && result.failedPhase !== 'verify') {
        const failed = await this.fail(
          manager,
          claimed,
          [],
          result.failureReason ?? 'erase failed',
          result.failedPhase,
          run,
          plan,
        );
        await this.route(manager, failed, {
          failedPhase: result.failedPhase,
          reason: result.failureReason,
        });
        return;
      }
      const verifying = await this.transitions.apply(ErasureMachine, {
        manager,
        id: claimed.id,
        action: 'verify',
        actor: SYSTEM_ACTOR,
        expectedVersion: claimed.version,
        patch: { plan },
        data: { attempt, verification: plan.verification },
      });
      await this.conclude(manager, verifying, medium, item, run, result, {
        verifier: { name: `${station.name} ${station.version} automated verification` },
      });
    });
  }

  /** The engine's view of a medium; the serial falls back to the device's own identifier. */
  private engineMedium(
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

  /** VERIFYING → SUCCEEDED with a certificate, or FAILED (and retry / destruction). */
  private async conclude(
    manager: EntityManager,
    verifying: Erasure,
    medium: StorageMedium,
    item: Item,
    run: StoredRun,
    record: ErasureRunRecord,
    people: { verifier: CertificatePerson; operator?: CertificatePerson },
  ): Promise<void> {
    const siblings = await this.erasures.countMediaOfItem(item.id, manager);
    const engineMedium = this.engineMedium(medium, item, siblings, true)!;
    const violations = checkRunAgainstPolicy(verifying.policy, engineMedium, record);
    if (violations.length > 0) {
      const failed = await this.fail(
        manager,
        verifying,
        violations,
        violations.map((v) => v.message).join('; '),
        record.verification.outcome === 'failed' ? 'verify' : undefined,
        run,
      );
      await this.route(manager, failed, {
        failedPhase: record.verification.outcome === 'failed' ? 'verify' : 'erase',
        reason: violations[0].message,
      });
      return;
    }
    const organisation = verifying.organisationId
      ? await this.erasures.organisationName(manager, verifying.organisationId)
      : undefined;
    const document = buildErasureCertificate({
      medium: engineMedium,
      run: record,
      runId: `${verifying.id}:${verifying.attempt}`,
      policy: verifying.policy,
      operator: people.operator ?? {
        name: verifying.operatorName,
        ...(verifying.operatorId.startsWith('station:') ? {} : { id: verifying.operatorId }),
        ...(organisation ? { organisation } : {}),
      },
      verifier: people.verifier,
      destination: 'reuse',
    });
    let certificateIds: string[] = [];
    await this.transitions.apply(ErasureMachine, {
      manager,
      id: verifying.id,
      action: 'certify',
      actor: SYSTEM_ACTOR,
      expectedVersion: verifying.version,
      patch: (e) => ({
        runs: [...e.runs, run],
        violations: [],
        failureReason: null,
        leaseUntil: null,
        completedAt: new Date(),
      }),
      data: {
        certificateId: document.certificateId,
        level: document.sanitization.level,
        ...(document.simulated ? { simulated: true } : {}),
      },
      effects: async (m, e) => {
        await this.issue(m, e, this.signer.sign(document));
        const status = await this.gate.recomputeItemStatus(m, e.itemId);
        if (status.changedTo === 'certified') certificateIds = status.certificateNumbers;
        await this.sampling.afterCertified(m, e);
      },
      jobs: (e) =>
        certificateIds.length > 0 && e.ownerId
          ? [
              job(NotifyOwner, {
                userId: e.ownerId,
                template: 'erasure-certified',
                params: {
                  message: 'Your data was erased',
                  itemId: item.id,
                  traceCode: item.traceCode,
                  certificateId: certificateIds[0],
                  certificateIds,
                },
              }),
            ]
          : [],
    });
  }

  /**
   * Inserts the certificate with its W3C credential (a status list slot for revocation); the
   * unique (erasure_id) makes a second issue a no-op.
   */
  private async issue(
    manager: EntityManager,
    e: Erasure,
    signed: SignedCertificate,
  ): Promise<void> {
    if (await this.certificates.existsForErasure(manager, e.id)) return;
    const id = randomUUID();
    const slot = await this.statusLists.allocate(manager);
    const credential = await this.credentials.issue(
      certificateCredential(signed.document, {
        contexts: this.credentials.contexts(),
        id: `${this.config.publicBaseUrl}/api/v1/certificates/${id}/credential`,
        credentialStatus: slot.credentialStatus,
        passportUrl: `${this.config.publicBaseUrl}/api/v1/trace/${signed.document.media.source.itemTraceCode}`,
      }),
    );
    await this.certificates.insert(manager, {
      id,
      number: signed.document.certificateId,
      kind: signed.document.kind,
      erasureId: e.id,
      mediumId: e.mediumId,
      itemId: e.itemId,
      organisationId: e.organisationId,
      ownerId: e.ownerId,
      document: signed.document,
      signature: signed.signature,
      keyId: signed.keyId,
      issuedAt: new Date(signed.document.issuedAt),
      credential,
      statusList: slot.listId,
      statusIndex: slot.index,
    });
  }

  private fail(
    manager: EntityManager,
    e: Erasure,
    violations: PolicyViolation[],
    reason: string,
    failedPhase: StationResult['failedPhase'],
    run: StoredRun | null,
    plan?: ErasurePlan,
  ): Promise<Erasure> {
    return this.transitions.apply(ErasureMachine, {
      manager,
      id: e.id,
      action: 'fail',
      actor: SYSTEM_ACTOR,
      expectedVersion: e.version,
      patch: (current) => ({
        runs: run ? [...current.runs, run] : current.runs,
        violations,
        failureReason: reason,
        leaseUntil: null,
        ...(plan ? { plan } : {}),
      }),
      data: { attempt: e.attempt, reason, failedPhase: failedPhase ?? null },
    });
  }

  /** After a failed try: back to the queue with backoff, or (last try) to physical destruction. */
  private async route(
    manager: EntityManager,
    failed: Erasure,
    failure: { failedPhase?: StationResult['failedPhase']; reason?: string },
  ): Promise<void> {
    const medium = await this.medium(failed.mediumId, manager);
    const routing = routeAfterFailure(
      { mediaType: medium.mediaType, serial: medium.serial ?? medium.id },
      { attempt: failed.attempt, ...failure },
      {
        retry: {
          maxAttempts: failed.maxAttempts,
          baseDelayMs: this.config.erasure.retryBaseDelayMs,
        },
        unwipeable: failure.failedPhase === 'precheck',
      },
    );
    if (routing.action === 'retry') {
      const runAt = new Date(Date.now() + routing.delayMs);
      await this.transitions.apply(ErasureMachine, {
        manager,
        id: failed.id,
        action: 'retry',
        actor: SYSTEM_ACTOR,
        expectedVersion: failed.version,
        patch: { attempt: routing.nextAttempt, nextAttemptAt: runAt },
        data: {
          attempt: routing.nextAttempt,
          runAt: runAt.toISOString(),
          delayMs: routing.delayMs,
          reason: routing.reason,
        },
        jobs: (e) =>
          e.station === 'simulated'
            ? [job(RunErasure, { erasureId: e.id, attempt: routing.nextAttempt }, runAt)]
            : [],
      });
      return;
    }
    await this.routeToDestruction(manager, SYSTEM_ACTOR, failed, routing.reason, routing.technique);
  }

  private async routeToDestruction(
    manager: EntityManager,
    actor: Actor,
    e: Erasure,
    reason: string,
    technique?: 'shred' | 'disintegrate',
  ): Promise<Erasure> {
    const medium = await this.medium(e.mediumId, manager);
    const item = await this.erasures.itemOrFail(e.itemId, manager);
    const destroyWith = technique ?? DESTRUCTION_TECHNIQUE[medium.mediaType];
    return this.transitions.apply(ErasureMachine, {
      manager,
      id: e.id,
      action: 'route-to-destruction',
      actor,
      expectedVersion: e.version,
      checkAccess: actor.role !== 'system',
      patch: { destruction: { technique: destroyWith, reason }, nextAttemptAt: null },
      data: { reason, technique: destroyWith },
      effects: async (m, updated) => {
        await this.gate.recomputeItemStatus(m, updated.itemId);
      },
      jobs: (updated) => [
        job(OpenSupportCase, {
          kind: 'erasure-failure',
          dedupeKey: `erasure-failure:${updated.id}`,
          summary: `Wipe of ${medium.mediaType} ${medium.serial ?? `#${medium.position}`} in item ${item.traceCode} failed; the medium goes to physical destruction`,
          itemIds: [updated.itemId],
          orderRef: null,
          customerId: updated.ownerId,
          detail: {
            erasureId: updated.id,
            mediumId: updated.mediumId,
            attempts: updated.attempt,
            reason,
            technique: destroyWith,
          },
        }),
      ],
    });
  }

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
    const e = await this.get(actor, erasureId);
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
    const medium = await this.medium(e.mediumId);
    if (!medium.serial) {
      throw new ConflictException(
        `Medium ${medium.id} has no serial yet: register it so the station can check the drive`,
      );
    }
    const item = await this.erasures.itemOrFail(e.itemId);
    const plan = this.stationPlan(e, medium, item, 1);
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

  /** The plan a station runs for this medium, or null when the policy has none for it. */
  private stationPlan(e: Erasure, medium: StorageMedium, item: Item, siblings: number) {
    const engineMedium = this.engineMedium(medium, item, siblings, false);
    if (!engineMedium) return null;
    try {
      return planErasure(e.policy, engineMedium);
    } catch (err) {
      if (err instanceof NoCompliantTechniqueError) return null;
      throw err;
    }
  }

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
        try {
          claimed = await this.transitions.apply(ErasureMachine, {
            id: e.id,
            action: 'start',
            actor,
            checkAccess: false,
            expectedVersion: e.version,
            patch: { leaseUntil: new Date(Date.now() + LEASE_MS), nextAttemptAt: null, progress },
            data: { attempt: e.attempt, stationId: station.id, device: e.device },
          });
        } catch (err) {
          if (err instanceof TransitionConflict) continue; // staff changed it meanwhile
          throw err;
        }
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
      const medium = await this.medium(claimed.mediumId);
      const item = await this.erasures.itemOrFail(e.itemId);
      const siblings = await this.erasures.countMediaOfItem(item.id);
      const plan = claimed.plan ?? this.stationPlan(claimed, medium, item, siblings);
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
    const medium = await this.medium(e.mediumId);
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
    const actor = stationActor(station);
    await this.dataSource.transaction(async (manager) => {
      const plan = e.plan ?? undefined;
      if (record.status === 'failed' && failedPhase !== 'verify') {
        const failed = await this.fail(
          manager,
          e,
          [],
          record.failureReason ?? 'erase failed',
          failedPhase ?? 'erase',
          run,
          plan,
        );
        await this.route(manager, failed, {
          failedPhase: failedPhase ?? 'erase',
          reason: record.failureReason,
        });
        return;
      }
      const verifying = await this.transitions.apply(ErasureMachine, {
        manager,
        id: e.id,
        action: 'verify',
        actor,
        checkAccess: false,
        expectedVersion: e.version,
        patch: { progress: null },
        data: { attempt: e.attempt, stationId: station.id, verification: record.verification },
      });
      await this.conclude(manager, verifying, medium, item, run, record, {
        verifier: {
          name: `${station.name}: ${record.tool.name} ${record.tool.version} verification and seeded read-back sample`,
        },
      });
    });
    return this.erasures.byIdOrFail(e.id);
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
    const e = await this.get(actor, erasureId);
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
    const medium = await this.medium(e.mediumId);
    const item = await this.erasures.itemOrFail(e.itemId);
    const siblings = await this.erasures.countMediaOfItem(item.id);
    const known = this.engineMedium(medium, item, siblings, false);
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
    const importer = await this.operatorFor(this.dataSource.manager, actor.userId);
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
      await this.conclude(manager, verifying, medium, item, run, record, {
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
    const e = await this.get(actor, erasureId);
    return this.dataSource.transaction((manager) =>
      this.routeToDestruction(manager, actor, { ...e, version: version ?? e.version }, reason),
    );
  }

  /** The medium was shredded or disintegrated: a destruction certificate, witnessed. */
  async recordDestruction(
    actor: Actor,
    erasureId: string,
    input: DestructionInput,
  ): Promise<Erasure> {
    const e = await this.get(actor, erasureId);
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
        const operator = await this.operatorFor(manager, actor.userId);
        const medium = await this.medium(e.mediumId, manager);
        const item = await this.erasures.itemOrFail(e.itemId, manager);
        const siblings = await this.erasures.countMediaOfItem(item.id, manager);
        const completedAt = input.completedAt ?? new Date();
        try {
          signed = this.signer.sign(
            buildDestructionCertificate({
              medium: this.engineMedium(medium, item, siblings, true)!,
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
          await this.issue(m, updated, signed);
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
    const e = await this.get(actor, erasureId);
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
        const medium = await this.medium(current.mediumId, manager);
        await this.openErasures(manager, actor, item, [medium], {
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
