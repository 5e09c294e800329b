import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { seededRandom, type VerificationSample } from '../erasure/domain/index.js';

/** Read-back unit of the sample: small enough for 1 % of a large drive, big enough to be fast. */
export const SAMPLE_BLOCK_BYTES = 64 * 1024;

/**
 * The byte offsets the sample reads: block 0, the last block and a seeded random choice of the
 * others, together at least `percent` % of the blocks, sorted. The same seed gives the same
 * offsets (sfc32 seeded with SHA-256 of the seed and the device size).
 */
export function sampleOffsets(
  sizeBytes: number,
  percent: number,
  seed: string,
  blockBytes = SAMPLE_BLOCK_BYTES,
): number[] {
  const blocks = Math.ceil(sizeBytes / blockBytes);
  const wanted = Math.min(blocks, Math.max(2, Math.ceil((blocks * percent) / 100) + 2));
  const picked = new Set<number>([0, blocks - 1]);
  if (wanted >= blocks) for (let b = 0; b < blocks; b++) picked.add(b);
  const random = seededRandom('reloop-sample-v1', seed, sizeBytes, blockBytes);
  while (picked.size < wanted) picked.add(Math.floor(random() * blocks));
  return [...picked].sort((a, b) => a - b).map((b) => b * blockBytes);
}

/**
 * The station's own verification after the tool: drop the kernel's cached copy of the device
 * (so the reads come from the medium, not from what nwipe just wrote into the page cache), read
 * the sampled blocks and compare every byte with the pattern the last pass wrote.
 */
export async function verifySample(input: {
  device: string;
  sizeBytes: number;
  percent: number;
  expectedByte: number;
  seed?: string;
}): Promise<VerificationSample> {
  const seed = input.seed ?? randomBytes(16).toString('hex');
  await promisify(execFile)('blockdev', ['--flushbufs', input.device]);
  const offsets = sampleOffsets(input.sizeBytes, input.percent, seed);
  const blocks = Math.ceil(input.sizeBytes / SAMPLE_BLOCK_BYTES);
  const expected = Buffer.alloc(SAMPLE_BLOCK_BYTES, input.expectedByte);
  const buffer = Buffer.alloc(SAMPLE_BLOCK_BYTES);
  let mismatched = 0;
  let firstMismatch: number | undefined;
  const handle = await open(input.device, 'r');
  try {
    for (const offset of offsets) {
      const length = Math.min(SAMPLE_BLOCK_BYTES, input.sizeBytes - offset);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await handle.read(buffer, read, length - read, offset + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      if (read < length || !buffer.subarray(0, length).equals(expected.subarray(0, length))) {
        mismatched++;
        firstMismatch ??= offset;
      }
    }
  } finally {
    await handle.close();
  }
  return {
    seed,
    algorithm: 'sfc32-sha256',
    blockBytes: SAMPLE_BLOCK_BYTES,
    deviceBlocks: blocks,
    sampledBlocks: offsets.length,
    fraction: Math.round((offsets.length / blocks) * 1e6) / 1e6,
    expectedByte: input.expectedByte.toString(16).padStart(2, '0'),
    mismatchedBlocks: mismatched,
    ...(firstMismatch !== undefined ? { firstMismatchOffset: firstMismatch } : {}),
    offsetsSha256: createHash('sha256').update(offsets.join('\n')).digest('hex'),
    outcome: mismatched === 0 ? 'passed' : 'failed',
  };
}
