// Once per `jest` run: a freshly migrated template database. Each test app clones it
// (CREATE DATABASE ... TEMPLATE), so test files run in parallel without sharing data.
// RELOOP_TEST_NO_DB=1 skips this for pure unit tests.
import { ensureDatabase, migrate } from '../src/database/database.js';
import { TEMPLATE_DATABASE_URL, recreateDatabase } from './support/databases.js';

export default async function globalSetup(): Promise<void> {
  if (process.env.RELOOP_TEST_NO_DB === '1') return;
  await recreateDatabase(TEMPLATE_DATABASE_URL);
  await ensureDatabase(TEMPLATE_DATABASE_URL);
  await migrate(TEMPLATE_DATABASE_URL);
}
