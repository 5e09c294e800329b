import { Body, Controller, Get, Header, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import {
  CalibrationReportQuery,
  CalibrationSettingsDto,
  CalibrationTaskQuery,
  CompleteCalibrationDto,
} from './calibration.dto.js';
import { CalibrationService } from '../calibration.service.js';
import { GradingSettingsService } from '../grading-settings.service.js';
import {
  CompleteInspectionDto,
  ConfirmDto,
  InspectionQuery,
  PreviewDto,
  ReinspectDto,
} from './inspections.dto.js';
import { InspectionQueueService } from '../inspection-queue.service.js';
import { InspectionsService } from '../inspections.service.js';
import { ParcelsService } from '../parcels.service.js';
import {
  LabelsDto,
  ParcelQuery,
  ReceiveParcelDto,
  ReceivingExceptionQuery,
  ScanDto,
} from './receiving.dto.js';
import { ReceivingService } from '../receiving.service.js';
import { VersionDto } from '../../core/http/version.dto.js';
import { Action, IdParam } from '../../core/http/route.decorators.js';

@ApiTags('receiving')
@Controller('receiving')
export class ReceivingController {
  // The field names keep the OpenAPI schema names the console's client is generated from
  // (ReceivingList, ReceivingGet, ReceivingListExceptions): `receiving` holds the reads.
  constructor(
    private readonly receiving: ParcelsService,
    private readonly receipts: ReceivingService,
  ) {}

  /** A keyboard-wedge scan of a seal number or a trace code. */
  @Action('scan', 'warehouse')
  scan(@CurrentActor() actor: Actor, @Body() dto: ScanDto) {
    return this.receipts.scan(actor, dto.code);
  }

  /**
   * Trace-code QR labels as one PDF for a thermal printer (one label per page, 50x30 mm by
   * default): a parcel's items and/or chosen items of this warehouse. Prints; creates nothing.
   */
  @Action('labels', 'warehouse', 'admin')
  @Header('Content-Type', 'application/pdf')
  labels(
    @CurrentActor() actor: Actor,
    @Body() dto: LabelsDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    void reply.header('Content-Disposition', 'inline; filename="labels.pdf"');
    return this.receiving.labels(actor, dto);
  }

  @Get('parcels')
  @Roles('warehouse', 'support', 'admin')
  listParcels(@CurrentActor() actor: Actor, @Query() query: ParcelQuery) {
    return this.receiving.list(actor, query);
  }

  @Get('parcels/:id')
  @Roles('warehouse', 'support', 'admin')
  getParcel(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.receiving.get(actor, id);
  }

  @Action('parcels/:id/receive', 'warehouse', 'admin')
  receive(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: ReceiveParcelDto) {
    return this.receipts.receive(actor, id, dto);
  }

  @Get('exceptions')
  @Roles('warehouse', 'support', 'admin')
  exceptions(@CurrentActor() actor: Actor, @Query() query: ReceivingExceptionQuery) {
    return this.receiving.listExceptions(actor, query);
  }
}

@ApiTags('inspections')
@Controller('inspections')
export class InspectionsController {
  // The field names keep the OpenAPI schema names the console's client is generated from
  // (InspectionsList, InspectionsGet): `inspections` holds the reads.
  constructor(
    private readonly inspections: InspectionQueueService,
    private readonly grading: InspectionsService,
  ) {}

  /** The queue: `?state=PENDING` lists the items waiting in the grader's warehouse. */
  @Get()
  @Roles('warehouse', 'support', 'admin')
  list(@CurrentActor() actor: Actor, @Query() query: InspectionQuery) {
    return this.inspections.list(actor, query);
  }

  @Get(':id')
  @Roles('warehouse', 'support', 'admin')
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.inspections.get(actor, id);
  }

  @Action(':id/claim', 'warehouse')
  claim(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: VersionDto) {
    return this.grading.claim(actor, id, dto.version);
  }

  @Action(':id/release', 'warehouse', 'admin')
  release(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: VersionDto) {
    return this.grading.release(actor, id, dto.version);
  }

  /** Grade and reasons for the answers, saving nothing. */
  @Action(':id/preview', 'warehouse', 'admin')
  preview(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: PreviewDto) {
    return this.grading.preview(actor, id, dto.answers, dto.partial === true);
  }

  @Action(':id/complete', 'warehouse')
  complete(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() dto: CompleteInspectionDto,
  ) {
    return this.grading.complete(actor, id, dto);
  }

  /** The fairness guard: a second grader of the warehouse confirms the parked grade. */
  @Action(':id/confirm', 'warehouse')
  confirm(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: ConfirmDto) {
    return this.grading.confirm(actor, id, dto);
  }

  /** Supersedes the finished report with a new inspection (the old report stays as it was). */
  @Post(':id/reinspect')
  @Roles('warehouse', 'admin')
  reinspect(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: ReinspectDto) {
    return this.grading.reinspect(actor, id, dto);
  }
}

@ApiTags('grading')
@Controller('grading/calibration')
export class CalibrationController {
  constructor(
    private readonly calibration: CalibrationService,
    private readonly settings: GradingSettingsService,
  ) {}

  /** Agreement (Cohen's kappa) overall, per grader and per category. */
  @Get()
  @Roles('admin')
  report(@Query() query: CalibrationReportQuery) {
    return this.calibration.report(query);
  }

  @Put('settings')
  @Roles('admin')
  async setSettings(@Body() dto: CalibrationSettingsDto) {
    await this.settings.setCalibrationRate(dto.rate);
    return { rate: await this.settings.calibrationRate() };
  }

  /** Blind tasks: never shows the first grade; a grader does not see tasks for their own items. */
  @Get('tasks')
  @Roles('warehouse', 'support', 'admin')
  tasks(@CurrentActor() actor: Actor, @Query() query: CalibrationTaskQuery) {
    return this.calibration.list(actor, query);
  }

  @Get('tasks/:id')
  @Roles('warehouse', 'support', 'admin')
  task(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.calibration.get(actor, id);
  }

  @Action('tasks/:id/complete', 'warehouse')
  completeTask(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() dto: CompleteCalibrationDto,
  ) {
    return this.calibration.complete(actor, id, dto);
  }
}
