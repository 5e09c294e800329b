import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Item } from '../core/items/item.entity.js';
import { ItemsService } from '../core/items/items.service.js';
import { WithdrawUncertifiedItem } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import type {
  CertificateCredentialRef,
  CertificateRef,
  ErasureCertificates,
} from '../core/read-models/erasure-certificates.js';
import { CertificateRepository } from './data/certificate.repository.js';
import type { Certificate } from './data/erasure.entities.js';
import { ErasureRepository } from './data/erasure.repository.js';

/**
 * The erasure gate: which certificates still speak for an item's media, and the item's erasure
 * status that follows from them (the item machine refuses to allocate, list or sell an item
 * whose status is pending). Other stages ask it through the ErasureCertificates port, so the
 * rule lives in one place.
 */
@Injectable()
export class ErasureGate implements ErasureCertificates {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly items: ItemsService,
    private readonly outbox: OutboxService,
    private readonly certificates: CertificateRepository,
    private readonly erasures: ErasureRepository,
  ) {}

  /**
   * Erasure certificates that still speak for the item's media: not revoked, issued after the
   * item last left the platform (a buyer's return may hold the buyer's data: wipe again), and in
   * production not from the simulator.
   */
  async validCertificates(manager: EntityManager, itemId: string): Promise<Certificate[]> {
    const left = await this.certificates.leftPlatformAt(manager, itemId);
    const since = left ? new Date(left).getTime() : null;
    return (await this.certificates.erasureCertificatesOf(manager, itemId)).filter(
      (c) =>
        c.revokedAt === null &&
        (since === null || c.issuedAt.getTime() > since) &&
        // A simulated run erased nothing: in production its certificate never opens the gate
        // (and the medium is wiped for real). The simulator itself is refused there (config).
        !(this.config.env === 'production' && c.document.simulated === true),
    );
  }

  /** The valid certificates, oldest first, for other stages (ErasureCertificates). */
  async validFor(manager: EntityManager, itemId: string): Promise<CertificateRef[]> {
    return (await this.validCertificates(manager, itemId))
      .sort((a, b) => a.issuedAt.getTime() - b.issuedAt.getTime())
      .map((c) => ({
        number: c.number,
        level: c.document.sanitization?.level ?? null,
        issuedAt: c.issuedAt.toISOString(),
      }));
  }

  /** The item's certificates issued as credentials, for the passport (ErasureCertificates). */
  async credentialsOf(manager: EntityManager, itemId: string): Promise<CertificateCredentialRef[]> {
    const rows = await this.certificates.credentialsOf(manager, itemId);
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      kind: r.kind,
      revoked: r.revoked_at !== null,
    }));
  }

  /**
   * item.erasureStatus from its media: 'certified' when every medium has a valid certificate,
   * 'destroyed' when every medium is certified or physically destroyed (at least one
   * destroyed), 'pending' otherwise (a medium routed to destruction included).
   */
  async recomputeItemStatus(
    manager: EntityManager,
    itemId: string,
  ): Promise<{ changedTo: Item['erasureStatus'] | null; certificateNumbers: string[] }> {
    const media = await this.erasures.mediaOfItem(manager, itemId);
    if (media.length === 0) return { changedTo: null, certificateNumbers: [] };
    const erasures = await this.erasures.erasuresOfItem(manager, itemId);
    const certificates = await this.validCertificates(manager, itemId);
    // A medium routed to destruction still holds data until it is destroyed (with its
    // certificate): until then the item is 'pending', which keeps it with the operator (the
    // item machine's custody guard, issue 17). 'destroyed' once every medium is certified or
    // destroyed and at least one was destroyed.
    const destroyedMedia = new Set(
      erasures.filter((e) => e.state === 'DESTROYED').map((e) => e.mediumId),
    );
    const awaitingDestruction = erasures.some((e) => e.state === 'AWAITING_DESTRUCTION');
    const covered = media.every(
      (m) => destroyedMedia.has(m.id) || certificates.some((c) => c.mediumId === m.id),
    );
    const status: Item['erasureStatus'] =
      awaitingDestruction || !covered
        ? 'pending'
        : destroyedMedia.size > 0
          ? 'destroyed'
          : 'certified';
    const changed = await this.items.setErasureStatus(manager, itemId, status);
    if (changed && (status === 'pending' || status === 'destroyed')) {
      // The item may be on the market (issue 17): resale withdraws its listings, in this
      // transaction's outbox. A job for an item never listed finds nothing to do.
      await this.outbox.write(manager, [
        job(WithdrawUncertifiedItem, {
          itemId,
          reason:
            status === 'destroyed'
              ? 'a storage medium of the item was physically destroyed'
              : 'a storage medium of the item has no valid erasure certificate any more',
        }),
      ]);
    }
    return {
      changedTo: changed ? status : null,
      certificateNumbers: certificates.map((c) => c.number),
    };
  }
}
