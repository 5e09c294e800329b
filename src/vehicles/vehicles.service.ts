import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, seesEverything } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { pick } from '../core/pick.js';
import { parseDealerRecords, SOURCE_TRUST } from './domain/mileage.js';
import { decodeVin, parsePlate, validateVin } from './domain/vin.js';
import { publicFlag, VehicleFactsService } from './vehicle-facts.service.js';
import { VehicleAccess } from './domain/vehicle-access.js';
import { type RecordConsent, Vehicle } from './data/vehicle.entities.js';
import { type VehicleItemRow, VehicleRepository } from './data/vehicle.repository.js';
import type {
  ConsentDto,
  ImportDealerRecordsDto,
  MileageReadingDto,
  RegistrationDto,
} from './api/vehicles.dto.js';
import { mapPage, type PageQuery } from '../core/http/pagination.js';
import { asDate, dateOnly, MileageHistoryService } from './mileage-history.service.js';

export function badField(field: string, message: string): BadRequestException {
  return new BadRequestException({
    message: `Invalid input: ${field} ${message}`,
    fields: [{ field, errors: [message] }],
  });
}

/**
 * A car's identity, registration and mileage history as people act on them: the owner's
 * registration and readings, staff's readings, the owner's consent to dealer records and their
 * import, and the reads (one car, a car by item, flagged cars). Readings come from the owner's
 * declaration (on the trade-in), inspections (the odometer the grader read), dealer service
 * records imported with the owner's consent, and earlier listings; each change re-assesses the
 * history (`MileageHistoryService`).
 */
