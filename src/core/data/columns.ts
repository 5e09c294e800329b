import {
  Column,
  type ColumnOptions,
  CreateDateColumn,
  UpdateDateColumn,
  type ValueTransformer,
} from 'typeorm';

/** bigint columns come back from pg as strings; money in minor units and sizes stay below 2^53. */
export const bigintAsNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

/** What a shared column decorator lets an entity say beyond the column's name. */
type Nullable = Pick<ColumnOptions, 'nullable'>;

/**
 * The column conventions of the schema (docs/architecture.md, Persistence), written once:
 * times are `timestamptz(3)` (keyset cursors use milliseconds), bigint money and sizes are read
 * back as numbers. Entities name the column and its nullability only.
 */
export const TimestampColumn = (name: string, options: Nullable = {}): PropertyDecorator =>
  Column({ name, type: 'timestamptz', precision: 3, ...options });

/** A bigint in minor units (or bytes), as a number (see bigintAsNumber). */
export const BigintColumn = (name: string, options: Nullable = {}): PropertyDecorator =>
  Column({ name, type: 'bigint', transformer: bigintAsNumber, ...options });

/** `created_at`, set by TypeORM on insert. */
export const CreatedAt = (name = 'created_at'): PropertyDecorator =>
  CreateDateColumn({ name, type: 'timestamptz', precision: 3 });

/** `updated_at`, set by TypeORM on every save. */
export const UpdatedAt = (): PropertyDecorator =>
  UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 });
