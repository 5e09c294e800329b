import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../config/app-config.js';
import { loadPrivateKey } from '../erasure/domain/index.js';

/** Settings of `node dist/src/main.js station` (docs/erasure.md); read once at start-up. */
export interface StationConfig {
  /** The platform's base URL, e.g. https://reloop.example.com (the API is under /api/v1). */
  platformUrl: string;
  stationId: string;
  privateKeyPem: string;
  /** Device paths the station may wipe (`*` matches anything), e.g. /dev/sd*,/dev/nvme*n1. */
  devices: string[];
  /**
   * Identity of loop devices (they have no serial): backing file → serial. Tests and demos
   * only; a real drive's serial always comes from the kernel and cannot be configured.
   */
  loopSerials: Map<string, string>;
  pollMs: number;
  progressMs: number;
  workDir: string;
  nwipe: string;
  /** nwipe --sync: fdatasync after this many writes (lower finds write errors sooner). */
  nwipeSync: number;
  /** Share of the device read back by the station's own sample, in percent (≥ 1). */
  samplePercent: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function int(env: Record<string, string | undefined>, name: string, def: number, min: number) {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) {
    throw new ConfigError(`Invalid setting ${name}=${JSON.stringify(raw)}: a number ≥ ${min}`);
  }
  return n;
}

export function loadStationConfig(env: Record<string, string | undefined>): StationConfig {
  const platformUrl = (env.STATION_PLATFORM_URL ?? '').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(platformUrl)) {
    throw new ConfigError(
      'STATION_PLATFORM_URL is required: the platform address, e.g. https://reloop.example.com',
    );
  }
  const stationId = env.STATION_ID ?? '';
  if (!UUID.test(stationId)) {
    throw new ConfigError(
      'STATION_ID is required: the id the platform gave when an admin registered this station (POST /api/v1/stations)',
    );
  }
  let pem = env.STATION_KEY?.replace(/\\n/g, '\n');
  if (!pem && env.STATION_KEY_FILE) {
    try {
      pem = readFileSync(env.STATION_KEY_FILE, 'utf8');
    } catch (err) {
      throw new ConfigError(
        `STATION_KEY_FILE=${env.STATION_KEY_FILE} cannot be read (${(err as Error).message})`,
      );
    }
  }
  if (!pem) {
    throw new ConfigError(
      'STATION_KEY_FILE is required: the station private key made by `node dist/src/main.js station keygen --out <file>`',
    );
  }
  try {
    loadPrivateKey(pem);
  } catch {
    throw new ConfigError('The station key is not an Ed25519 private key in PEM');
  }
  const devices = (env.STATION_DEVICES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (devices.length === 0 || devices.some((d) => !d.startsWith('/dev/'))) {
    throw new ConfigError(
      'STATION_DEVICES is required: the drive bays this station may wipe, e.g. /dev/sd[b-z] is written /dev/sdb,/dev/sdc or /dev/sd* (never the disk the station runs from)',
    );
  }
  const loopSerials = new Map<string, string>();
  for (const entry of (env.STATION_LOOP_SERIALS ?? '').split(',').filter((s) => s.trim())) {
    const at = entry.lastIndexOf('=');
    if (at <= 0) {
      throw new ConfigError(
        `Invalid STATION_LOOP_SERIALS entry ${JSON.stringify(entry)}: write <backing file>=<serial>`,
      );
    }
    loopSerials.set(resolve(entry.slice(0, at).trim()), entry.slice(at + 1).trim());
  }
  const samplePercent = int(env, 'STATION_SAMPLE_PERCENT', 1, 1);
  if (samplePercent > 100) {
    throw new ConfigError('Invalid setting STATION_SAMPLE_PERCENT: between 1 and 100');
  }
  return {
    platformUrl,
    stationId,
    privateKeyPem: pem,
    devices,
    loopSerials,
    pollMs: int(env, 'STATION_POLL_MS', 5000, 50),
    progressMs: int(env, 'STATION_PROGRESS_MS', 5000, 50),
    workDir: env.STATION_WORK_DIR ?? 'station-logs',
    nwipe: env.STATION_NWIPE ?? 'nwipe',
    nwipeSync: int(env, 'STATION_NWIPE_SYNC', 100000, 0),
    samplePercent,
  };
}

/** `*` matches any run of characters; everything else literally. */
export function deviceAllowed(patterns: readonly string[], path: string): boolean {
  return patterns.some((p) =>
    new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(path),
  );
}
