import { Inject, Module, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { SignHistoryCheckpoint } from '../core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { QueueService } from '../core/jobs/queue.service.js';
import { Checkpoints } from './checkpoints.service.js';
import { CredentialsController } from './credentials.controller.js';
import { CheckpointRepository } from './data/checkpoint.repository.js';
import { ItemHistoryRepository } from './data/item-history.repository.js';
import { SigningKeyRepository } from './data/signing-key.repository.js';
import { StatusListRepository } from './data/status-list.repository.js';
import { PlatformSigner } from './platform-signer.js';
import { StatusLists } from './status-lists.js';
import { TraceVerification } from './trace-verification.js';

/**
 * Verifiable credentials (issue 24): the platform's did:key issuer, revocation status lists,
 * signed history checkpoints. Stages that issue credentials (erasure certificates, the item
 * passport) import it; it imports only core and configuration.
 */
@Module({
  controllers: [CredentialsController],
  providers: [
    SigningKeyRepository,
    StatusListRepository,
    CheckpointRepository,
    ItemHistoryRepository,
    PlatformSigner,
    StatusLists,
    Checkpoints,
    TraceVerification,
  ],
  exports: [PlatformSigner, StatusLists, Checkpoints, TraceVerification],
})
export class CredentialsModule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobHandlerRegistry,
    private readonly queues: QueueService,
    private readonly checkpoints: Checkpoints,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register(SignHistoryCheckpoint, async () => {
      await this.checkpoints.signAll();
    });
  }

  /** Workers sign a checkpoint every HISTORY_CHECKPOINT_INTERVAL_MS (one scheduler per prefix). */
  onApplicationBootstrap(): void {
    // Tests sign checkpoints themselves; a scheduler would outlive each test's private prefix.
    if (this.config.env === 'test') return;
    void this.queues.scheduleRepeatable(
      SignHistoryCheckpoint,
      'sign-history-checkpoint',
      { every: this.config.credentials.checkpointEveryMs },
      { trigger: 'scheduled' },
      'History checkpoints',
    );
  }
}
