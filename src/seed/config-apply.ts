// `npm run config:apply`: writes the operator data in config/ to the database where it lives in
// tables (idempotent): organisations; service areas with their districts, windows and cut-offs;
// drop-off stores; the category tree (upserted by code); grading standards (a file that differs
// from its family's latest version is published as the next version; inspections keep theirs).
// Every file is checked first (a broken one stops it with file, line and field). Repair cost
// tables, erasure policies and regional factors are read from their files at start-up, so a
// restart applies them. Demo users and product models come only with `npm run seed:demo`.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { assertOperatorData, ConfigFileError } from '../config/operator-data.js';
import { ensureDatabase, migrate } from '../database/database.js';
import { applyCategories, applyGradingStandards } from '../catalog/catalog.seed.js';
import { serviceAreasSeed } from '../service-areas/service-areas.seed.js';
import { applyOrganisations } from './accounts.seed.js';
import type { SeedContext } from './seed-context.js';

/**
 * Upserts organisations, then service areas and stores (stores refer to organisations), then
 * grading standards and the category tree (leaves name a standard) in one transaction.
 */
export async function applyOperatorConfig(ctx: SeedContext): Promise<void> {
  assertOperatorData();
  const organisations = await applyOrganisations(ctx);
  ctx.log(`organisations: ${organisations} applied`);
  await serviceAreasSeed.run(ctx);
  ctx.log('service areas, cut-offs and drop-off stores applied');
  const published = await ctx.dataSource.transaction(async (m) => {
    const standards = await applyGradingStandards(ctx, m);
    await applyCategories(ctx, m);
    return standards;
  });
  ctx.log(
    `grading standards: ${published.length > 0 ? `published ${published.join(', ')}` : 'unchanged'}`,
  );
  ctx.log('categories applied');
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
  console.log(
    'config applied: restart the platform to read changed repair costs, policies or regional factors',
  );
}

if (process.argv[1]?.endsWith('config-apply.js')) {
  main().catch((err: unknown) => {
    console.error(
      err instanceof ConfigError || err instanceof ConfigFileError ? `reloop: ${err.message}` : err,
    );
    process.exit(1);
  });
}
