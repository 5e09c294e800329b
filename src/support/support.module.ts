import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OpenSupportCase, SupportCaseSlaDue } from '../core/jobs/job-catalogue.js';
import { SUPPORT_CASES } from '../core/read-models/support-cases.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { StateMachineRegistry } from '../core/state-machine/state-machine.registry.js';
import { SupportCase, SupportCaseNote } from './data/support-case.entity.js';
import { SupportCaseRepository } from './data/support-case.repository.js';
import { PhotosModule } from '../photos/photos.module.js';
import { PhotoSubjects } from '../photos/photo-subjects.js';
import { SupportCaseMachine, SupportCaseAccess } from './support-case.machine.js';
import { SupportCaseReadModel } from './data/support-case-reads.js';
import { SupportCasesController } from './support-cases.controller.js';
import { SupportCasesService } from './support-cases.service.js';

/**
 * Customer service cases: opened by hand or by the platform (OpenSupportCase), with SLAs.
 * Global to publish SUPPORT_CASES (a port in core): tracking asks it which cases are a
 * customer's own.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([SupportCase, SupportCaseNote]), PhotosModule],
  controllers: [SupportCasesController],
  providers: [
    SupportCaseRepository,
    SupportCasesService,
    SupportCaseReadModel,
    { provide: SUPPORT_CASES, useExisting: SupportCaseReadModel },
  ],
  exports: [SUPPORT_CASES],
})
export class SupportModule implements OnModuleInit {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly cases: SupportCasesService,
    private readonly photoSubjects: PhotoSubjects,
  ) {}

  onModuleInit(): void {
    this.machines.register(SupportCaseMachine);
    this.photoSubjects.register('case', SupportCaseAccess);
    this.jobs.register(OpenSupportCase, (payload) => this.cases.openFromPlatform(payload));
    this.jobs.register(SupportCaseSlaDue, (payload) => this.cases.slaDue(payload.caseId));
  }
}
