// `npm run config:apply`: writes the operator data in config/ to the database where it lives in
// tables (idempotent upserts): service areas with their districts, windows and cut-offs; drop-off
// stores; organisations. Every file is checked first (a broken one stops it with file, line and
// field). Repair cost tables and erasure policies are read from their files at start-up, so a
// restart applies them. Demo users are not created here: they come only with `npm run seed:demo`.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { assertOperatorData, ConfigFileError } from '../config/operator-data.js';
import { ensureDatabase, migrate } from '../database/database.js';
import { serviceAreasSeed } from '../service-areas/service-areas.seed.js';
import { applyOrganisations } from './accounts.seed.js';
import type { SeedContext } from './seed-context.js';

/** Upserts organisations, then service areas and stores (stores refer to organisations). */
export async function applyOperatorConfig(ctx: SeedContext): Promise<void> {
  assertOperatorData();
  const organisations = await applyOrganisations(ctx);
  ctx.log(`organisations: ${organisations} applied`);
  await serviceAreasSeed.run(ctx);
  ctx.log('service areas, cut-offs and drop-off stores applied');
}

async function main(): Promise<void> {
  assertOperatorData();
  const config = { ...loadConfig(process.env, 'api'), logLevel: 'warn' };
  await ensureDatabase(config.databaseUrl);
  await migrate(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  try {
    await applyOperatorConfig({
      app,
      dataSource: app.get(DataSource),
      organisations: {},
      users: {},
      log: (line) => console.log(line),
    });
  } finally {
    await app.close();
  }
  console.log('config applied: restart the platform to read changed repair costs or policies');
}

if (process.argv[1]?.endsWith('config-apply.js')) {
  main().catch((err: unknown) => {
    console.error(
      err instanceof ConfigError || err instanceof ConfigFileError ? `reloop: ${err.message}` : err,
    );
    process.exit(1);
  });
}
