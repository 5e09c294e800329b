import { describe, expect, it } from '@jest/globals';
import { buildTree, type Leaf, proofOf, rootOf, siblingPlaces, verifyInclusion } from './merkle.js';

const leaf = (i: number): Leaf => ({
  itemId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  seq: i + 1,
  hash: `${i}`.padStart(64, 'a'),
});

describe('checkpoint Merkle tree', () => {
  it('proves every leaf of trees of every size, and nothing else', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 33]) {
      const leaves = Array.from({ length: n }, (_, i) => leaf(i));
      const levels = buildTree(leaves);
      const root = rootOf(levels);
      for (let p = 0; p < n; p++) {
        const proof = proofOf(leaves[p], p, n, (l, i) => levels[l][i]);
        expect(verifyInclusion(proof, root)).toBe(true);
        // A rewritten head (same item, other hash or sequence number) is not in the tree.
        expect(
          verifyInclusion({ ...proof, leaf: { ...proof.leaf, seq: proof.leaf.seq + 1 } }, root),
        ).toBe(false);
        expect(
          verifyInclusion({ ...proof, leaf: { ...proof.leaf, hash: 'f'.repeat(64) } }, root),
        ).toBe(false);
      }
    }
  });

  it('changes the root when any head changes', () => {
    const leaves = Array.from({ length: 6 }, (_, i) => leaf(i));
    const root = rootOf(buildTree(leaves));
    const changed = leaves.map((l, i) => (i === 3 ? { ...l, hash: 'b'.repeat(64) } : l));
    expect(rootOf(buildTree(changed))).not.toBe(root);
  });

  it('names the only nodes a proof needs (what a stored checkpoint reads back)', () => {
    for (const n of [1, 2, 5, 8, 13, 100]) {
      const leaves = Array.from({ length: n }, (_, i) => leaf(i));
      const levels = buildTree(leaves);
      for (let p = 0; p < n; p++) {
        const stored = new Map(
          siblingPlaces(n, p).map((s) => [`${s.level}:${s.index}`, levels[s.level][s.index]]),
        );
        const proof = proofOf(leaves[p], p, n, (l, i) => stored.get(`${l}:${i}`)!);
        expect(proof).toEqual(proofOf(leaves[p], p, n, (l, i) => levels[l][i]));
        expect(verifyInclusion(proof, rootOf(levels))).toBe(true);
      }
    }
  });
});
