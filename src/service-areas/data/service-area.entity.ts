import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, UpdatedAt } from '../../core/data/columns.js';
import type { PickupWindow } from '../engine/service-area.js';

/** A city where couriers collect: its SLA rules (spec §1). Districts live in their own table. */
@Entity('service_areas')
export class ServiceAreaRecord {
  @PrimaryColumn({ name: 'city_code', type: 'text' }) cityCode: string;
  @Column({ name: 'city_name', type: 'text' }) cityName: string;
  @Column({ name: 'city_name_zh', type: 'text', nullable: true }) cityNameZh: string | null;
  @Column({ name: 'time_zone', type: 'text' }) timeZone: string;
  @Column({ name: 'cutoff_hour', type: 'int' }) cutoffHour: number;
  @Column({ name: 'same_day', type: 'boolean' }) sameDay: boolean;
  @Column({ type: 'jsonb' }) windows: PickupWindow[];
  @Column({ name: 'booking_days_ahead', type: 'int' }) bookingDaysAhead: number;
  @Column({ name: 'min_lead_minutes', type: 'int' }) minLeadMinutes: number;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

@Entity('service_area_districts')
export class ServiceAreaDistrict {
  @PrimaryColumn({ type: 'text' }) code: string;
  @Column({ name: 'city_code', type: 'text' }) cityCode: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'name_zh', type: 'text', nullable: true }) nameZh: string | null;
}

/** An offline drop-off point; linked to its `store` organisation when it has staff on the platform. */
@Entity('drop_off_stores')
export class DropOffStoreRecord {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'name_zh', type: 'text', nullable: true }) nameZh: string | null;
  @Column({ name: 'city_code', type: 'text' }) cityCode: string;
  @Column({ name: 'district_code', type: 'text' }) districtCode: string;
  @Column({ type: 'text' }) address: string;
  @Column({ name: 'opening_hours', type: 'text', nullable: true }) openingHours: string | null;
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true }) organisationId: string | null;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}
