/**
 * Shared vocabulary of the erasure engine: media, techniques, sanitization levels and the
 * normalised record of one erasure run, whatever produced it (simulated station, nwipe, Blancco).
 */

/** Storage media we sanitize. `flash` = phones and tablets (UFS/eMMC behind a mobile OS). */
export const MEDIA_TYPES = ['hdd', 'ssd', 'flash', 'emmc'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** NIST SP 800-88 Rev.1 sanitization levels, weakest first. */
export const SANITIZATION_LEVELS = ['Clear', 'Purge', 'Destroy'] as const;
export type SanitizationLevel = (typeof SANITIZATION_LEVELS)[number];

export const TECHNIQUES = [
  /** Write a pattern over every user-addressable sector, `passes` times. */
  'overwrite',
  /** Erase every physical flash block, over-provisioned ones included (sanitize BLOCK ERASE, eMMC/UFS sanitize). */
  'block-erase',
  /** Destroy the media encryption key (SED, sanitize CRYPTO SCRAMBLE, phone factory reset with FBE). */
  'crypto-erase',
  /** Legacy ATA Security feature set SECURITY ERASE UNIT. */
  'ata-secure-erase',
  /** ATA Sanitize Device feature set (overwrite / crypto scramble / block erase, as the drive supports). */
  'ata-sanitize',
  /** NVMe Sanitize command (block erase / crypto erase / overwrite). */
  'nvme-sanitize',
  /** Expose magnetic media to a strong field; the drive is unusable afterwards. */
  'degauss',
  'shred',
  'disintegrate',
] as const;
export type Technique = (typeof TECHNIQUES)[number];

/** Techniques that leave no reusable device: only a destruction certificate can follow. */
export const DESTRUCTIVE_TECHNIQUES: readonly Technique[] = ['shred', 'disintegrate'];

export type VerificationMethod = 'full' | 'sample' | 'none';
export type VerificationOutcome = 'passed' | 'failed' | 'not-run';

/**
 * A station's own read-back after the tool finished (issue 17): the first and last blocks plus
 * a seeded random share of the device, each compared with the pattern the last pass wrote.
 * The seed and algorithm reproduce the offsets; their digest lets an auditor check a replay.
 */
export interface VerificationSample {
  seed: string;
  algorithm: 'sfc32-sha256';
  blockBytes: number;
  deviceBlocks: number;
  sampledBlocks: number;
  fraction: number;
  /** The byte every sampled byte must hold, hex ('00' after a zero pass). */
  expectedByte: string;
  mismatchedBlocks: number;
  firstMismatchOffset?: number;
  offsetsSha256: string;
  outcome: 'passed' | 'failed';
}

/** One storage medium of an item (a laptop with two drives has two). */
export interface Medium {
  /** Platform id of the medium, when known. */
  id?: string;
  mediaType: MediaType;
  serial: string;
  manufacturer?: string;
  model?: string;
  capacityBytes: number;
  /** Trace code of the item the medium came out of (NIST "media source"). */
  itemTraceCode?: string;
  /** Commands the device reported support for; when absent every technique is assumed possible. */
  supports?: readonly Technique[];
}

/** Normalised record of one erasure run, produced by a station or an imported report. */
export interface ErasureRunRecord {
  /** Where the record came from: 'simulated', 'nwipe', 'blancco', or a station name. */
  source: string;
  tool: { name: string; version: string };
  serial: string;
  manufacturer?: string;
  model?: string;
  capacityBytes?: number;
  /** Bytes written at least once, when the tool reports it (nwipe "Bytes Erased"). */
  bytesErased?: number;
  /** Bytes written over all passes, when the station counted them. */
  bytesWritten?: number;
  /** null when the tool's method name could not be mapped to a technique with confidence. */
  technique: Technique | null;
  /** The tool's own method label, kept verbatim for the certificate and audits. */
  methodName: string;
  passesRequested?: number;
  passesCompleted: number;
  verification: {
    method: VerificationMethod;
    outcome: VerificationOutcome;
    sample?: VerificationSample;
  };
  status: 'succeeded' | 'failed';
  /** ISO-8601 UTC. */
  startedAt: string;
  /** ISO-8601 UTC. */
  finishedAt: string;
  host?: string;
  operator?: string;
  failureReason?: string;
  logs: string[];
}

const LEVEL_RANK: Record<SanitizationLevel, number> = { Clear: 1, Purge: 2, Destroy: 3 };

/** Compares levels; null (not sanitized) ranks below Clear. */
export function levelRank(level: SanitizationLevel | null): number {
  return level === null ? 0 : LEVEL_RANK[level];
}

export function levelAtLeast(level: SanitizationLevel | null, minimum: SanitizationLevel): boolean {
  return levelRank(level) >= LEVEL_RANK[minimum];
}

/**
 * Serial numbers are compared upper-cased and without whitespace: tools pad them (ATA IDENTIFY
 * fills the field with spaces) and print them in either case. Hyphens stay significant.
 */
export function normaliseSerial(serial: string): string {
  return serial.toUpperCase().replace(/\s+/g, '');
}

export function isMediaType(value: unknown): value is MediaType {
  return typeof value === 'string' && (MEDIA_TYPES as readonly string[]).includes(value);
}

export function isTechnique(value: unknown): value is Technique {
  return typeof value === 'string' && (TECHNIQUES as readonly string[]).includes(value);
}
