import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ReferenceCache } from '../core/cache/reference-cache.js';
import { NotFound } from '../core/errors.js';
import { pick } from '../core/pick.js';
import { checkCoverage as checkCoverageIn, type CoverageResult } from './engine/address.js';
import {
  pickupOptions,
  promisePickup,
  type BookedCounts,
  type PickupOption,
  type PickupPromise,
} from './engine/promise.js';
import {
  DEFAULT_BOOKING_DAYS_AHEAD,
  DEFAULT_CUTOFF_HOUR,
  DEFAULT_MIN_LEAD_MINUTES,
  validateServiceArea,
  type District,
  type ServiceArea,
} from './engine/service-area.js';
import type { DropOffStore, NearestStore } from './engine/stores.js';
import type { DropOffStoreDto, ServiceAreaDto } from './service-areas.dto.js';
import { DropOffStoreRepository } from './data/drop-off-store.repository.js';
import type {
  DropOffStoreRecord,
  ServiceAreaDistrict,
  ServiceAreaRecord,
} from './data/service-area.entity.js';
import { ServiceAreaRepository } from './data/service-area.repository.js';

/** What acquisition gets back at order time (spec §3: outside coverage is refused clearly). */
export type CoverageCheck =
  | Extract<CoverageResult, { covered: true }>
  | (Omit<Extract<CoverageResult, { covered: false }>, 'nearestStore'> & {
      /** Where the owner can bring the item instead, when there is a store nearby. */
      nearestStore: NearestStore | null;
    });

/** The address parts coverage needs (a ShipmentAddress fits). */
export interface CoverageAddress {
  cityCode: string;
  districtCode: string;
  line1: string;
  line2?: string;
}

/**
 * Reference data for pickups: service areas with their SLA rules and drop-off stores. Read by
 * acquisition (coverage at order time) and logistics (promises); changed only by admins.
 */
@Injectable()
export class ServiceAreasService {
  /** What coverage reads outside a transaction (see ReferenceCache); any write forgets it all. */
  private readonly coverageRows = new ReferenceCache<{
    district: ServiceAreaDistrict | null;
    records: ServiceAreaRecord[];
    stores: DropOffStoreRecord[];
  }>(1_000);

  constructor(
    private readonly dataSource: DataSource,
    private readonly areaRows: ServiceAreaRepository,
    private readonly storeRows: DropOffStoreRepository,
  ) {}

  // ---- reads used by other modules ---------------------------------------------------------

  /**
   * Whether couriers collect at this address. A refusal for coverage names the nearest
   * drop-off store when there is one (same city, province or region).
   */
  async checkCoverage(address: CoverageAddress, manager?: EntityManager): Promise<CoverageCheck> {
    const cityCode = normaliseCode(address.cityCode);
    const districtCode = normaliseCode(address.districtCode);
    const read = () => this.coverageRowsOf(cityCode, districtCode, manager);
    const {
      district,
      records,
      stores: storeRows,
    } = manager ? await read() : await this.coverageRows.get(`${cityCode}|${districtCode}`, read);
    // Only the areas that matter here, each with just the matched district: the engine's index
    // then answers exactly as it would over every district.
    const areas = records.map((r) =>
      toServiceArea(r, district && district.cityCode === r.cityCode ? [toDistrict(district)] : []),
    );
    const stores = storeRows.map(toDropOffStore);
    const result = checkCoverageIn(
      {
        cityCode: address.cityCode,
        districtCode: address.districtCode,
        line1: address.line1,
        line2: address.line2,
      },
      areas,
      stores,
    );
    if (result.covered) {
      return {
        covered: true,
        area: result.area,
        district: result.district,
        address: result.address,
      };
    }
    return {
      covered: false,
      reason: result.reason,
      message: result.message,
      fields: result.fields,
      nearestStore: result.nearestStore ?? null,
      address: result.address,
    };
  }

  private async coverageRowsOf(cityCode: string, districtCode: string, manager?: EntityManager) {
    const district = districtCode ? await this.areaRows.district(districtCode, manager) : null;
    const cityCodes = [...new Set([cityCode, district?.cityCode].filter((c): c is string => !!c))];
    const records = await this.areaRows.activeIn(cityCodes, manager);
    const stores = await this.storeRows.active(manager);
    return { district, records, stores };
  }

