// `npm run seed:demo`: a realistic demo on the configured database (idempotent).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { ensureDatabase, migrate } from '../database/database.js';
import { DEMO_PASSWORD } from './accounts.seed.js';
import type { SeedContext } from './seed-context.js';
import { seedDemo } from './seed-steps.js';

async function main(): Promise<void> {
  // The API mode builds no workers: seeding writes jobs to the outbox, and the platform's
  // workers (npm start) run them.
  const config = { ...loadConfig(process.env, 'api'), logLevel: 'warn' };
  await ensureDatabase(config.databaseUrl);
  await migrate(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  const ctx: SeedContext = {
    app,
    dataSource: app.get(DataSource),
    organisations: {},
    users: {},
    log: (line) => console.log(line),
  };
  try {
    await seedDemo(ctx);
  } finally {
    await app.close();
  }
  console.log(`\nDemo ready. Log in with any of these (password: ${DEMO_PASSWORD}):`);
  for (const [key, u] of Object.entries(ctx.users))
    console.log(`  ${u.role.padEnd(10)} ${u.email}  (${key})`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? `reloop: ${err.message}` : err);
  process.exit(1);
});
