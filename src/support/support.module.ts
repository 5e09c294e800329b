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
import { SupportCaseMachine, SupportCaseAccess } from './domain/support-case.machine.js';
import { SupportCaseReadModel } from './data/support-case-reads.js';
import { SupportCasesController } from './api/support-cases.controller.js';
import { SupportCasesService } from './support-cases.service.js';
import { OpenSupportCaseJob } from './handlers/open-support-case.job.js';
import { SupportCaseSlaDueJob } from './handlers/support-case-sla-due.job.js';

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
    OpenSupportCaseJob,
    SupportCaseSlaDueJob,
    SupportCaseReadModel,
    { provide: SUPPORT_CASES, useExisting: SupportCaseReadModel },
  ],
  exports: [SUPPORT_CASES],
})
export class SupportModule implements OnModuleInit {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly openSupportCase: OpenSupportCaseJob,
    private readonly supportCaseSlaDue: SupportCaseSlaDueJob,
    private readonly photoSubjects: PhotoSubjects,
  ) {}

  onModuleInit(): void {
    this.machines.register(SupportCaseMachine);
    this.photoSubjects.register('case', SupportCaseAccess);
    this.jobs.register(OpenSupportCase, (p, ctx) => this.openSupportCase.run(p, ctx));
    this.jobs.register(SupportCaseSlaDue, (p, ctx) => this.supportCaseSlaDue.run(p, ctx));
  }
}
