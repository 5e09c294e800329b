import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { RefurbishmentRequested } from '../core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { StateMachineRegistry } from '../core/state-machine/state-machine.registry.js';
import { ValuationModule } from '../valuation/valuation.module.js';
import { RefurbishmentOrder, RefurbishmentPart } from './data/refurbishment.entities.js';
import { RefurbishmentOrderRepository } from './data/refurbishment-order.repository.js';
import { RefurbishmentMachine } from './domain/refurbishment.machine.js';
import { PartnerRepairs } from './partner-repairs.service.js';
import { RefurbishmentDecisions } from './refurbishment-decisions.service.js';
import { RefurbishmentOpening } from './refurbishment-opening.service.js';
import { RefurbishmentService } from './refurbishment.service.js';
import { RefurbishmentRequestedJob } from './handlers/refurbishment-requested.job.js';
import { RefurbishmentsController } from './api/refurbishments.controller.js';

/** Stage: refurbishment of *good* items by partners, with QC by the warehouse (spec §1, §3). */
@Module({
  imports: [
    CatalogModule,
    ValuationModule,
    TypeOrmModule.forFeature([RefurbishmentOrder, RefurbishmentPart]),
  ],
  controllers: [RefurbishmentsController],
  providers: [
    RefurbishmentOrderRepository,
    RefurbishmentService,
    RefurbishmentOpening,
    PartnerRepairs,
    RefurbishmentDecisions,
    RefurbishmentRequestedJob,
  ],
})
export class RefurbishmentModule implements OnModuleInit {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly refurbishmentRequested: RefurbishmentRequestedJob,
  ) {}

  onModuleInit(): void {
    this.machines.register(RefurbishmentMachine);
    this.jobs.register(RefurbishmentRequested, (p, ctx) => this.refurbishmentRequested.run(p, ctx));
  }
}
