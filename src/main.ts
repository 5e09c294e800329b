// Entry point: `node dist/src/main.js [api|worker|all|station|health]` (default: all, for one
// machine). `station` is the wiping station on the machine the drives are plugged into
// (docs/erasure.md); `health` asks the running process on this machine (container HEALTHCHECK).
import 'reflect-metadata';
import cluster from 'node:cluster';
import { ConfigError, loadConfig } from './config/app-config.js';
import { ConfigFileError } from './config/operator-data.js';
import { boundHeapGrowth } from './platform/boot-memory.js';

try {
  if (process.argv[2] === 'station') {
    const { stationCli } = await import('./station/cli.js');
    await stationCli(process.argv.slice(3), process.env);
    process.exit(0);
  }
  if (process.argv[2] === 'health') {
    const { healthCli } = await import('./platform/health-cli.js');
    process.exit(await healthCli(process.argv.slice(3), process.env));
  }
  boundHeapGrowth();
  const config = loadConfig(process.env, process.argv[2]);
  // Loaded here, not at the top: the station mode never needs the platform's modules.
  const { prepare, start } = await import('./bootstrap.js');
  if (config.apiWorkers > 1 && cluster.isPrimary) {
    // API_WORKERS: this process supervises that many API processes on one port.
    const { superviseApi } = await import('./platform/api-supervisor.js');
    process.exit(await superviseApi(config, prepare));
  }
  const app = await start(config, { prepared: cluster.isWorker });
  // Graceful shutdown: stop taking requests and jobs, let running ones finish, close
  // connections, exit 0. A second signal exits at once. An API worker is asked by its
  // supervisor with a message (the supervisor got the signal).
  let closing = false;
  const shutdown = () => {
    closing = true;
    void app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => (closing ? process.exit(1) : shutdown()));
  }
  process.on('message', (message: { type?: string } | null) => {
    if (message?.type === 'reloop:shutdown' && !closing) shutdown();
  });
} catch (err) {
  if (err instanceof ConfigError || err instanceof ConfigFileError) {
    console.error(`reloop: ${err.message}`);
  } else {
    console.error('reloop: failed to start:', err);
  }
  process.exit(1);
}
