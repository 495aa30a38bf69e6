// The empty-subtree short-cut (merkle-tree.ts flush): a parent of two empty children takes the cached
// empty value instead of a hash. Roots must equal the definition (the conformance vectors pin them
// for real checkpoints); the permutation counts show the short-cut actually fires.

import { describe, expect, it } from 'vitest';
import { CheckpointGenerator } from '../../../core/generate.js';
import type { Checkpoint } from '../../../core/schema.js';
import { hashPair, permutationCount } from '../src/hash/poseidon2.js';
import { ChainState } from '../src/index.js';
import { emptySubtreeRoot, MerkleTree } from '../src/trees/merkle-tree.js';

/** Root by the definition: every one of the 2^h positions hashed level by level. */
function naiveRoot(height: number, leaves: Map<number, bigint>): bigint {
  let level = Array.from({ length: 2 ** height }, (_, i) => leaves.get(i) ?? 0n);
  while (level.length > 1) level = Array.from({ length: level.length / 2 }, (_, i) => hashPair(level[2 * i], level[2 * i + 1]));
  return level[0];
}

describe('empty-subtree short-cut', () => {
  it('gives the defined root for leaves that include zeros, after writes, commits and rollbacks', () => {
    const t = new MerkleTree(6);
    const leaves = new Map<number, bigint>();
    const write = (i: number, v: bigint) => {
      t.setLeaf(i, v);
      leaves.set(i, v);
    };
    for (let i = 0; i < 20; i++) write(i, i % 3 === 0 ? 0n : BigInt(i) * 1_000_003n);
    expect(t.root()).toBe(naiveRoot(6, leaves));
    t.commit();
    const committed = new Map(leaves);
    // zero out a whole aligned block of 8 and write a zero far right: empty subtrees inside a written region
    for (let i = 8; i < 16; i++) write(i, 0n);
    write(63, 0n);
    expect(t.root()).toBe(naiveRoot(6, leaves));
    t.rollback();
    expect(t.root()).toBe(naiveRoot(6, committed));
  });

  it('hashes only non-empty pairs: 40 zero leaves at height 42 cost no permutation', () => {
    const t = new MerkleTree(42);
    emptySubtreeRoot(42); // fill the cache first
    const before = permutationCount();
    for (let i = 0; i < 40; i++) t.setLeaf(i, 0n);
    expect(t.root()).toBe(emptySubtreeRoot(42));
    expect(permutationCount() - before).toBe(0);
    t.setLeaf(5, 7n);
    const one = permutationCount();
    t.root();
    expect(permutationCount() - one).toBe(42); // one path, every sibling empty but the node itself not
  });

  it('an empty aztec checkpoint costs 41 permutations (1,090 without the short-cut)', () => {
    const state = ChainState.genesis('aztec');
    const cp = new CheckpointGenerator({ profile: 'aztec', seed: 1 }).next() as Extract<Checkpoint, { form: 'blocks' }>;
    const empty: Checkpoint = { ...cp, l1ToL2Messages: [], blocks: [{ ...cp.blocks[0], txs: [] }] };
    const before = permutationCount();
    const o = state.apply(empty);
    const used = permutationCount() - before;
    expect(o.status, o.status === 'rejected' ? `${o.code}: ${o.message}` : '').toBe('accepted');
    // the header hashes, the archive path and the out-hash still need hashing; 1,090 before the short-cut
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(100); // 41 when written
  });
});
