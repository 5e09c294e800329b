import { describe, expect, it } from '@jest/globals';
import { capabilityMatrix, techniqueAchieves, techniquesFor } from './methods.js';
import { MEDIA_TYPES } from './types.js';

describe('techniqueAchieves', () => {
  it('treats one overwrite pass as Clear on magnetic media, never more', () => {
    expect(techniqueAchieves('hdd', 'overwrite', 1)).toBe('Clear');
    expect(techniqueAchieves('hdd', 'overwrite', 35)).toBe('Clear');
    expect(techniqueAchieves('hdd', 'overwrite', 0)).toBeNull();
    expect(techniqueAchieves('hdd', 'overwrite')).toBe('Clear');
  });

  it('purges hard drives with firmware commands, crypto erase and degaussing', () => {
    for (const t of [
      'ata-secure-erase',
      'ata-sanitize',
      'nvme-sanitize',
      'crypto-erase',
      'degauss',
    ] as const) {
      expect(techniqueAchieves('hdd', t)).toBe('Purge');
    }
    expect(techniqueAchieves('hdd', 'block-erase')).toBeNull();
  });

  it('never clears or purges flash with ATA Secure Erase alone', () => {
    for (const media of ['ssd', 'flash', 'emmc'] as const) {
      expect(techniqueAchieves(media, 'ata-secure-erase')).toBeNull();
    }
  });

  it('never purges flash by overwriting, however many passes', () => {
    for (const media of ['ssd', 'flash', 'emmc'] as const) {
      expect(techniqueAchieves(media, 'overwrite', 1)).toBe('Clear');
      expect(techniqueAchieves(media, 'overwrite', 7)).toBe('Clear');
    }
  });

  it('purges flash by block erase or crypto erase, and SSDs by sanitize commands', () => {
    for (const media of ['ssd', 'flash', 'emmc'] as const) {
      expect(techniqueAchieves(media, 'block-erase')).toBe('Purge');
      expect(techniqueAchieves(media, 'crypto-erase')).toBe('Purge');
    }
    expect(techniqueAchieves('ssd', 'nvme-sanitize')).toBe('Purge');
    expect(techniqueAchieves('ssd', 'ata-sanitize')).toBe('Purge');
    expect(techniqueAchieves('flash', 'nvme-sanitize')).toBeNull();
  });

  it('degaussing does nothing to flash', () => {
    for (const media of ['ssd', 'flash', 'emmc'] as const)
      expect(techniqueAchieves(media, 'degauss')).toBeNull();
  });

  it('destroys every medium by shredding or disintegration', () => {
    for (const media of MEDIA_TYPES) {
      expect(techniqueAchieves(media, 'shred')).toBe('Destroy');
      expect(techniqueAchieves(media, 'disintegrate')).toBe('Destroy');
    }
  });

  it('lists techniques per medium and a full matrix', () => {
    expect(techniquesFor('flash')).toEqual([
      'overwrite',
      'block-erase',
      'crypto-erase',
      'shred',
      'disintegrate',
    ]);
    expect(capabilityMatrix()).toHaveLength(4 * 9);
  });
});
