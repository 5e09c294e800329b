import { Inject, Module, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import {
  CancelPickup,
  CheckPickupSla,
  DispatchPickups,
  SchedulePickup,
} from '../core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { QueueService } from '../core/jobs/queue.service.js';
import { StateMachineRegistry } from '../core/state-machine/state-machine.registry.js';
import { ServiceAreasModule } from '../service-areas/service-areas.module.js';
import { PhotosModule } from '../photos/photos.module.js';
import { PhotoSubjects } from '../photos/photo-subjects.js';
import { LogisticsClock } from './clock.js';
import { CourierArea, CourierProfile } from './data/courier.entity.js';
import { CourierDayService } from './courier-day.service.js';
import { PickupWindowsModule } from './pickup-windows.module.js';
import { DispatchBoardService } from './dispatch-board.service.js';
import { DispatchService } from './dispatch.service.js';
import { PickupBookings } from './data/pickup-bookings.js';
import { CourierRepository } from './data/courier.repository.js';
import { PickupRepository } from './data/pickup.repository.js';
import { Pickup } from './data/pickup.entity.js';
import { PickupMachine, PickupAccess } from './domain/pickup.machine.js';
import { CouriersController, PickupsController } from './api/pickups.controller.js';
import { PickupLoadService } from './pickup-load.service.js';
import { PickupsService } from './pickups.service.js';
import { PickupSchedulingService } from './pickup-scheduling.service.js';
import { CourierWorkService } from './courier-work.service.js';
import { StoreConsolidationService } from './store-consolidation.service.js';
import { CancelPickupJob } from './handlers/cancel-pickup.job.js';
import { CheckPickupSlaJob } from './handlers/check-pickup-sla.job.js';
import { DispatchPickupsJob } from './handlers/dispatch-pickups.job.js';
import { SchedulePickupJob } from './handlers/schedule-pickup.job.js';

/** How often the repeating dispatch run sweeps every area (scheduling also kicks one). */
export const DISPATCH_EVERY_MS = 60_000;

/** Reverse logistics: pickups, dispatch, couriers, store drop-off. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Pickup, CourierProfile, CourierArea]),
    ServiceAreasModule,
    PhotosModule,
    PickupWindowsModule,
  ],
  controllers: [PickupsController, CouriersController],
  providers: [
    PickupsService,
    PickupSchedulingService,
    CourierWorkService,
    StoreConsolidationService,
    DispatchService,
    PickupBookings,
    PickupRepository,
    CourierRepository,
    LogisticsClock,
    PickupLoadService,
    DispatchBoardService,
    CourierDayService,
    SchedulePickupJob,
    CancelPickupJob,
    DispatchPickupsJob,
    CheckPickupSlaJob,
  ],
  exports: [PickupsService, DispatchService, LogisticsClock],
})
export class LogisticsModule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly schedulePickup: SchedulePickupJob,
    private readonly cancelPickup: CancelPickupJob,
    private readonly dispatchPickups: DispatchPickupsJob,
    private readonly checkPickupSla: CheckPickupSlaJob,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly photoSubjects: PhotoSubjects,
  ) {}

  onModuleInit(): void {
    this.machines.register(PickupMachine);
    this.jobs.register(SchedulePickup, (p, ctx) => this.schedulePickup.run(p, ctx));
    this.jobs.register(CancelPickup, (p, ctx) => this.cancelPickup.run(p, ctx));
    this.jobs.register(DispatchPickups, (p, ctx) => this.dispatchPickups.run(p, ctx));
    this.jobs.register(CheckPickupSla, (p, ctx) => this.checkPickupSla.run(p, ctx));
    this.photoSubjects.register('pickup', PickupAccess);
  }

  /** The repeating sweep (a BullMQ job scheduler: one per Redis prefix, however many workers). */
  onApplicationBootstrap(): void {
    // Tests kick dispatch explicitly; a scheduler would outlive each test's private prefix.
    if (this.config.env === 'test') return;
    // Not awaited: a Redis outage at boot must not hold the platform up (the kicks still work).
    void this.queues.scheduleRepeatable(
      DispatchPickups,
      'dispatch-pickups-sweep',
      { every: DISPATCH_EVERY_MS },
      { cityCode: null },
      'The dispatch sweep',
    );
  }
}
