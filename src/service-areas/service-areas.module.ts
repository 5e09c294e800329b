import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DropOffStoresController, ServiceAreasController } from './service-areas.controller.js';
import { ServiceAreasService } from './service-areas.service.js';
import {
  DropOffStoreRecord,
  ServiceAreaDistrict,
  ServiceAreaRecord,
} from './data/service-area.entity.js';
import { DropOffStoreRepository } from './data/drop-off-store.repository.js';
import { ServiceAreaRepository } from './data/service-area.repository.js';

/** Reference module: service areas and drop-off stores, consulted read-only by the stages. */
@Module({
  imports: [TypeOrmModule.forFeature([ServiceAreaRecord, ServiceAreaDistrict, DropOffStoreRecord])],
  controllers: [ServiceAreasController, DropOffStoresController],
  providers: [ServiceAreaRepository, DropOffStoreRepository, ServiceAreasService],
  exports: [ServiceAreasService],
})
export class ServiceAreasModule {}
