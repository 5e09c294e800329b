import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Public, Roles, SignedIn } from '../../core/http/access.decorators.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { Actor } from '../../core/actor.js';
import { withActions } from '../../core/http/stateful-view.js';
import type { SignedCertificate } from '../domain/index.js';
import { CertificatesService, signedCertificate } from '../certificates.service.js';
import {
  CertificateListQuery,
  ErasureListQuery,
  ImportReportDto,
  RecordDestructionDto,
  RegisterMediumDto,
  ReverifyDto,
  RouteToDestructionDto,
  SamplingQuery,
  SignedCertificateDto,
  UpdateMediumDto,
} from './erasure.dto.js';
import { CertificateRepository } from '../data/certificate.repository.js';
import type { Certificate, Erasure, StorageMedium } from '../data/erasure.entities.js';
import { ErasureRepository } from '../data/erasure.repository.js';
import { ErasureMachine } from '../domain/erasure.machine.js';
import { ErasureActions } from '../erasure-actions.service.js';
import { ErasureService } from '../erasure.service.js';
import { SamplingService } from '../sampling.service.js';
import { AssignStationDto } from './station.dto.js';
import { Action, IdParam } from '../../core/http/route.decorators.js';

export function mediumView(m: StorageMedium) {
  return {
    id: m.id,
    itemId: m.itemId,
    position: m.position,
    mediaType: m.mediaType,
    interface: m.interface,
    serial: m.serial,
    manufacturer: m.manufacturer,
    model: m.model,
    capacityBytes: m.capacityBytes,
    source: m.source,
  };
}

export function erasureView(e: Erasure, certificate: Certificate | null) {
  return {
    id: e.id,
    itemId: e.itemId,
    mediumId: e.mediumId,
    place: e.place,
    organisationId: e.organisationId,
    operator: { id: e.operatorId, name: e.operatorName },
    policy: e.policy,
    station: e.station,
    stationId: e.stationId,
    device: e.device,
    progress: e.progress,
    attempt: e.attempt,
    maxAttempts: e.maxAttempts,
    plan: e.plan,
    runs: e.runs,
    violations: e.violations,
    failureReason: e.failureReason,
    nextAttemptAt: e.nextAttemptAt,
    destruction: e.destruction,
    batchId: e.batchId,
    sampling: {
      sampled: e.sampled,
      reverifierId: e.reverifierId,
      reverifiedBy: e.reverifiedBy,
      outcome: e.reverificationOutcome,
      at: e.reverifiedAt,
    },
    certificate: certificate
      ? { id: certificate.id, certificateId: certificate.number, revoked: !!certificate.revokedAt }
      : null,
    completedAt: e.completedAt,
    createdAt: e.createdAt,
  };
}

@ApiTags('erasures')
@Controller()
export class ErasureController {
  constructor(
    private readonly erasures: ErasureService,
    private readonly actions: ErasureActions,
    private readonly sampling: SamplingService,
    private readonly certificates: CertificateRepository,
    private readonly erasureRows: ErasureRepository,
  ) {}

  private async view(actor: Actor, e: Erasure) {
    const certificate = await this.certificates.ofErasure(e.id);
    return withActions(ErasureMachine, e, actor, erasureView(e, certificate));
  }

  @Get('erasures')
  @SignedIn()
  async list(@CurrentActor() actor: Actor, @Query() query: ErasureListQuery) {
    const page = await this.erasureRows.page(actor, query);
    return {
      items: await Promise.all(page.items.map((e) => this.view(actor, e))),
      nextCursor: page.nextCursor,
    };
  }

  /** Sampling rate per batch and operator; the target is at least 5 % re-verified. */
  @Get('erasures/sampling')
  @Roles('warehouse', 'support', 'admin')
  samplingReport(@CurrentActor() actor: Actor, @Query() query: SamplingQuery) {
    return this.sampling.report(actor, query);
  }

