import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAt, UpdatedAt } from '../../core/data/columns.js';

/** A courier user's dispatch profile: how many pickups per window, and which areas. */
@Entity('couriers')
export class CourierProfile {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ name: 'capacity_per_window', type: 'int' }) capacityPerWindow: number;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

@Entity('courier_areas')
export class CourierArea {
  @PrimaryColumn({ name: 'courier_id', type: 'uuid' }) courierId: string;
  @PrimaryColumn({ name: 'city_code', type: 'text' }) cityCode: string;
}
