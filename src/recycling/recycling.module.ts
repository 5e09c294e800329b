import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { RecyclingRequested } from '../core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { StateMachineRegistry } from '../core/state-machine/state-machine.registry.js';
import { MoneyModule } from '../money/money.module.js';
import { RecyclingLotsController } from './recycling-lots.controller.js';
import { RecyclingLotMachine } from './recycling-lot.machine.js';
import { RecyclingLot, RecyclingLotItem } from './data/recycling.entities.js';
import { RecyclingLotRepository } from './data/recycling-lot.repository.js';
import { RecyclingService } from './recycling.service.js';

/** Stage: recycling lots of scrap items, handed to recyclers and settled (spec §1, §3). */
@Module({
  imports: [CatalogModule, MoneyModule, TypeOrmModule.forFeature([RecyclingLot, RecyclingLotItem])],
  controllers: [RecyclingLotsController],
  providers: [RecyclingLotRepository, RecyclingService],
})
export class RecyclingModule implements OnModuleInit {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly recycling: RecyclingService,
  ) {}

  onModuleInit(): void {
    this.machines.register(RecyclingLotMachine);
    this.jobs.register(RecyclingRequested, (payload) =>
      this.recycling.onRecyclingRequested(payload),
    );
  }
}
