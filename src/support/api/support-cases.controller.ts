import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import { SupportCasesService } from '../support-cases.service.js';
import {
  AddNoteDto,
  AssignCaseDto,
  CaseListQuery,
  OpenCaseDto,
  ReopenCaseDto,
  ResolveCaseDto,
} from './support.dto.js';
import { VersionDto } from '../../core/http/version.dto.js';
import { AttachPhotosDto } from '../../photos/api/photos.dto.js';
import { Action, IdParam } from '../../core/http/route.decorators.js';

/**
 * Support cases. Staff (support, admin) work every case; a customer opens cases about their
 * own items and follows them, without internal notes.
 */
@ApiTags('support')
@Controller('support/cases')
export class SupportCasesController {
  constructor(private readonly cases: SupportCasesService) {}

  @Post()
  @Roles('support', 'admin', 'customer')
  open(@CurrentActor() actor: Actor, @Body() dto: OpenCaseDto) {
    return this.cases.openByHand(actor, dto);
  }

  @Get()
  @Roles('support', 'admin', 'customer')
  list(@CurrentActor() actor: Actor, @Query() q: CaseListQuery) {
    return this.cases.list(actor, q);
  }

  @Get(':id')
  @Roles('support', 'admin', 'customer')
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.cases.read(actor, id);
  }

  @Action(':id/assign', 'support', 'admin')
  assign(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: AssignCaseDto) {
    return this.cases.assign(actor, id, dto);
  }

  @Action(':id/resolve', 'support', 'admin')
  resolve(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: ResolveCaseDto) {
    return this.cases.resolve(actor, id, dto);
  }

  @Action(':id/reopen', 'support', 'admin', 'customer')
  reopen(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: ReopenCaseDto) {
    return this.cases.reopen(actor, id, dto);
  }

  @Action(':id/close', 'support', 'admin', 'customer')
  close(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: VersionDto) {
    return this.cases.close(actor, id, dto.version);
  }

  @Post(':id/notes')
  @Roles('support', 'admin', 'customer')
  note(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: AddNoteDto) {
    return this.cases.addNote(actor, id, dto);
  }

  /** Adds uploaded photos (POST /photos?purpose=case) to the case. */
  @Action(':id/photos', 'support', 'admin', 'customer')
  attachPhotos(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: AttachPhotosDto) {
    return this.cases.attachPhotos(actor, id, dto.photoIds);
  }
}
