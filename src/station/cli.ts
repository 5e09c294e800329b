import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../config/app-config.js';
import { generateSigningKeyPair, signReport } from '../erasure/domain/index.js';
import { loadStationConfig } from './station-config.js';
import { StationAgent } from './station-agent.js';

const USAGE = `usage: node dist/src/main.js station [run | keygen [--out <file>] | sign-report <erasure id> <report file> [--format nwipe|blancco]]`;

/**
 * `station`: the wiping station (see docs/erasure.md).
 *   run (default)  poll the platform and wipe (STATION_* settings)
 *   keygen         make the station's Ed25519 key pair; prints the public key to register
 *   sign-report    sign a vendor report for import (prints the import-report body)
 */
export async function stationCli(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<void> {
  const [command = 'run', ...rest] = args;
  const option = (name: string) => {
    const at = rest.indexOf(name);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  if (command === 'keygen') {
    const keys = generateSigningKeyPair();
    const out = option('--out');
    if (out) {
      writeFileSync(out, keys.privateKeyPem, { mode: 0o600, flag: 'wx' });
      console.error(`private key written to ${out} (keep it on this station only)`);
    } else {
      console.log(keys.privateKeyPem);
    }
    console.log(`# key id ${keys.keyId}: register this public key with POST /api/v1/stations`);
    console.log(keys.publicKeyPem.trim());
    return;
  }
  if (command === 'sign-report') {
    const [erasureId, file] = rest.filter(
      (a, i) => !a.startsWith('--') && rest[i - 1] !== '--format',
    );
    if (!erasureId || !file) throw new ConfigError(USAGE);
    const keyPem =
      env.STATION_KEY?.replace(/\\n/g, '\n') ??
      (env.STATION_KEY_FILE ? readFileSync(env.STATION_KEY_FILE, 'utf8') : undefined);
    if (!env.STATION_ID || !keyPem) {
      throw new ConfigError('sign-report needs STATION_ID and STATION_KEY_FILE');
    }
    const content = readFileSync(file, 'utf8');
    const format = option('--format');
    const body = {
      content,
      ...(format ? { format } : {}),
      ...signReport({ stationId: env.STATION_ID, privateKey: keyPem, erasureId, content }),
    };
    console.log(JSON.stringify(body));
    return;
  }
  if (command !== 'run') throw new ConfigError(USAGE);
  const agent = new StationAgent(loadStationConfig(env));
  let signals = 0;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      // First signal: finish the current wipe and its report; second: stop at once (the
      // platform's lease runs out and the wipe is run again).
      if (++signals > 1) process.exit(1);
      agent.stop();
    });
  }
  await agent.start();
}