  /** An active area's SLA rules (without its districts unless asked), or null. */
  async findArea(
    cityCode: string,
    options: { withDistricts?: boolean; includeInactive?: boolean; manager?: EntityManager } = {},
  ): Promise<ServiceArea | null> {
    const record = await this.areaRows.area(cityCode, { manager: options.manager });
    if (!record || (!record.active && !options.includeInactive)) return null;
    const districts = options.withDistricts
      ? await this.areaRows.districtsOf(cityCode, options.manager)
      : [];
    return toServiceArea(record, districts.map(toDistrict));
  }

  /**
   * The promised pickup for an order at `orderedAt`, given what is already booked (logistics
   * counts its own pickups). Throws NoPickupCapacityError when the horizon is full.
   */
  promise(area: ServiceArea, orderedAt: Date, booked: BookedCounts): PickupPromise {
    return promisePickup(area, orderedAt, booked);
  }

  /** Every bookable window with its remaining places, earliest first. */
  options(area: ServiceArea, orderedAt: Date, booked: BookedCounts): PickupOption[] {
    return pickupOptions(area, orderedAt, booked);
  }

  /** The drop-off store run by a `store` organisation, if it has one. */
  async storeOfOrganisation(
    organisationId: string,
    manager?: EntityManager,
  ): Promise<DropOffStoreRecord | null> {
    return this.storeRows.ofOrganisation(organisationId, manager);
  }

  // ---- admin -------------------------------------------------------------------------------

  async listAreas() {
    const areas = await this.areaRows.listWithDistrictCounts();
    return areas.map(({ area, districtCount }) => ({ ...areaView(area), districtCount }));
  }

  async getArea(cityCode: string) {
    const record = await this.areaRows.area(cityCode);
    if (!record) throw new NotFound('Service area', cityCode);
    const districts = await this.areaRows.districtsOf(cityCode);
    return { ...areaView(record), districts: districts.map(toDistrict) };
  }

  /** Creates (or, with `replace`, overwrites) an area and its districts, validated by the engine. */
  async saveArea(dto: ServiceAreaDto, mode: 'create' | 'replace') {
    const area: ServiceArea = {
      cityCode: normaliseCode(dto.cityCode),
      cityName: dto.cityName.trim(),
      cityNameZh: dto.cityNameZh,
      timeZone: dto.timeZone,
      cutoffHour: dto.cutoffHour ?? DEFAULT_CUTOFF_HOUR,
      sameDay: dto.sameDay,
      windows: dto.windows.map((w) => ({ start: w.start, end: w.end, capacity: w.capacity })),
      districts: dto.districts.map((d) => ({
        code: normaliseCode(d.code),
        name: d.name.trim(),
        nameZh: d.nameZh,
      })),
      bookingDaysAhead: dto.bookingDaysAhead ?? DEFAULT_BOOKING_DAYS_AHEAD,
      minLeadMinutes: dto.minLeadMinutes ?? DEFAULT_MIN_LEAD_MINUTES,
    };
    const problems = validateServiceArea(area);
    if (problems.length > 0) {
      throw new BadRequestException({
        message: `Invalid service area: ${problems.join('; ')}`,
        problems,
      });
    }
    await this.dataSource.transaction(async (m) => {
      const existing = await this.areaRows.area(area.cityCode, { manager: m, lock: true });
      if (mode === 'create' && existing) {
        throw new ConflictException(`Service area ${area.cityCode} already exists`);
      }
      if (mode === 'replace' && !existing) throw new NotFound('Service area', area.cityCode);
      await this.writeArea(m, area, dto.active ?? true);
    });
    this.coverageRows.forget(); // again after the commit: a read meanwhile saw the old rows
    return this.getArea(area.cityCode);
  }

  /** Upsert used by the seed and by replace: the area row, then its districts wholesale. */
  async writeArea(m: EntityManager, area: ServiceArea, active = true): Promise<void> {
    this.coverageRows.forget();
    const taken = await this.areaRows.districtsByCode(
      area.districts.map((d) => d.code),
      m,
    );
    const elsewhere = taken
      .filter((d) => d.cityCode !== area.cityCode)
      .map((d) => `${d.code} (${d.cityCode})`);
    if (elsewhere.length > 0) {
      throw new ConflictException(
        `District codes already belong to another area: ${elsewhere.join(', ')}`,
      );
    }
    await this.areaRows.write(
      m,
      {
        cityCode: area.cityCode,
        cityName: area.cityName,
        cityNameZh: area.cityNameZh ?? null,
        timeZone: area.timeZone,
        cutoffHour: area.cutoffHour,
        sameDay: area.sameDay,
        windows: [...area.windows],
        bookingDaysAhead: area.bookingDaysAhead,
        minLeadMinutes: area.minLeadMinutes,
        active,
      },
      area.districts.map((d) => ({
        code: d.code,
        cityCode: area.cityCode,
        name: d.name,
        nameZh: d.nameZh ?? null,
      })),
    );
  }

