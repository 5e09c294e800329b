import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles, SignedIn } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import {
  AssignRefurbishmentDto,
  DeclareUnrepairableDto,
  FinishRepairDto,
  OpenRefurbishmentDto,
  PartTraceQuery,
  PerformanceQuery,
  QcDto,
  RecordPartDto,
  RefurbishmentFilter,
  StartRepairDto,
} from './refurbishment.dto.js';
import { PartnerRepairs } from '../partner-repairs.service.js';
import { RefurbishmentDecisions } from '../refurbishment-decisions.service.js';
import { RefurbishmentOpening } from '../refurbishment-opening.service.js';
import { RefurbishmentService } from '../refurbishment.service.js';
import { Action, IdParam } from '../../core/http/route.decorators.js';

@ApiTags('refurbishments')
@Controller('refurbishments')
export class RefurbishmentsController {
  constructor(
    // The reads keep the field name `refurbishments`: the OpenAPI components RefurbishmentsGet
    // and RefurbishmentsList are named after it.
    private readonly refurbishments: RefurbishmentService,
    private readonly opening: RefurbishmentOpening,
    private readonly repairs: PartnerRepairs,
    private readonly decisions: RefurbishmentDecisions,
  ) {}

  /** Technicians see their partner's orders, warehouse staff their warehouse's; admin all. */
  @Get()
  @SignedIn()
  list(@CurrentActor() actor: Actor, @Query() filter: RefurbishmentFilter) {
    return this.refurbishments.list(actor, filter);
  }

  /** Turnaround, outcomes and QC pass rate per partner. */
  @Get('partners/performance')
  @Roles('admin', 'support', 'warehouse', 'technician')
  performance(@CurrentActor() actor: Actor, @Query() query: PerformanceQuery) {
    return this.refurbishments.performance(actor, query.partnerId);
  }

  /** Which unit a part serial went into or came out of. */
  @Get('parts')
  @Roles('admin', 'support', 'warehouse', 'technician')
  traceSerial(@CurrentActor() actor: Actor, @Query() query: PartTraceQuery) {
    return this.refurbishments.traceSerial(actor, query.serial);
  }

  @Get(':id')
  @SignedIn()
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.refurbishments.get(actor, id);
  }

  /** Opens a repair by hand for a graded item of the warehouse (the job opens most of them). */
  @Post()
  @Roles('warehouse', 'admin')
  open(@CurrentActor() actor: Actor, @Body() dto: OpenRefurbishmentDto) {
    return this.opening.openByHand(actor, dto);
  }

  @Action(':id/assign', 'warehouse', 'admin')
  assign(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: AssignRefurbishmentDto) {
    return this.decisions.assign(actor, id, dto);
  }

  @Action(':id/start-repair', 'technician', 'admin')
  startRepair(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: StartRepairDto) {
    return this.repairs.startRepair(actor, id, dto);
  }

  @Post(':id/parts')
  @Roles('technician', 'admin')
  recordPart(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: RecordPartDto) {
    return this.repairs.recordPart(actor, id, dto);
  }

  @Action(':id/finish-repair', 'technician', 'admin')
  finishRepair(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: FinishRepairDto) {
    return this.repairs.finishRepair(actor, id, dto);
  }

  @Action(':id/declare-unrepairable', 'technician', 'admin')
  declareUnrepairable(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() dto: DeclareUnrepairableDto,
  ) {
    return this.repairs.declareUnrepairable(actor, id, dto);
  }

  /** QC re-inspection; the grade decides `pass-qc` (DONE) or `fail-qc` (UNREPAIRABLE). */
  @Action(':id/qc', 'warehouse', 'admin')
  qc(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: QcDto) {
    return this.decisions.qc(actor, id, dto);
  }
}
