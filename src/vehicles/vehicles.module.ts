import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CheckVehicleMileage, OpenVehiclePaperwork } from '../core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { StateMachineRegistry } from '../core/state-machine/state-machine.registry.js';
import { ValuationModule } from '../valuation/valuation.module.js';
import { PaperworkTaskMachine } from './domain/paperwork.machine.js';
import { PaperworkService } from './paperwork.service.js';
import { VehicleFactsModule } from './vehicle-facts.module.js';
import {
  MileageReadingRow,
  PaperworkTask,
  RecordConsent,
  Vehicle,
} from './data/vehicle.entities.js';
import { PaperworkController, VehiclesController } from './api/vehicles.controller.js';
import { VehiclesService } from './vehicles.service.js';
import { MileageHistoryService } from './mileage-history.service.js';
import { VehicleQuotesService } from './vehicle-quotes.service.js';
import { OpenVehiclePaperworkJob } from './handlers/open-vehicle-paperwork.job.js';
import { CheckVehicleMileageJob } from './handlers/check-vehicle-mileage.job.js';
import { PaperworkRepository } from './data/paperwork.repository.js';
import { VehicleRepository } from './data/vehicle.repository.js';

/**
 * Used vehicles (issue 14): VIN identity and registration, mileage history with consented
 * dealer records and rollback detection, vehicle quotes, and a car sale's paperwork tasks.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Vehicle, MileageReadingRow, RecordConsent, PaperworkTask]),
    VehicleFactsModule,
    ValuationModule,
  ],
  controllers: [VehiclesController, PaperworkController],
  providers: [
    VehicleRepository,
    PaperworkRepository,
    VehiclesService,
    MileageHistoryService,
    VehicleQuotesService,
    PaperworkService,
    OpenVehiclePaperworkJob,
    CheckVehicleMileageJob,
  ],
})
export class VehiclesModule implements OnModuleInit {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly openVehiclePaperwork: OpenVehiclePaperworkJob,
    private readonly checkVehicleMileage: CheckVehicleMileageJob,
  ) {}

  onModuleInit(): void {
    this.machines.register(PaperworkTaskMachine);
    this.jobs.register(OpenVehiclePaperwork, (p, ctx) => this.openVehiclePaperwork.run(p, ctx));
    this.jobs.register(CheckVehicleMileage, (p, ctx) => this.checkVehicleMileage.run(p, ctx));
  }
}
