import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, seesEverything } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import {
  type CheckVehicleMileage,
  OpenSupportCase,
  VehicleMileageFlagged,
} from '../core/jobs/job-catalogue.js';
import type { JobPayload } from '../core/jobs/job-definition.js';
import { job } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { ValuationService } from '../valuation/valuation.service.js';
import {
  assessMileage,
  type MileageAssessment,
  type MileageReading,
  parseDealerRecords,
  SOURCE_TRUST,
} from './engine/mileage.js';
import { vehicleFactors } from '../valuation/engine/vehicle-factors.js';
import { decodeVin, parsePlate, validateVin } from './engine/vin.js';
import { publicFlag, VehicleFactsService } from './vehicle-facts.service.js';
import { VehicleAccess } from './vehicle-access.js';
import { type MileageReadingRow, type RecordConsent, Vehicle } from './data/vehicle.entities.js';
import {
  type NewMileageReading,
  type VehicleItemRow,
  VehicleRepository,
} from './data/vehicle.repository.js';
import type {
  ConsentDto,
  ImportDealerRecordsDto,
  MileageReadingDto,
  RegistrationDto,
} from './vehicles.dto.js';
import { mapPage, type PageQuery } from '../core/http/pagination.js';
import {
  INSPECTION_REPORTS,
  type InspectionReports,
} from '../core/read-models/inspection-reports.js';

const MS_PER_YEAR = 365.25 * 86_400_000;

export function badField(field: string, message: string): BadRequestException {
  return new BadRequestException({
    message: `Invalid input: ${field} ${message}`,
    fields: [{ field, errors: [message] }],
  });
}

const dateOnly = (d: Date) => d.toISOString().slice(0, 10);
const asDate = (s: string) => new Date(`${s}T00:00:00Z`);

/**
 * A car's identity, registration and mileage history. Readings come from the owner's
 * declaration (on the trade-in), inspections (the odometer the grader read), dealer service
 * records imported with the owner's consent, and earlier listings; each time the history
 * changes it is re-assessed and a new flag opens a fraud-review case for support.
 */
