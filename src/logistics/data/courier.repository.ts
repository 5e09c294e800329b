import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { User } from '../../accounts/user.entity.js';
import { DataRepository } from '../../core/data/repository.js';
import { windowKey, type CourierLoad } from '../domain/dispatch.js';
import { CourierArea, CourierProfile } from './courier.entity.js';

/** Pickups that hold a courier's place in a window. */
const WORKING_STATES = ['ASSIGNED', 'EN_ROUTE', 'COLLECTED', 'DELIVERED'];

/** Couriers: their dispatch profiles and areas, and their load per window. */
@Injectable()
export class CourierRepository extends DataRepository {
  /**
   * Active couriers serving any of `areaCodes` (or the one courier asked for), with their
   * assigned counts on `dates`.
   */
  async loads(
    areaCodes: string[] | null,
    dates: string[],
    { courierId, manager }: { courierId?: string; manager?: EntityManager } = {},
  ): Promise<CourierLoad[]> {
    const m = this.manager(manager);
    const couriers = await m.query<
      Array<{ user_id: string; capacity_per_window: number; areas: string[] }>
    >(
      `SELECT c.user_id, c.capacity_per_window, array_agg(ca.city_code ORDER BY ca.city_code) AS areas
         FROM couriers c
         JOIN users u ON u.id = c.user_id AND u.role = 'courier' AND NOT u.disabled
         JOIN courier_areas ca ON ca.courier_id = c.user_id
        WHERE c.active AND ($1::uuid IS NULL OR c.user_id = $1)
        GROUP BY c.user_id, c.capacity_per_window
       HAVING $2::text[] IS NULL OR array_agg(ca.city_code) && $2::text[]`,
      [courierId ?? null, areaCodes],
    );
    if (couriers.length === 0) return [];
    const counts = await m.query<Array<{ courier_id: string; d: string; w: number; n: number }>>(
      `SELECT courier_id, to_char(promised_date, 'YYYY-MM-DD') AS d, window_index AS w, count(*)::int AS n
         FROM pickups
        WHERE courier_id = ANY($1::uuid[]) AND promised_date = ANY($2::date[])
          AND state = ANY($3::text[])
        GROUP BY 1, 2, 3`,
      [couriers.map((c) => c.user_id), dates, WORKING_STATES],
    );
    return couriers.map((c) => ({
      id: c.user_id,
      areaCodes: c.areas,
      capacityPerWindow: c.capacity_per_window,
      assignedCounts: new Map(
        counts.filter((r) => r.courier_id === c.user_id).map((r) => [windowKey(r.d, r.w), r.n]),
      ),
    }));
  }

  /** Every profile, oldest first, and every courier's areas. */
  async profiles(): Promise<{ profiles: CourierProfile[]; areas: CourierArea[] }> {
    const profiles = await this.dataSource
      .getRepository(CourierProfile)
      .find({ order: { createdAt: 'ASC' } });
    const areas = await this.dataSource.getRepository(CourierArea).find();
    return { profiles, areas };
  }

  /** One courier's profile and areas (the profile must exist). */
  async profile(userId: string): Promise<{ profile: CourierProfile; areas: CourierArea[] }> {
    const profile = await this.dataSource
      .getRepository(CourierProfile)
      .findOneOrFail({ where: { userId } });
    const areas = await this.dataSource
      .getRepository(CourierArea)
      .find({ where: { courierId: userId } });
    return { profile, areas };
  }

  /** Writes a courier's capacity and replaces their areas with `areaCodes`. */
  async saveProfile(
    manager: EntityManager,
    userId: string,
    profile: { capacityPerWindow: number; active: boolean },
    areaCodes: string[],
  ): Promise<void> {
    await manager.getRepository(CourierProfile).upsert({ userId, ...profile }, ['userId']);
    await manager.getRepository(CourierArea).delete({ courierId: userId });
    if (areaCodes.length > 0) {
      await manager
        .getRepository(CourierArea)
        .insert(areaCodes.map((cityCode) => ({ courierId: userId, cityCode })));
    }
  }

  findUser(userId: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOne({ where: { id: userId } });
  }

  /** Users' names by id. */
  async userNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.query<Array<{ id: string; name: string }>>(
      'SELECT id, name FROM users WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Of these service area codes, the ones that exist. */
  async knownAreaCodes(codes: string[]): Promise<Set<string>> {
    const rows = await this.dataSource.query<Array<{ city_code: string }>>(
      'SELECT city_code FROM service_areas WHERE city_code = ANY($1::text[])',
      [codes],
    );
    return new Set(rows.map((r) => r.city_code));
  }

  /** The time zone of the courier's first area, if they have one. */
  async timeZone(courierId: string | null): Promise<string | null> {
    const rows = await this.dataSource.query<Array<{ time_zone: string }>>(
      `SELECT a.time_zone FROM courier_areas ca JOIN service_areas a ON a.city_code = ca.city_code
        WHERE ca.courier_id = $1 ORDER BY a.city_code LIMIT 1`,
      [courierId],
    );
    return rows[0]?.time_zone ?? null;
  }
}
