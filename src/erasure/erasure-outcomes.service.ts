import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import type { Item } from '../core/items/item.entity.js';
import { ErasureGate } from './erasure-gate.service.js';
import { NotifyOwner, OpenSupportCase, RunErasure } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { type ApplyParams, TransitionService } from '../core/state-machine/transition.service.js';
import {
  buildErasureCertificate,
  checkRunAgainstPolicy,
  DESTRUCTION_TECHNIQUE,
  routeAfterFailure,
  type CertificatePerson,
  type ErasurePlan,
  type ErasureRunRecord,
  type PolicyViolation,
  type SignedCertificate,
  type StationResult,
} from './domain/index.js';
import { CertificateRepository } from './data/certificate.repository.js';
import { ErasureRepository } from './data/erasure.repository.js';
import type { Erasure, StorageMedium, StoredRun } from './data/erasure.entities.js';
import { ErasureMachine } from './domain/erasure.machine.js';
import { SamplingService } from './sampling.service.js';
import { CertificateSigner } from './stations.js';
import { certificateCredential } from './domain/certificate-credential.js';
import { PlatformSigner } from '../credentials/platform-signer.js';
import { StatusLists } from '../credentials/status-lists.js';
import { mediumForEngine } from './domain/erasure-media.js';
import { ErasureService } from './erasure.service.js';

/**
 * What follows a try on a medium, whoever made it: the run checked against the policy, the
 * certificate issued (and the gate recomputed in the same transaction), or the failure routed
 * to a retry with backoff or, after the last try, to physical destruction.
 */
@Injectable()
export class ErasureOutcomes {
  constructor(
    private readonly transitions: TransitionService,
    private readonly signer: CertificateSigner,
    private readonly sampling: SamplingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly credentials: PlatformSigner,
    private readonly statusLists: StatusLists,
    private readonly gate: ErasureGate,
    private readonly erasures: ErasureRepository,
    private readonly certificates: CertificateRepository,
    private readonly erasureService: ErasureService,
  ) {}

  /** VERIFYING → SUCCEEDED with a certificate, or FAILED (and retry / destruction). */
  async conclude(
    manager: EntityManager,
    verifying: Erasure,
    medium: StorageMedium,
    item: Item,
    run: StoredRun,
    record: ErasureRunRecord,
    people: { verifier: CertificatePerson; operator?: CertificatePerson },
  ): Promise<void> {
    const siblings = await this.erasures.countMediaOfItem(item.id, manager);
    const engineMedium = mediumForEngine(medium, item, siblings, true)!;
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
  async issue(manager: EntityManager, e: Erasure, signed: SignedCertificate): Promise<void> {
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

  /**
   * The end of a try, whoever ran it (the RunErasure job's automatic station or a registered
   * station's signed report): failed before its verification, `failTry`; else VERIFYING (the
   * caller's actor, patch and history data) and concluded against the policy.
   */
  async endTry(
    manager: EntityManager,
    e: Erasure,
    t: {
      record: ErasureRunRecord;
      run: StoredRun;
      failedPhase: StationResult['failedPhase'];
      plan?: ErasurePlan;
      verify: Pick<ApplyParams<Erasure>, 'actor' | 'checkAccess' | 'patch' | 'data'>;
      medium: StorageMedium;
      item: Item;
      verifier: string;
    },
  ): Promise<void> {
    if (t.record.status === 'failed' && t.failedPhase !== 'verify') {
      await this.failTry(
        manager,
        e,
        { failedPhase: t.failedPhase, reason: t.record.failureReason },
        t.run,
        t.plan,
      );
      return;
    }
    const verifying = await this.transitions.apply(ErasureMachine, {
      manager,
      id: e.id,
      action: 'verify',
      expectedVersion: e.version,
      ...t.verify,
    });
    await this.conclude(manager, verifying, t.medium, t.item, t.run, t.record, {
      verifier: { name: t.verifier },
    });
  }

  /**
   * A try that failed before its verification (the precheck or the wipe): FAILED with the run
   * it left, then retried or routed to destruction.
   */
  async failTry(
    manager: EntityManager,
    e: Erasure,
    failure: { failedPhase: StationResult['failedPhase']; reason?: string },
    run: StoredRun | null,
    plan?: ErasurePlan,
  ): Promise<void> {
    const failed = await this.fail(
      manager,
      e,
      [],
      failure.reason ?? 'erase failed',
      failure.failedPhase,
      run,
      plan,
    );
    await this.route(manager, failed, failure);
  }

  fail(
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
  async route(
    manager: EntityManager,
    failed: Erasure,
    failure: { failedPhase?: StationResult['failedPhase']; reason?: string },
  ): Promise<void> {
    const medium = await this.erasureService.medium(failed.mediumId, manager);
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

  async routeToDestruction(
    manager: EntityManager,
    actor: Actor,
    e: Erasure,
    reason: string,
    technique?: 'shred' | 'disintegrate',
  ): Promise<Erasure> {
    const medium = await this.erasureService.medium(e.mediumId, manager);
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
}