@Injectable()
export class VehiclesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly facts: VehicleFactsService,
    private readonly vehicles: VehicleRepository,
    private readonly history: MileageHistoryService,
  ) {}

  // ---- identity and access --------------------------------------------------------------

  private async itemsOf(m: EntityManager, vin: string): Promise<VehicleItemRow[]> {
    return this.vehicles.itemsOf(m, vin);
  }

  /** The actor owns an item with this VIN (the owner's own actions: registration, consent). */
  private isOwner(actor: Actor, items: VehicleItemRow[]): boolean {
    return actor.userId !== null && items.some((i) => i.owner_id === actor.userId);
  }

  /**
   * 404 unless the actor may see the car under `VehicleAccess` (no vehicle row is created for a
   * stranger: a car not yet a row is checked through the items carrying its VIN).
   */
  async visible(m: EntityManager, actor: Actor, vin: string) {
    const items = await this.itemsOf(m, vin);
    const known = await this.vehicles.known(m, vin);
    if (!known && items.length === 0) throw new NotFound('Vehicle', vin);
    await VehicleAccess.assertVisibleTo(
      m,
      known ?? Object.assign(new Vehicle(), { vin }),
      actor,
      vin,
    );
    const vehicle = known ?? (await this.history.ensure(m, vin));
    return { vehicle, items };
  }

  /** Validation and decoding of a VIN anyone may ask for (the owner's form checks as they type). */
  check(vin: string, registeredOn?: string) {
    const v = validateVin(vin);
    if (!v.valid) return { ...v, decoded: null };
    return {
      ...v,
      decoded: decodeVin(v.vin, { registeredOn: registeredOn ? asDate(registeredOn) : null }),
    };
  }

  async setRegistration(actor: Actor, vin: string, dto: RegistrationDto) {
    return this.dataSource.transaction(async (m) => {
      const { vehicle, items } = await this.visible(m, actor, vin);
      if (!seesEverything(actor) && actor.role !== 'warehouse' && !this.isOwner(actor, items)) {
        throw new NotFound('Vehicle', vin);
      }
      const patch: Partial<Vehicle> = {};
      if (dto.plate !== undefined) {
        const plate = parsePlate(dto.plate);
        if (!plate.valid) throw badField('plate', plate.error ?? 'is not a plate');
        Object.assign(patch, {
          plate: plate.plate,
          province: plate.province,
          registrationCityCode: plate.cityCode,
          registrationCityName: plate.cityName,
        });
      }
      if (dto.firstRegisteredOn !== undefined) {
        const on = asDate(dto.firstRegisteredOn);
        if (Number.isNaN(on.getTime()) || on.getTime() > Date.now()) {
          throw badField('firstRegisteredOn', 'must be a past date');
        }
        // The registration settles the model year's 30-year cycle where position 7 does not.
        const year = decodeVin(vin, { registeredOn: on }).modelYear;
        Object.assign(patch, {
          firstRegisteredOn: dto.firstRegisteredOn,
          modelYear: year.year,
          modelYearResolvedBy: year.resolvedBy,
        });
      }
      if (dto.use !== undefined) patch.use = dto.use;
      if (Object.keys(patch).length > 0) await this.vehicles.update(m, vehicle.id, patch);
      await this.history.refresh(m, vin);
      return this.view(m, actor, vin);
    });
  }

  // ---- mileage ----------------------------------------------------------------------------

  async addReading(actor: Actor, vin: string, dto: MileageReadingDto) {
    return this.dataSource.transaction(async (m) => {
      // An admin may record history of a car not yet seen here (e.g. an earlier listing
      // elsewhere), so a later trade-in is checked against it.
      const { items } =
        actor.role === 'admin'
          ? { items: await this.itemsOf(m, (await this.history.ensure(m, vin)).vin) }
          : await this.visible(m, actor, vin);
      const staff = seesEverything(actor) || actor.role === 'warehouse';
      if (!staff && !(this.isOwner(actor, items) && dto.source === 'owner-declaration')) {
        throw new NotFound('Vehicle', vin);
      }
      // A high-trust reading can flag a car and hold its owner's payout: support records what
      // it hears (listings, owners' words), only admins and warehouse staff what they verified.
      if (actor.role === 'support' && SOURCE_TRUST[dto.source] === 'high') {
        throw new ForbiddenException(
          `Support may not record a ${dto.source} reading (high trust): an admin or the warehouse does`,
        );
      }
      const readOn = asDate(dto.readOn);
      if (Number.isNaN(readOn.getTime()) || readOn.getTime() > Date.now() + 86_400_000) {
        throw badField('readOn', 'must be a date not in the future');
      }
      const ref = dto.sourceRef ?? null;
      await this.history.insertReadings(m, vin, [
        {
          km: dto.km,
          readOn: dto.readOn,
          source: dto.source,
          sourceRef: ref,
          dedupeKey: `${dto.source}:${ref ?? `${dto.readOn}:${dto.km}`}`,
          itemId: null,
          recordedBy: actor.userId,
        },
      ]);
      await this.history.refresh(m, vin);
      return this.view(m, actor, vin);
    });
  }

  async grantConsent(actor: Actor, vin: string, dto: ConsentDto) {
    return this.dataSource.transaction(async (m) => {
      const { items } = await this.visible(m, actor, vin);
      if (!this.isOwner(actor, items) || !actor.userId) throw new NotFound('Vehicle', vin);
      const active = await this.vehicles.activeConsent(m, vin, actor.userId, dto.scope);
      if (active) return consentView(active);
      const created = await this.vehicles.createConsent(m, {
        vin,
        ownerId: actor.userId,
        scope: dto.scope,
        statement: dto.statement,
        grantedAt: new Date(),
        revokedAt: null,
      });
      return consentView(created);
    });
  }

  async revokeConsent(actor: Actor, vin: string, consentId: string) {
    const consent = await this.vehicles.consent(consentId, vin);
    if (!consent || (consent.ownerId !== actor.userId && !seesEverything(actor))) {
      throw new NotFound('Consent', consentId);
    }
    if (consent.revokedAt === null) {
      consent.revokedAt = new Date();
      await this.vehicles.saveConsent(consent);
    }
    return consentView(consent);
  }

  /**
   * Imports dealer service records for one car. Refused (409) without an active consent of the
   * owner of a live item with this VIN; every record must be of this VIN. Re-importing the same
   * work orders adds nothing.
   */
  async importDealerRecords(actor: Actor, vin: string, dto: ImportDealerRecordsDto) {
    const parsed = parseDealerRecords(dto.csv ?? dto.records ?? []);
    if (parsed.problems.length > 0) {
      throw new BadRequestException({
        message: 'Invalid dealer records',
        fields: parsed.problems.map((p) => ({
          field: `records.${p.row}.${p.field}`,
          errors: [p.message],
        })),
      });
    }
    const other = parsed.records.findIndex((r) => r.vin !== vin);
    if (other >= 0) throw badField(`records.${other + 1}.vin`, `is not ${vin}`);
    return this.dataSource.transaction(async (m) => {
      const { items } = await this.visible(m, actor, vin);
      const consent = await this.vehicles.consent(dto.consentId, vin, m);
      const ownerIds = new Set(items.map((i) => i.owner_id));
      if (!consent || consent.revokedAt !== null || !ownerIds.has(consent.ownerId)) {
        throw new ConflictException({
          message: `No active consent of the owner to import dealer records for ${vin}`,
          reason: 'consent-required',
        });
      }
      const imported = await this.history.insertReadings(
        m,
        vin,
        parsed.records.map((r) => ({
          km: r.km,
          readOn: dateOnly(r.readOn),
          source: 'dealer-maintenance' as const,
          sourceRef: `${r.dealer} / ${r.workOrder}`,
          dedupeKey: `dealer-maintenance:${r.dealer}:${r.workOrder}`,
          itemId: null,
          recordedBy: actor.userId,
        })),
      );
      const assessment = await this.history.refresh(m, vin);
      return {
        imported,
        skipped: parsed.records.length - imported,
        consentId: consent.id,
        mileage: assessment,
      };
    });
  }

  // ---- reads ----------------------------------------------------------------------------

  async get(actor: Actor, vin: string) {
    return this.dataSource.transaction(async (m) => {
      await this.visible(m, actor, vin);
      await this.history.refresh(m, vin);
      return this.view(m, actor, vin);
    });
  }

  async getByItem(actor: Actor, itemId: string) {
    const vin = await this.vehicles.vinOfItem(itemId);
    if (!vin) throw new NotFound('Vehicle of item', itemId);
    return this.get(actor, vin);
  }

  /** The full view for grader, support and owner: identity, readings with trust, the flag with its evidence. */
  private async view(m: EntityManager, actor: Actor, vin: string) {
    const vehicle = await this.vehicles.byVinOrFail(m, vin);
    const items = await this.itemsOf(m, vin);
    const staff = seesEverything(actor) || actor.role === 'warehouse';
    const readings = await this.vehicles.readings(m, vin);
    const consents = await this.vehicles.consents(m, vin);
    const condition = await this.facts.latestCondition(vin, m);
    return {
      vin: vehicle.vin,
      wmi: vehicle.wmi,
      region: vehicle.region,
      country: vehicle.country,
      checkDigit: vehicle.checkDigit,
      modelYear: vehicle.modelYear,
      modelYearResolvedBy: vehicle.modelYearResolvedBy,
      plate: vehicle.plate,
      registrationCity: vehicle.registrationCityCode
        ? { code: vehicle.registrationCityCode, name: vehicle.registrationCityName }
        : null,
      province: vehicle.province,
      firstRegisteredOn: vehicle.firstRegisteredOn,
      use: vehicle.use,
      items: items.map((i) => ({ id: i.id, traceCode: i.trace_code, state: i.state })),
      mileage: {
        ...publicFlag(vehicle),
        latestKm: vehicle.latestKm,
        yearlyKm: vehicle.yearlyKm,
        // Grader and support see the evidence in full (dealer and work order included).
        evidence: vehicle.mileageEvidence,
        readings: readings.map((r) => ({
          id: r.id,
          km: r.km,
          readOn: r.readOn,
          source: r.source,
          trust: r.trust,
          sourceRef: staff ? r.sourceRef : null,
        })),
      },
      consents: consents.filter((c) => staff || c.ownerId === actor.userId).map(consentView),
      condition,
    };
  }

  /**
   * Flagged cars the actor may see (`VehicleAccess`: support and admin all, warehouse staff the
   * cars they hold), most recently flagged first, a keyset page at a time on (flagged_at, id).
   */
  async flagged(actor: Actor, page: PageQuery) {
    return mapPage(await this.vehicles.flaggedPage(actor, page), (v) => ({
      vin: v.vin,
      ...publicFlag(v),
    }));
  }
}

function consentView(c: RecordConsent) {
  return {
    active: c.revokedAt === null,
    ...pick(c, ['id', 'vin', 'scope', 'statement', 'grantedAt', 'revokedAt']),
  };
}
