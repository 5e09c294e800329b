import { Module } from '@nestjs/common';
import { VehicleFactsService } from './vehicle-facts.service.js';

/**
 * The read-only face of vehicles (a reference module, like catalog): other modules ask it for a
 * car's public summary and mileage flag, and whether a car sale's transfer is done. It depends
 * on nothing but the database, so any stage may import it without importing the vehicles stage.
 */
@Module({
  providers: [VehicleFactsService],
  exports: [VehicleFactsService],
})
export class VehicleFactsModule {}
