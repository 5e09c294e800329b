import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';
import { ServiceAreaDistrict, ServiceAreaRecord } from './service-area.entity.js';

/** Service areas (a city's SLA rules) and the districts each serves. */
@Injectable()
export class ServiceAreaRepository extends DataRepository {
  district(code: string, manager?: EntityManager): Promise<ServiceAreaDistrict | null> {
    return this.manager(manager).getRepository(ServiceAreaDistrict).findOne({ where: { code } });
  }

  /** The active areas of these cities. */
  activeIn(cityCodes: string[], manager?: EntityManager): Promise<ServiceAreaRecord[]> {
    if (cityCodes.length === 0) return Promise.resolve([]);
    return this.manager(manager)
      .getRepository(ServiceAreaRecord)
      .find({ where: { cityCode: In(cityCodes), active: true } });
  }

  area(
    cityCode: string,
    options: { manager?: EntityManager; lock?: boolean } = {},
  ): Promise<ServiceAreaRecord | null> {
    return this.manager(options.manager)
      .getRepository(ServiceAreaRecord)
      .findOne({
        where: { cityCode },
        ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
      });
  }

  districtsOf(cityCode: string, manager?: EntityManager): Promise<ServiceAreaDistrict[]> {
    return this.manager(manager)
      .getRepository(ServiceAreaDistrict)
      .find({ where: { cityCode }, order: { code: 'ASC' } });
  }

  /** Every area by city code, with how many districts each serves. */
  async listWithDistrictCounts(): Promise<
    Array<{ area: ServiceAreaRecord; districtCount: number }>
  > {
    const rows = await this.dataSource.query<Array<{ city_code: string; n: number }>>(
      'SELECT city_code, count(*)::int AS n FROM service_area_districts GROUP BY city_code',
    );
    const counts = new Map(rows.map((r) => [r.city_code, r.n]));
    const areas = await this.dataSource
      .getRepository(ServiceAreaRecord)
      .find({ order: { cityCode: 'ASC' } });
    return areas.map((area) => ({ area, districtCount: counts.get(area.cityCode) ?? 0 }));
  }

  /** The districts with these codes, whichever area holds them. */
  districtsByCode(codes: string[], manager: EntityManager): Promise<ServiceAreaDistrict[]> {
    return manager.getRepository(ServiceAreaDistrict).find({ where: { code: In(codes) } });
  }

  /** Writes the area row and replaces its districts wholesale, in the caller's transaction. */
  async write(
    manager: EntityManager,
    area: Omit<ServiceAreaRecord, 'createdAt' | 'updatedAt'>,
    districts: ServiceAreaDistrict[],
  ): Promise<void> {
    await manager.getRepository(ServiceAreaRecord).upsert(area, ['cityCode']);
    await manager.getRepository(ServiceAreaDistrict).delete({ cityCode: area.cityCode });
    for (let i = 0; i < districts.length; i += 500) {
      await manager.getRepository(ServiceAreaDistrict).insert(districts.slice(i, i + 500));
    }
  }

  /** Switches the area off; false when there is none. */
  async deactivate(cityCode: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(ServiceAreaRecord)
      .update({ cityCode }, { active: false });
    return Boolean(result.affected);
  }
}
