/**
 * Which sanitization technique achieves which NIST SP 800-88 Rev.1 level on which medium.
 *
 * The table follows Appendix A of SP 800-88 Rev.1, made stricter where the guideline trusts
 * firmware that research showed unreliable on flash (Wei et al., "Reliably Erasing Data From
 * Flash-Based Solid State Drives", FAST 2011): on SSD/flash/eMMC
 *  - an overwrite only reaches user-addressable LBAs, never the over-provisioned or remapped
 *    blocks, so it is Clear at best and never Purge;
 *  - ATA SECURITY ERASE UNIT was designed for magnetic drives and is implemented inconsistently
 *    (some drives report success and erase nothing), so on its own it achieves nothing.
 * Degaussing has no effect on flash. Physical destruction is Destroy everywhere.
 */
import {
  MEDIA_TYPES,
  type MediaType,
  type SanitizationLevel,
  type Technique,
  TECHNIQUES,
} from './types.js';

/** What one technique achieves on one medium; `minPasses` applies to overwrite only. */
interface Capability {
  level: SanitizationLevel;
  minPasses?: number;
}

type CapabilityTable = Record<MediaType, Partial<Record<Technique, Capability>>>;

const DESTROY: Capability = { level: 'Destroy' };
const PURGE: Capability = { level: 'Purge' };
const CLEAR_BY_ONE_PASS: Capability = { level: 'Clear', minPasses: 1 };

const TABLE: CapabilityTable = {
  hdd: {
    // SP 800-88: one pass of a fixed pattern is Clear for magnetic media; more passes
    // do not raise the level (they do not reach reallocated sectors either).
    overwrite: CLEAR_BY_ONE_PASS,
    'ata-secure-erase': PURGE,
    'ata-sanitize': PURGE,
    // NVMe-attached hard drives exist; their Sanitize (overwrite) is Purge as for ATA.
    'nvme-sanitize': PURGE,
    'crypto-erase': PURGE,
    degauss: PURGE,
    shred: DESTROY,
    disintegrate: DESTROY,
  },
  ssd: {
    overwrite: CLEAR_BY_ONE_PASS,
    'block-erase': PURGE,
    'crypto-erase': PURGE,
    'ata-sanitize': PURGE,
    'nvme-sanitize': PURGE,
    shred: DESTROY,
    disintegrate: DESTROY,
  },
  flash: {
    // Phones/tablets: an app overwriting the user partition is Clear; a factory reset with
    // file-based encryption (crypto erase) or a UFS/eMMC purge (block erase) is Purge.
    overwrite: CLEAR_BY_ONE_PASS,
    'block-erase': PURGE,
    'crypto-erase': PURGE,
    shred: DESTROY,
    disintegrate: DESTROY,
  },
  emmc: {
    overwrite: CLEAR_BY_ONE_PASS,
    // eMMC 4.5+ SANITIZE after ERASE of the whole user area.
    'block-erase': PURGE,
    'crypto-erase': PURGE,
    shred: DESTROY,
    disintegrate: DESTROY,
  },
};

/**
 * The NIST level a technique achieves on a medium, or null when it does not sanitize that
 * medium at all (wrong media, or too few overwrite passes). `passes` only matters for
 * overwrite and defaults to 1.
 */
export function techniqueAchieves(
  mediaType: MediaType,
  technique: Technique,
  passes = 1,
): SanitizationLevel | null {
  const capability = TABLE[mediaType]?.[technique];
  if (!capability) return null;
  if (capability.minPasses !== undefined && !(passes >= capability.minPasses)) return null;
  return capability.level;
}

/** Techniques that achieve at least something on the medium, in declaration order. */
export function techniquesFor(mediaType: MediaType): Technique[] {
  return TECHNIQUES.filter((t) => techniqueAchieves(mediaType, t) !== null);
}

/** Every (media, technique) pair with its level; for documentation screens and audits. */
export function capabilityMatrix(): Array<{
  mediaType: MediaType;
  technique: Technique;
  level: SanitizationLevel | null;
}> {
  return MEDIA_TYPES.flatMap((mediaType) =>
    TECHNIQUES.map((technique) => ({
      mediaType,
      technique,
      level: techniqueAchieves(mediaType, technique),
    })),
  );
}

/** Human label for certificates ("Block erase", "NVMe Sanitize", ...). */
export const TECHNIQUE_LABELS: Record<Technique, string> = {
  overwrite: 'Overwrite',
  'block-erase': 'Block erase',
  'crypto-erase': 'Cryptographic erase',
  'ata-secure-erase': 'ATA Secure Erase',
  'ata-sanitize': 'ATA Sanitize',
  'nvme-sanitize': 'NVMe Sanitize',
  degauss: 'Degauss',
  shred: 'Shred',
  disintegrate: 'Disintegrate',
};
