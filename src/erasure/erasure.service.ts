import { ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import type { Item } from '../core/items/item.entity.js';
import { ItemAccess } from '../core/items/item.machine.js';
import { ErasureGate } from './erasure-gate.service.js';
import { RunErasure } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { isPolicyInForce, type PolicyId } from './domain/index.js';
import { ErasureRepository } from './data/erasure.repository.js';
import type { Erasure, StorageInterface, StorageMedium } from './data/erasure.entities.js';
import { ErasureAccess, ErasureMachine, StorageMediumAccess } from './domain/erasure.machine.js';
import { SamplingService } from './sampling.service.js';
import { ErasureStations } from './stations.js';

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

/** States in which a medium's wipe is still under way (one at a time per medium). */
const OPEN_STATES = ['QUEUED', 'RUNNING', 'VERIFYING', 'FAILED', 'AWAITING_DESTRUCTION'] as const;

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

/**
 * Erasure of every storage medium of an item, its reads and its start: staff register media,
 * StartErasure opens one QUEUED wipe per medium. The tries are ErasureRuns' (the simulator),
 * StationRuns' (registered stations) and ErasureActions' (people); what follows a try is
 * ErasureOutcomes'.
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly catalog: CatalogService,
    private readonly stations: ErasureStations,
    private readonly sampling: SamplingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly gate: ErasureGate,
    private readonly erasures: ErasureRepository,
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

  /** One QUEUED wipe per medium without a wipe under way or a valid certificate. */
  async openErasures(
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

  /** The user doing the work, if the request names one. */
  async operatorFor(
    manager: EntityManager,
    userId: string | null,
  ): Promise<{ id: string; name: string } | null> {
    if (!userId) return null;
    const user = await this.erasures.user(manager, userId);
    return user ? { id: user.id, name: user.name } : null;
  }
}