@Injectable()
export class VehiclesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly facts: VehicleFactsService,
    private readonly valuation: ValuationService,
    private readonly vehicles: VehicleRepository,
    @Inject(INSPECTION_REPORTS) private readonly inspections: InspectionReports,
  ) {}

  // ---- identity and access --------------------------------------------------------------

  /** The vehicle row for a VIN, created from what the VIN says the first time it is needed. */
  async ensure(m: EntityManager, vin: string): Promise<Vehicle> {
    return this.vehicles.ensure(m, vin, () => {
      const d = decodeVin(vin);
      return {
        vin: d.vin,
        wmi: d.wmi,
        region: d.region,
        country: d.country,
        checkDigit: d.checkDigit === 'valid' ? 'valid' : 'not-applicable',
        modelYear: d.modelYear.year,
        modelYearResolvedBy: d.modelYear.resolvedBy,
        use: 'private',
        mileageStatus: 'clear',
        mileageEvidence: [],
      };
    });
  }

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
  private async visible(m: EntityManager, actor: Actor, vin: string) {
    const items = await this.itemsOf(m, vin);
    const known = await this.vehicles.known(m, vin);
    if (!known && items.length === 0) throw new NotFound('Vehicle', vin);
    await VehicleAccess.assertVisibleTo(
      m,
      known ?? Object.assign(new Vehicle(), { vin }),
      actor,
      vin,
    );
    const vehicle = known ?? (await this.ensure(m, vin));
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
      await this.refresh(m, vin);
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
          ? { items: await this.itemsOf(m, (await this.ensure(m, vin)).vin) }
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
      await this.insertReadings(m, vin, [
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
      await this.refresh(m, vin);
      return this.view(m, actor, vin);
    });
  }

  async insertReadings(m: EntityManager, vin: string, rows: NewMileageReading[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.vehicles.insertReadings(m, vin, rows);
  }

  /**
   * Brings in the readings other stages recorded (the owner's declared mileage on a trade-in,
   * the odometer an inspector read) and re-assesses the history. Idempotent.
   */
  async refresh(m: EntityManager, vin: string): Promise<MileageAssessment> {
    const vehicle = await this.ensure(m, vin);
    const items = await this.itemsOf(m, vin);
    const declared = items.flatMap((i) => {
      const km = i.declared_condition?.mileageKm;
      return typeof km === 'number' && Number.isInteger(km) && km >= 0
        ? [
            {
              km,
              readOn: dateOnly(i.created_at),
              source: 'owner-declaration' as const,
              sourceRef: `item:${i.trace_code}`,
              dedupeKey: `owner-declaration:item:${i.id}`,
              itemId: i.id,
              recordedBy: i.owner_id,
            },
          ]
        : [];
    });
    const inspected = await this.inspections.odometerReadings(m, vin);
    await this.insertReadings(m, vin, [
      ...declared,
      ...inspected.map((r) => ({
        km: r.km,
        readOn: dateOnly(r.completedAt),
        source: 'inspection' as const,
        sourceRef: `inspection:${r.inspectionId}`,
        dedupeKey: `inspection:${r.inspectionId}`,
        itemId: r.itemId,
        recordedBy: null,
      })),
    ]);

    const rows = await this.vehicles.readings(m, vin);
    const assessment = assessMileage(rows.map(toReading), {
      firstRegisteredOn: vehicle.firstRegisteredOn ? asDate(vehicle.firstRegisteredOn) : null,
      use: vehicle.use,
    });
    const newlyFlagged = assessment.flagged && vehicle.mileageStatus === 'clear';
    const flaggedAt = assessment.flagged ? (vehicle.flaggedAt ?? new Date()) : null;
    await this.vehicles.update(m, vehicle.id, {
      mileageStatus: assessment.status,
      mileageEvidence: assessment.evidence,
      credibleKm: assessment.credibleKm,
      latestKm: assessment.latestKm,
      yearlyKm: assessment.yearlyKm,
      flaggedAt,
    });
    if (newlyFlagged) {
      const live = items.filter(
        (i) => !['SOLD', 'RECYCLED', 'DESTROYED', 'CANCELLED'].includes(i.state),
      );
      await this.outbox.write(m, [
        // Whoever pays for this car holds the payout until a person decides.
        job(VehicleMileageFlagged, {
          vin,
          itemIds: live.map((i) => i.id),
          status: assessment.status,
          evidence: assessment.evidence.map((e) => ({ kind: e.kind, message: e.message })),
        }),
        job(OpenSupportCase, {
          kind: 'fraud-review',
          dedupeKey: `vehicle-mileage:${vin}:${assessment.status}`,
          summary: `Mileage ${assessment.status} for VIN ${vin}`,
          itemIds: live.map((i) => i.id),
          orderRef: null,
          customerId: live[live.length - 1]?.owner_id ?? null,
          detail: { vin, status: assessment.status, evidence: assessment.evidence },
        }),
      ]);
    }
    return assessment;
  }

  /**
   * CheckVehicleMileage (a trade-in declared the odometer, an inspection read it): re-assess,
   * and when the car is flagged tell acquisition to hold these items' payouts — also when the
   * flag predates them (a car rolled back before, traded in again).
   */
  async onCheckMileage(p: JobPayload<typeof CheckVehicleMileage>): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const assessment = await this.refresh(m, p.vin);
      if (!assessment.flagged || p.itemIds.length === 0) return;
      await this.outbox.write(m, [
        job(VehicleMileageFlagged, {
          vin: p.vin,
          itemIds: p.itemIds,
          status: assessment.status,
          evidence: assessment.evidence.map((e) => ({ kind: e.kind, message: e.message })),
        }),
      ]);
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
      const imported = await this.insertReadings(
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
      const assessment = await this.refresh(m, vin);
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
      await this.refresh(m, vin);
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

  // ---- valuation ----------------------------------------------------------------------------

  /**
   * A quote for the car: age since first registration, the highest credible mileage, former
   * use, GB/T 30323 level, registration region and comparable sales of the model, each a line;
   * a mileage flag lowers the confidence (never the price by itself).
   */
  async quote(actor: Actor, vin: string, at: Date = new Date()) {
    return this.dataSource.transaction(async (m) => {
      const { items } = await this.visible(m, actor, vin);
      const assessment = await this.refresh(m, vin);
      const vehicle = await this.vehicles.byVinOrFail(m, vin);
      const item = items[items.length - 1];
      if (!item?.product_model_id && !item?.category_id) {
        throw new ConflictException(`VIN ${vin} has no item with a model or category to price`);
      }
      const condition = await this.facts.latestCondition(vin, m);
      const registered = vehicle.firstRegisteredOn ? asDate(vehicle.firstRegisteredOn) : null;
      const ageYears = registered
        ? Math.max(0, (at.getTime() - registered.getTime()) / MS_PER_YEAR)
        : undefined;
      const factors = vehicleFactors({
        ageYears:
          ageYears ??
          (vehicle.modelYear ? Math.max(0, at.getUTCFullYear() - vehicle.modelYear) : 0),
        km: assessment.credibleKm,
        use: vehicle.use,
        level: condition?.level ?? null,
        accidentHistory: condition?.accidentHistory ?? null,
        province: vehicle.province,
      });
      const v = await this.valuation.value({
        productModelId: item.product_model_id,
        categoryId: item.category_id,
        grade: condition?.grade ?? item.grade ?? undefined,
        declaredCondition: item.declared_condition,
        ageYears,
        extraFactors: factors,
        confidencePenalty: assessment.confidencePenalty,
        valuationDate: at,
      });
      return {
        vin,
        amountMinor: v.amountMinor,
        lowMinor: v.lowMinor,
        highMinor: v.highMinor,
        currency: v.currency,
        confidence: Math.round(v.confidence * 1000) / 1000,
        lines: v.lines,
        modelVersion: v.modelVersion,
        basis: v.basis,
        facts: {
          ageYears: ageYears === undefined ? null : Math.round(ageYears * 10) / 10,
          credibleKm: assessment.credibleKm,
          mileageStatus: assessment.status,
          level: condition?.level ?? null,
          accidentGrade: condition?.accidentGrade ?? null,
          province: vehicle.province,
          comparablesUsed: v.details.comparablesUsed,
        },
      };
    });
  }
}

function toReading(r: MileageReadingRow): MileageReading {
  return {
    id: r.id,
    km: r.km,
    readOn: asDate(r.readOn),
    source: r.source,
    trust: r.trust,
    sourceRef: r.sourceRef,
  };
}

function consentView(c: RecordConsent) {
  return {
    id: c.id,
    vin: c.vin,
    scope: c.scope,
    statement: c.statement,
    grantedAt: c.grantedAt,
    revokedAt: c.revokedAt,
    active: c.revokedAt === null,
  };
}
