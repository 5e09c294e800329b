import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { RecyclingRequested } from '../core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { StateMachineRegistry } from '../core/state-machine/state-machine.registry.js';
import { MoneyModule } from '../money/money.module.js';
import { RecyclingLotsController } from './api/recycling-lots.controller.js';
import { RecyclingLotMachine } from './domain/recycling-lot.machine.js';
import { RecyclingLot, RecyclingLotItem } from './data/recycling.entities.js';
import { RecyclingLotRepository } from './data/recycling-lot.repository.js';
import { RecyclingService } from './recycling.service.js';
import { RecyclingRequestedJob } from './handlers/recycling-requested.job.js';

/** Stage: recycling lots of scrap items, handed to recyclers and settled (spec §1, §3). */
@Module({
  imports: [CatalogModule, MoneyModule, TypeOrmModule.forFeature([RecyclingLot, RecyclingLotItem])],
  controllers: [RecyclingLotsController],
  providers: [RecyclingLotRepository, RecyclingService, RecyclingRequestedJob],
})
export class RecyclingModule implements OnModuleInit {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly recyclingRequested: RecyclingRequestedJob,
  ) {}

  onModuleInit(): void {
    this.machines.register(RecyclingLotMachine);
    this.jobs.register(RecyclingRequested, (p, ctx) => this.recyclingRequested.run(p, ctx));
  }
}
