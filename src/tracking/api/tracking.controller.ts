import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  CurrentActor,
  OptionalActor,
  Public,
  Roles,
  SignedIn,
} from '../../core/http/access.decorators.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { Actor } from '../../core/actor.js';
import { labelPng, labelSvg } from './label.js';
import { PassportService } from '../passport.service.js';
import { SearchService } from '../search.service.js';
import { TimelineService } from '../timeline.service.js';
import { SearchQuery, TimelineQuery } from './tracking.dto.js';
import { IdParam } from '../../core/http/route.decorators.js';

@ApiTags('tracking')
@Controller()
export class TrackingController {
  constructor(
    private readonly timelines: TimelineService,
    private readonly passports: PassportService,
    private readonly searches: SearchService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Every event of the item across all stages, in order. */
  @Get('items/:id/timeline')
  @SignedIn()
  itemTimeline(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.timelines.itemTimeline(actor, id);
  }

  /** Who held the item, when (derived from its history). */
  @Get('items/:id/custody')
  @SignedIn()
  custody(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.timelines.custody(actor, id);
  }

  /** The timeline of an order (or pickup, lot...): all events of the items it touched. */
  @Get('timeline')
  @SignedIn()
  entityTimeline(@CurrentActor() actor: Actor, @Query() q: TimelineQuery) {
    return this.timelines.entityTimeline(actor, q.entityId);
  }

  @Get('support/search')
  @Roles('support', 'admin')
  search(@Query() q: SearchQuery) {
    return this.searches.search(q.q);
  }

  /** The public item passport: no personal data. */
  @Get('trace/:traceCode')
  @Public()
  passport(@OptionalActor() caller: Actor | null, @Param('traceCode') traceCode: string) {
    return this.passports.passport(traceCode, caller);
  }

  /**
   * The passport as a signed W3C Verifiable Credential (a snapshot as of now): check it offline
   * with `reloop-verify`, its history against a checkpoint with `--checkpoint`.
   */
  @Get('trace/:traceCode/credential')
  @Public()
  passportCredential(@Param('traceCode') traceCode: string): Promise<Record<string, unknown>> {
    return this.passports.passportCredential(traceCode);
  }

  @Get('trace/:traceCode/label.svg')
  @Public()
  @ApiProduces('image/svg+xml')
  async labelSvg(
    @Param('traceCode') traceCode: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const item = await this.passports.item(traceCode);
    void reply.header('content-type', 'image/svg+xml; charset=utf-8');
    return labelSvg(this.passportUrl(item.trace_code), item.trace_code);
  }

  @Get('trace/:traceCode/label.png')
  @Public()
  @ApiProduces('image/png')
  async labelPng(
    @Param('traceCode') traceCode: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const item = await this.passports.item(traceCode);
    void reply.header('content-type', 'image/png');
    return labelPng(this.passportUrl(item.trace_code));
  }

  private passportUrl(traceCode: string): string {
    return `${this.config.publicBaseUrl}/t/${traceCode}`; // the console's passport page
  }
}
