import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { RunErasure, StartErasure } from '../core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { StateMachineRegistry } from '../core/state-machine/state-machine.registry.js';
import { ERASURE_CERTIFICATES } from '../core/read-models/erasure-certificates.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { CertificatesService } from './certificates.service.js';
import { CertificateRepository } from './data/certificate.repository.js';
import { ErasureRepository } from './data/erasure.repository.js';
import { StationRepository } from './data/station.repository.js';
import { ErasureGate } from './erasure-gate.service.js';
import { CertificatesController, ErasureController } from './api/erasure.controller.js';
import {
  Certificate,
  Erasure,
  SigningKey,
  Station,
  StorageMedium,
} from './data/erasure.entities.js';
import { ErasureMachine } from './domain/erasure.machine.js';
import { ErasureActions } from './erasure-actions.service.js';
import { ErasureOutcomes } from './erasure-outcomes.service.js';
import { ErasureRuns } from './erasure-runs.service.js';
import { RunErasureJob } from './handlers/run-erasure.job.js';
import { StartErasureJob } from './handlers/start-erasure.job.js';
import { ErasureService } from './erasure.service.js';
import { StationRuns } from './station-runs.service.js';
import { SamplingService } from './sampling.service.js';
import { StationRegistry } from './station-registry.js';
import {
  StationApiController,
  StationSignatureGuard,
  StationsController,
} from './api/stations.controller.js';
import { CertificateSigner, ErasureStations } from './stations.js';

/**
 * Stage: data erasure (spec §1, §3, §4). Wipes every storage medium of an item on the `erasure`
 * queue, certifies each with a signed certificate, and keeps item.erasureStatus (the gate the
 * ItemMachine checks before allocate/list/sell) in step. Global for its read model only:
 * ERASURE_CERTIFICATES (a port in core) tells other stages which certificates are valid.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([StorageMedium, Erasure, Certificate, SigningKey, Station]),
    CatalogModule,
    CredentialsModule,
  ],
  controllers: [
    ErasureController,
    CertificatesController,
    StationsController,
    StationApiController,
  ],
  providers: [
    CertificateRepository,
    ErasureRepository,
    StationRepository,
    ErasureService,
    ErasureOutcomes,
    ErasureRuns,
    StationRuns,
    ErasureActions,
    StartErasureJob,
    RunErasureJob,
    ErasureGate,
    CertificatesService,
    SamplingService,
    ErasureStations,
    CertificateSigner,
    StationRegistry,
    StationSignatureGuard,
    { provide: ERASURE_CERTIFICATES, useExisting: ErasureGate },
  ],
  exports: [ErasureStations, ERASURE_CERTIFICATES],
})
export class ErasureModule implements OnModuleInit {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly startErasure: StartErasureJob,
    private readonly runErasure: RunErasureJob,
    private readonly certificates: CertificatesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // Production proves its certificate font at start (a file without Chinese stops it here).
    if (this.config.env === 'production') await this.certificates.font();
    this.machines.register(ErasureMachine);
    this.jobs.register(StartErasure, (p, ctx) => this.startErasure.run(p, ctx));
    this.jobs.register(RunErasure, (p, ctx) => this.runErasure.run(p, ctx));
  }
}
