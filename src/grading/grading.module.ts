import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { PhotosModule } from '../photos/photos.module.js';
import { PhotoSubjects } from '../photos/photo-subjects.js';
import {
  DisposeItem,
  ParcelDelivered,
  SecondGradingRequested,
} from '../core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { StateMachineRegistry } from '../core/state-machine/state-machine.registry.js';
import { CalibrationTask } from './data/calibration-task.entity.js';
import { CalibrationTaskRepository } from './data/calibration-task.repository.js';
import { GradingSettingsRepository } from './data/grading-settings.repository.js';
import { InspectionRepository } from './data/inspection.repository.js';
import { ParcelRepository } from './data/parcel.repository.js';
import { CalibrationTaskMachine } from './domain/calibration-task.machine.js';
import { CalibrationService } from './calibration.service.js';
import {
  CalibrationController,
  InspectionsController,
  ReceivingController,
} from './api/grading.controller.js';
import { GradingSettingsService } from './grading-settings.service.js';
import { Inspection } from './data/inspection.entity.js';
import { InspectionMachine } from './domain/inspection.machine.js';
import { InspectionReportsModule } from './inspection-reports.js';
import { DispositionService } from './disposition.service.js';
import { InspectionQueueService } from './inspection-queue.service.js';
import { InspectionsService } from './inspections.service.js';
import { ParcelsService } from './parcels.service.js';
import { Parcel } from './data/parcel.entity.js';
import { ParcelMachine } from './domain/parcel.machine.js';
import { ReceivingException } from './data/receiving-exception.entity.js';
import { ReceivingService } from './receiving.service.js';
import { InspectionAccess } from './domain/access.js';
import { DisposeItemJob } from './handlers/dispose-item.job.js';
import { ParcelDeliveredJob } from './handlers/parcel-delivered.job.js';
import { SecondGradingRequestedJob } from './handlers/second-grading-requested.job.js';

/** Stage: receiving, inspection and grading, the fairness guard, calibration, disposition. */
@Module({
  imports: [
    CatalogModule,
    PhotosModule,
    InspectionReportsModule,
    TypeOrmModule.forFeature([Parcel, ReceivingException, Inspection, CalibrationTask]),
  ],
  controllers: [ReceivingController, InspectionsController, CalibrationController],
  providers: [
    ParcelRepository,
    InspectionRepository,
    CalibrationTaskRepository,
    GradingSettingsRepository,
    ParcelsService,
    ReceivingService,
    InspectionQueueService,
    InspectionsService,
    DispositionService,
    CalibrationService,
    GradingSettingsService,
    ParcelDeliveredJob,
    SecondGradingRequestedJob,
    DisposeItemJob,
  ],
})
export class GradingModule implements OnModuleInit {
  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly parcelDelivered: ParcelDeliveredJob,
    private readonly secondGradingRequested: SecondGradingRequestedJob,
    private readonly disposeItem: DisposeItemJob,
    private readonly photoSubjects: PhotoSubjects,
  ) {}

  onModuleInit(): void {
    this.machines.register(ParcelMachine, InspectionMachine, CalibrationTaskMachine);
    this.jobs.register(ParcelDelivered, (p, ctx) => this.parcelDelivered.run(p, ctx));
    this.jobs.register(SecondGradingRequested, (p, ctx) => this.secondGradingRequested.run(p, ctx));
    this.jobs.register(DisposeItem, (p, ctx) => this.disposeItem.run(p, ctx));
    this.photoSubjects.register('inspection', InspectionAccess);
  }
}
