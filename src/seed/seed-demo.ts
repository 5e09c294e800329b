// `npm run seed:demo`: a realistic demo on the configured database (idempotent).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { ensureDatabase, migrate } from '../database/database.js';
import { siteUrls } from '../platform/site-urls.js';
import { DEMO_PASSWORD } from './accounts.seed.js';
import type { SeedContext } from './seed-context.js';
import { seedDemo } from './seed-steps.js';

async function main(): Promise<void> {
  // The API mode builds no workers: seeding writes jobs to the outbox, and the platform's
  // workers (npm start) run them.
  // The demo chooses the erasure simulator (it erases nothing; production refuses it) unless
  // ERASURE_STATION says otherwise, so that the seeded journey runs on a fresh machine.
  const env = { ...process.env };
  if (env.NODE_ENV !== 'production' && !env.ERASURE_STATION) {
    env.ERASURE_STATION = 'simulated';
    console.log(
      'reloop: demo seed with ERASURE_STATION=simulated: erasure certificates are SIMULATED (no data is erased); run `npm start` the same way',
    );
  }
  const config = { ...loadConfig(env, 'api'), logLevel: 'warn' };
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
  const urls = siteUrls(config);
  console.log(
    `\nDemo ready. Start the platform (\`npm start\`), open the console at ${urls.console}`,
  );
  console.log(`and log in with any of these (password: ${DEMO_PASSWORD}):`);
  for (const [key, u] of Object.entries(ctx.users))
    console.log(`  ${u.role.padEnd(10)} ${u.email}  (${key})`);
  console.log(`The public market is at ${urls.market}, the API docs at ${urls.apiDocs}.`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? `reloop: ${err.message}` : err);
  process.exit(1);
});