  @Get('erasures/:id')
  @SignedIn()
  async get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.view(actor, await this.erasures.get(actor, id));
  }

  @Action('erasures/:id/import-report', 'warehouse', 'courier', 'admin')
  async importReport(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() body: ImportReportDto,
  ) {
    return this.view(actor, await this.actions.importReport(actor, id, body));
  }

  /** Put a queued wipe on a registered station, naming the device that holds the medium. */
  @Action('erasures/:id/assign-station', 'warehouse', 'admin')
  async assignStation(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() body: AssignStationDto,
  ) {
    return this.view(actor, await this.actions.assignStation(actor, id, body));
  }

  @Action('erasures/:id/route-to-destruction', 'warehouse', 'admin')
  async routeToDestruction(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() body: RouteToDestructionDto,
  ) {
    return this.view(
      actor,
      await this.actions.routeToDestructionByStaff(actor, id, body.reason, body.version),
    );
  }

  @Action('erasures/:id/record-destruction', 'warehouse', 'admin')
  async recordDestruction(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() body: RecordDestructionDto,
  ) {
    return this.view(actor, await this.actions.recordDestruction(actor, id, body));
  }

  /** Sampling: a second operator re-checks a certified wipe. */
  @Action('erasures/:id/reverify', 'warehouse', 'admin')
  async reverify(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: ReverifyDto) {
    return this.view(actor, await this.actions.reverify(actor, id, body));
  }

  @Get('items/:id/storage-media')
  @SignedIn()
  async media(@CurrentActor() actor: Actor, @IdParam() id: string) {
    const rows = await this.erasures.listMedia(actor, id);
    return {
      items: await Promise.all(
        rows.map(async ({ medium, erasures }) => ({
          ...mediumView(medium),
          erasures: await Promise.all(erasures.map((e) => this.view(actor, e))),
        })),
      ),
    };
  }

  @Post('items/:id/storage-media')
  @Roles('warehouse', 'admin')
  async registerMedium(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() body: RegisterMediumDto,
  ) {
    return mediumView(await this.erasures.registerMedium(actor, id, body));
  }

  @Patch('storage-media/:id')
  @Roles('warehouse', 'admin')
  async updateMedium(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() body: UpdateMediumDto,
  ) {
    return mediumView(await this.erasures.updateMedium(actor, id, body));
  }

  /** Staff start the wipe of an item by hand (receiving and couriers do it through jobs). */
  @Action('items/:id/start-erasure', 'warehouse', 'courier', 'admin')
  async start(@CurrentActor() actor: Actor, @IdParam() id: string) {
    const created = await this.erasures.start(
      {
        itemId: id,
        at: actor.role === 'courier' ? 'on-site' : 'warehouse',
        organisationId: actor.organisationId,
        requestedBy: actor.userId,
      },
      actor,
    );
    return { items: await Promise.all(created.map((e) => this.view(actor, e))) };
  }
}

@ApiTags('certificates')
@Controller('certificates')
export class CertificatesController {
  constructor(
    private readonly certificates: CertificatesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @SignedIn()
  list(@CurrentActor() actor: Actor, @Query() query: CertificateListQuery) {
    return this.certificates.list(actor, query);
  }

  /** Anyone holding a certificate's JSON can check signature and content (no account). */
  @Post('verify')
  @HttpCode(200)
  @Public()
  verify(@Body() body: SignedCertificateDto) {
    return this.certificates.verifyPresented(body as unknown as SignedCertificate);
  }

  /** The signed certificate (JSON), exactly as signed: post it to /certificates/verify. */
  @Get(':id')
  @SignedIn()
  async get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return signedCertificate(await this.certificates.get(actor, id));
  }

  @Get(':id/pdf')
  @SignedIn()
  @Header('Content-Type', 'application/pdf')
  async pdf(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const c = await this.certificates.get(actor, id);
    const verifyUrl = `${this.config.publicBaseUrl}/api/v1/certificates/${c.id}/verify`;
    void reply.header('Content-Disposition', `attachment; filename="${c.number}.pdf"`);
    return this.certificates.pdf(c, verifyUrl);
  }

  /**
   * The certificate as a W3C Verifiable Credential (what the PDF's QR code opens). Anyone may
   * check it offline with `reloop-verify` or any VC 2.0 library; it names people by name and
   * organisation only. 404 for certificates issued before credentials existed.
   */
  @Get(':id/credential')
  @Public()
  async credential(@IdParam() id: string): Promise<Record<string, unknown>> {
    return this.certificates.credential(id);
  }

  @Get(':id/verify')
  @Public()
  verifyStored(@IdParam() id: string) {
    return this.certificates.verifyStored(id);
  }
}
