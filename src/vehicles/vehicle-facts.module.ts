import { Global, Module } from '@nestjs/common';
import { VEHICLE_FACTS } from '../core/read-models/vehicle-facts.js';
import { VehicleRepository } from './data/vehicle.repository.js';
import { VehicleFactsService } from './vehicle-facts.service.js';

/**
 * Publishes the vehicles stage's read model (VehicleFacts, a port in core) to every module:
 * other stages inject VEHICLE_FACTS and never import the vehicles stage. Global, so that they do
 * not import this module either; VehiclesModule imports it once.
 */
@Global()
@Module({
  providers: [
    VehicleRepository,
    VehicleFactsService,
    { provide: VEHICLE_FACTS, useExisting: VehicleFactsService },
  ],
  exports: [VehicleFactsService, VEHICLE_FACTS],
})
export class VehicleFactsModule {}
