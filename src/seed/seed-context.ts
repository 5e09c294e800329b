import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { UserRole } from '../core/actor.js';

/** What earlier seed steps created, for later steps to refer to (by stable demo keys). */
export interface SeedContext {
  app: INestApplicationContext;
  dataSource: DataSource;
  /** Demo organisations by key, e.g. `warehouse-shanghai`, `merchant-aurora`. */
  organisations: Record<string, string>;
  /** Demo users by key, e.g. `admin`, `warehouse`, `courier`, `courier-2`. */
  users: Record<string, { id: string; email: string; role: UserRole }>;
  log(line: string): void;
}

/** One step of the demo seed. Steps are idempotent: running the seed twice changes nothing. */
export interface SeedStep {
  name: string;
  run(ctx: SeedContext): Promise<void>;
}
