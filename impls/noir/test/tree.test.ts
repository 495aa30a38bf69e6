// The hint generator's Merkle tree with the empty-subtree short-cut gives the defined roots.

import { beforeAll, describe, expect, it } from 'vitest';
import { hash2, initPoseidon } from '../src/poseidon.js';
import { MerkleTree } from '../src/tree.js';

function naiveRoot(height: number, leaves: bigint[]): bigint {
  let level = Array.from({ length: 2 ** height }, (_, i) => leaves[i] ?? 0n);
  while (level.length > 1) level = Array.from({ length: level.length / 2 }, (_, i) => hash2(level[2 * i], level[2 * i + 1]));
  return level[0];
}

describe('noir hint generator tree', () => {
  beforeAll(() => initPoseidon());
  it('roots equal the definition with zero leaves, overwrites back to zero and clones', () => {
    const t = new MerkleTree(4);
    const leaves: bigint[] = [];
    for (const [i, v] of [[0, 5n], [1, 0n], [2, 0n], [3, 0n], [4, 9n], [8, 0n], [9, 0n], [4, 0n], [15, 3n]] as [number, bigint][]) {
      t.set(i, v);
      leaves[i] = v;
      expect(t.root).toBe(naiveRoot(4, leaves));
    }
    const c = t.clone();
    c.set(7, 0n);
    c.set(6, 11n);
    leaves[6] = 11n;
    expect(c.root).toBe(naiveRoot(4, leaves));
  });
});
