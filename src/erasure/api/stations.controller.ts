import {
  applyDecorators,
  Body,
  type CanActivate,
  Controller,
  createParamDecorator,
  type ExecutionContext,
  Get,
  HttpCode,
  Injectable,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentActor, Public, Roles, SignedIn } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import { ErasureActions } from '../erasure-actions.service.js';
import { StationRuns } from '../station-runs.service.js';
import type { Station } from '../data/erasure.entities.js';
import { StationRegistry, stationView } from '../station-registry.js';
import {
  RegisterStationDto,
  RevokeStationDto,
  StationProgressDto,
  StationRefusalDto,
  StationReportDto,
} from './station.dto.js';
import { Action, IdParam } from '../../core/http/route.decorators.js';

type StationRequest = FastifyRequest & { rawBody?: Buffer; station?: Station };

/** Authenticates the signed station request before the body is validated or anything read. */
@Injectable()
export class StationSignatureGuard implements CanActivate {
  constructor(private readonly registry: StationRegistry) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<StationRequest>();
    req.station = await this.registry.authenticate({
      headers: req.headers,
      method: req.method,
      url: req.url,
      rawBody: req.rawBody,
    });
    return true;
  }
}

/**
 * A route a wiping station calls: no user token (so public to the access guard), every request
 * signed with the station's key instead. The OpenAPI generator reads this marker and declares
 * the station signature as the route's security scheme.
 */
const StationSigned = () => applyDecorators(Public(), UseGuards(StationSignatureGuard));

const CurrentStation = createParamDecorator((_: unknown, ctx: ExecutionContext): Station => {
  const station = ctx.switchToHttp().getRequest<StationRequest>().station;
  if (!station) throw new Error('CurrentStation used without StationSignatureGuard');
  return station;
});

/** Admin: register and revoke wiping stations; warehouse staff see their own. */
@ApiTags('stations')
@Controller('stations')
export class StationsController {
  constructor(
    private readonly registry: StationRegistry,
    private readonly actions: ErasureActions,
  ) {}

  @Post()
  @Roles('admin')
  async register(@CurrentActor() actor: Actor, @Body() body: RegisterStationDto) {
    return stationView(await this.registry.register(actor, body));
  }

  @Get()
  @SignedIn()
  async list(@CurrentActor() actor: Actor) {
    return { items: (await this.registry.list(actor)).map(stationView) };
  }

  @Get(':id')
  @SignedIn()
  async get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return stationView(await this.registry.get(actor, id));
  }

  /** Its reports stop being accepted at once; its queued and running wipes are unassigned. */
  @Action(':id/revoke', 'admin')
  async revoke(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() body: RevokeStationDto,
  ) {
    return stationView(await this.actions.revokeStation(actor, id, body.reason));
  }
}

/**
 * The API a wiping station talks to (`node dist/src/main.js station`): no user token, every
 * request signed with the station's key. 401 station_signature_invalid for a missing or wrong
 * signature, 403 station_revoked for a revoked station; nothing is recorded then.
 */
@ApiTags('station')
@ApiHeader({
  name: 'Reloop-Station',
  description: 'The station id',
  required: true,
  schema: { type: 'string', format: 'uuid', maxLength: 36 },
})
@ApiHeader({
  name: 'Reloop-Timestamp',
  description: 'ISO-8601, within 5 minutes',
  required: true,
  schema: { type: 'string', format: 'date-time', maxLength: 40 },
})
@Controller('station')
@StationSigned()
export class StationApiController {
  constructor(private readonly runs: StationRuns) {}

  /** The next wipe for this station, or { job: null }. */
  @Post('claim')
  @HttpCode(200)
  async claim(@CurrentStation() station: Station) {
    return { job: await this.runs.claimForStation(station) };
  }

  @Post('erasures/:id/progress')
  @HttpCode(204)
  async progress(
    @CurrentStation() station: Station,
    @IdParam() id: string,
    @Body() body: StationProgressDto,
  ) {
    await this.runs.stationProgress(station, id, body);
  }

  @Post('erasures/:id/refuse')
  @HttpCode(200)
  async refuse(
    @CurrentStation() station: Station,
    @IdParam() id: string,
    @Body() body: StationRefusalDto,
  ) {
    const e = await this.runs.stationRefusal(station, id, body);
    return { id: e.id, state: e.state, attempt: e.attempt };
  }

  @Post('erasures/:id/report')
  @HttpCode(200)
  async report(
    @CurrentStation() station: Station,
    @IdParam() id: string,
    @Body() body: StationReportDto,
  ) {
    const e = await this.runs.stationReport(station, id, body);
    return { id: e.id, state: e.state, attempt: e.attempt, failureReason: e.failureReason };
  }
}
