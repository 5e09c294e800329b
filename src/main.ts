// Entry point: `node dist/src/main.js [api|worker|all]` (default: all, for one machine).
import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/app-config.js';
import { start } from './bootstrap.js';

try {
  const config = loadConfig(process.env, process.argv[2]);
  await start(config);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`reloop: ${err.message}`);
  } else {
    console.error('reloop: failed to start:', err);
  }
  process.exit(1);
}
