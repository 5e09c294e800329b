/**
 * The Merkle tree of a history checkpoint: one leaf per item whose history changed since the
 * item's previous checkpoint, its chain head (item id, sequence number, head hash), leaves
 * sorted by item id. Leaves and inner nodes are hashed with distinct
 * prefixes (RFC 6962 style: 0x00 leaf, 0x01 node), an odd node is carried up unchanged, so a
 * leaf can never pass for a node and the root commits to every head.
 */
import { createHash } from 'node:crypto';

export const TREE_ALGORITHM = 'reloop-merkle-sha256-v1';

export interface Leaf {
  itemId: string;
  seq: number;
  hash: string;
}

export interface ProofStep {
  /** Which side the sibling sits on. */
  side: 'left' | 'right';
  hash: string;
}

export interface InclusionProof {
  treeAlgorithm: typeof TREE_ALGORITHM;
  leaf: Leaf;
  position: number;
  path: ProofStep[];
}

export function leafHash(leaf: Leaf): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(`${leaf.itemId}:${leaf.seq}:${leaf.hash}`, 'utf8')
    .digest();
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** Every level of the tree, leaves first; the last level holds the root. */
export function buildTree(leaves: readonly Leaf[]): Buffer[][] {
  const levels: Buffer[][] = [leaves.map(leafHash)];
  while (levels[levels.length - 1].length > 1) {
    const below = levels[levels.length - 1];
    const above: Buffer[] = [];
    for (let i = 0; i < below.length; i += 2) {
      above.push(i + 1 < below.length ? nodeHash(below[i], below[i + 1]) : below[i]);
    }
    levels.push(above);
  }
  return levels;
}

/** The root of an empty tree is the hash of nothing. */
export function rootOf(levels: Buffer[][]): string {
  const top = levels[levels.length - 1];
  return (top[0] ?? createHash('sha256').digest()).toString('hex');
}

/** Where a proof's sibling sits: tree level (0 = leaves), index in that level, and its side. */
export interface SiblingPlace {
  level: number;
  index: number;
  side: ProofStep['side'];
}

/**
 * The siblings on the path from leaf `position` to the root of a tree of `count` leaves, leaf
 * level first (an odd node carried up has none at that level).
 */
export function siblingPlaces(count: number, position: number): SiblingPlace[] {
  const places: SiblingPlace[] = [];
  let i = position;
  for (let level = 0, size = count; size > 1; level++, size = Math.ceil(size / 2)) {
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    if (sibling < size)
      places.push({ level, index: sibling, side: i % 2 === 0 ? 'right' : 'left' });
    i = Math.floor(i / 2);
  }
  return places;
}

/** The proof of one leaf, its siblings' hashes taken from `hashAt(level, index)`. */
export function proofOf(
  leaf: Leaf,
  position: number,
  count: number,
  hashAt: (level: number, index: number) => Buffer,
): InclusionProof {
  const path = siblingPlaces(count, position).map((p) => ({
    side: p.side,
    hash: hashAt(p.level, p.index).toString('hex'),
  }));
  return { treeAlgorithm: TREE_ALGORITHM, leaf, position, path };
}

/** Recomputes the root from a leaf and its path; true when it is the signed root. */
export function verifyInclusion(proof: InclusionProof, root: string): boolean {
  if (proof.treeAlgorithm !== TREE_ALGORITHM || !Array.isArray(proof.path)) return false;
  let h = leafHash(proof.leaf);
  for (const step of proof.path) {
    if (!/^[0-9a-f]{64}$/.test(step.hash)) return false;
    const sibling = Buffer.from(step.hash, 'hex');
    h = step.side === 'left' ? nodeHash(sibling, h) : nodeHash(h, sibling);
  }
  return h.toString('hex') === root;
}
