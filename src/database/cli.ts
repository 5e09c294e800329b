// `npm run migration:run` / `migration:revert`: the same code path the server uses at boot.
import { loadConfig } from '../config/app-config.js';
import { ensureDatabase, migrate, revertLastMigration } from './database.js';

const command = process.argv[2];
const config = loadConfig(process.env);
if (command === 'run') {
  await ensureDatabase(config.databaseUrl);
  const applied = await migrate(config.databaseUrl);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Schema is up to date');
} else if (command === 'revert') {
  await revertLastMigration(config.databaseUrl);
  console.log('Reverted the last migration');
} else {
  console.error('usage: cli.js run|revert');
  process.exitCode = 2;
}
