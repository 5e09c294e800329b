import {
  Body,
  Controller,
  Get,
  Injectable,
  Param,
  Patch,
  Post,
  type PipeTransform,
  Query,
} from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Length } from 'class-validator';
import { CurrentActor, Public, Roles, SignedIn } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import { NotFound } from '../../core/errors.js';
import { validateVin } from '../domain/vin.js';
import { PaperworkService } from '../paperwork.service.js';
import { VehicleFactsService } from '../vehicle-facts.service.js';
import {
  ConsentDto,
  FlaggedQuery,
  ImportDealerRecordsDto,
  MileageReadingDto,
  OpenPaperworkDto,
  PaperworkActionDto,
  PaperworkQuery,
  RecordTransferDto,
  RegistrationDto,
} from './vehicles.dto.js';
import { badField, VehiclesService } from '../vehicles.service.js';
import { VehicleQuotesService } from '../vehicle-quotes.service.js';
import { Action, IdParam } from '../../core/http/route.decorators.js';

/** A VIN in the path: normalised, and 400 naming `vin` when it is not a valid VIN. */
@Injectable()
export class VinPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    const v = validateVin(String(value));
    if (!v.valid) throw badField('vin', v.error ?? 'is not a valid VIN');
    return v.vin;
  }
}

class CheckQuery {
  @ApiPropertyOptional({ description: 'First registration, to settle the model year' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Length(10, 10)
  registeredOn?: string;
}

@ApiTags('vehicles')
@Controller('vehicles')
export class VehiclesController {
  constructor(
    private readonly vehicles: VehiclesService,
    private readonly quotes: VehicleQuotesService,
    private readonly facts: VehicleFactsService,
  ) {}

  /** Validates and decodes a VIN (ISO 3779, check digit, region, model year). */
  @Get('check/:vin')
  @Public()
  check(@Param('vin') vin: string, @Query() q: CheckQuery) {
    return this.vehicles.check(vin, q.registeredOn);
  }

  /** Support's queue: cars whose mileage history is flagged. */
  @Get('flagged')
  @Roles('support', 'admin', 'warehouse')
  async flagged(@CurrentActor() actor: Actor, @Query() q: FlaggedQuery) {
    return this.vehicles.flagged(actor, q);
  }

  /** The car an item is (for the grader's console, which knows the item). */
  @Get('by-item/:itemId')
  @SignedIn()
  byItem(@CurrentActor() actor: Actor, @IdParam('itemId') itemId: string) {
    return this.vehicles.getByItem(actor, itemId);
  }

  /** Identity, registration, mileage readings with their trust, the flag with its evidence, condition. */
  @Get(':vin')
  @SignedIn()
  get(@CurrentActor() actor: Actor, @Param('vin', VinPipe) vin: string) {
    return this.vehicles.get(actor, vin);
  }

  /** What a buyer may see (no personal data): model year, region, mileage flag, level and accident grade. */
  @Get(':vin/summary')
  @Public()
  async summary(@Param('vin', VinPipe) vin: string) {
    const s = await this.facts.summaryByVin(vin);
    if (!s) throw new NotFound('Vehicle', vin);
    return s;
  }

  @Patch(':vin')
  @Roles('customer', 'warehouse', 'support', 'admin')
  register(
    @CurrentActor() actor: Actor,
    @Param('vin', VinPipe) vin: string,
    @Body() dto: RegistrationDto,
  ) {
    return this.vehicles.setRegistration(actor, vin, dto);
  }

  @Post(':vin/mileage-readings')
  @Roles('customer', 'warehouse', 'support', 'admin')
  addReading(
    @CurrentActor() actor: Actor,
    @Param('vin', VinPipe) vin: string,
    @Body() dto: MileageReadingDto,
  ) {
    return this.vehicles.addReading(actor, vin, dto);
  }

  /** The owner records consent to fetch dealer service records (required before an import). */
  @Post(':vin/consents')
  @Roles('customer')
  consent(
    @CurrentActor() actor: Actor,
    @Param('vin', VinPipe) vin: string,
    @Body() dto: ConsentDto,
  ) {
    return this.vehicles.grantConsent(actor, vin, dto);
  }

  @Action(':vin/consents/:id/revoke', 'customer', 'admin')
  revoke(@CurrentActor() actor: Actor, @Param('vin', VinPipe) vin: string, @IdParam() id: string) {
    return this.vehicles.revokeConsent(actor, vin, id);
  }

  /** Imports dealer service records (CSV or JSON) under the owner's consent; 409 without it. */
  @Post(':vin/maintenance-records')
  @Roles('admin')
  importRecords(
    @CurrentActor() actor: Actor,
    @Param('vin', VinPipe) vin: string,
    @Body() dto: ImportDealerRecordsDto,
  ) {
    return this.vehicles.importDealerRecords(actor, vin, dto);
  }

  /** A quote for the car with a line per factor; a mileage flag lowers the confidence. */
  @Get(':vin/valuation')
  @Roles('warehouse', 'support', 'admin')
  valuation(@CurrentActor() actor: Actor, @Param('vin', VinPipe) vin: string) {
    return this.quotes.quote(actor, vin);
  }
}

@ApiTags('vehicles')
@Controller('vehicle-paperwork')
export class PaperworkController {
  constructor(private readonly paperwork: PaperworkService) {}

  @Get()
  @SignedIn()
  list(@CurrentActor() actor: Actor, @Query() q: PaperworkQuery) {
    return this.paperwork.list(actor, q);
  }

  @Get(':id')
  @SignedIn()
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.paperwork.get(actor, id);
  }

  /** Opens the transfer, registration and insurance tasks of a car sale (idempotent). */
  @Post()
  @Roles('merchant', 'admin')
  open(@CurrentActor() actor: Actor, @Body() dto: OpenPaperworkDto) {
    return this.paperwork.openByHand(actor, dto);
  }

  @Action(':id/complete', 'merchant', 'admin')
  complete(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: PaperworkActionDto) {
    return this.paperwork.act(actor, id, 'complete', dto);
  }

  /**
   * The ownership transfer, recorded by the platform's staff (not the merchant) with the
   * registration authority's document number and a scan reference.
   */
  @Action(':id/record-transfer', 'admin', 'warehouse')
  recordTransfer(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() dto: RecordTransferDto,
  ) {
    return this.paperwork.recordTransfer(actor, id, dto);
  }

  @Action(':id/block', 'merchant', 'admin', 'warehouse')
  block(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: PaperworkActionDto) {
    return this.paperwork.act(actor, id, 'block', dto);
  }

  @Action(':id/unblock', 'merchant', 'admin', 'warehouse')
  unblock(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: PaperworkActionDto) {
    return this.paperwork.act(actor, id, 'unblock', dto);
  }
}