  /** Areas are switched off, not deleted: pickups already booked there keep their rules. */
  async deactivateArea(cityCode: string): Promise<void> {
    const found = await this.areaRows.deactivate(cityCode);
    this.coverageRows.forget();
    if (!found) throw new NotFound('Service area', cityCode);
  }

  async listStores(cityCode?: string) {
    const stores = await this.storeRows.list(cityCode ? normaliseCode(cityCode) : undefined);
    return stores.map(storeView);
  }

  async getStore(id: string, manager?: EntityManager) {
    const store = await this.storeRows.byId(id, manager);
    if (!store) throw new NotFound('Drop-off store', id);
    return storeView(store);
  }

  async saveStore(dto: DropOffStoreDto, id?: string) {
    if (dto.organisationId) {
      if (!(await this.storeRows.isStoreOrganisation(dto.organisationId))) {
        throw new BadRequestException({
          message: 'organisationId must name a store organisation',
          fields: [{ field: 'organisationId', errors: ['not a store organisation'] }],
        });
      }
    }
    const values = {
      code: dto.code,
      name: dto.name,
      nameZh: dto.nameZh ?? null,
      cityCode: normaliseCode(dto.cityCode),
      districtCode: normaliseCode(dto.districtCode),
      address: dto.address,
      openingHours: dto.openingHours ?? null,
      organisationId: dto.organisationId ?? null,
      active: dto.active ?? true,
    };
    if (id) {
      const found = await this.storeRows.update(id, values);
      this.coverageRows.forget();
      if (!found) throw new NotFound('Drop-off store', id);
      return this.getStore(id);
    }
    const saved = await this.storeRows.create(values);
    this.coverageRows.forget();
    return storeView(saved);
  }

  async deactivateStore(id: string): Promise<void> {
    const found = await this.storeRows.update(id, { active: false });
    this.coverageRows.forget();
    if (!found) throw new NotFound('Drop-off store', id);
  }
}

function normaliseCode(code: string): string {
  return code.normalize('NFKC').replace(/\s/g, '').toUpperCase();
}

function toDistrict(d: ServiceAreaDistrict): District {
  return d.nameZh
    ? { code: d.code, name: d.name, nameZh: d.nameZh }
    : { code: d.code, name: d.name };
}

/** An area's pickup rules, under the same names in the record, the engine's area and the view. */
const PICKUP_RULES = [
  'timeZone',
  'cutoffHour',
  'sameDay',
  'windows',
  'bookingDaysAhead',
  'minLeadMinutes',
] as const;

export function toServiceArea(r: ServiceAreaRecord, districts: District[]): ServiceArea {
  return {
    ...pick(r, ['cityCode', 'cityName']),
    cityNameZh: r.cityNameZh ?? undefined,
    ...pick(r, PICKUP_RULES),
    districts,
  };
}

export function toDropOffStore(s: DropOffStoreRecord): DropOffStore {
  return {
    ...pick(s, ['id', 'name', 'cityCode', 'districtCode', 'address']),
    nameZh: s.nameZh ?? undefined,
    openingHours: s.openingHours ?? undefined,
  };
}

/** What staff see of an area: its rules as stored (a missing Chinese name is null) and its state. */
function areaView(a: ServiceAreaRecord) {
  return pick(a, ['cityCode', 'cityName', 'cityNameZh', ...PICKUP_RULES, 'active', 'updatedAt']);
}

// A literal, so that the OpenAPI schema is named after the view (`StoreView`).
function storeView(s: DropOffStoreRecord) {
  return {
    ...pick(s, [
      'id',
      'code',
      'name',
      'nameZh',
      'cityCode',
      'districtCode',
      'address',
      'openingHours',
      'organisationId',
      'active',
    ]),
  };
}
