// Sparse binary Merkle tree with journaled nodes (spec §2). Only written nodes are stored; an
// absent node equals the empty-subtree value of its level. Leaf writes mark paths dirty and the
// root is recomputed lazily, visiting each dirty node once: a batch of n leaves costs about
// n + height hashes, a single leaf `height` hashes, independent of how many leaves exist.

import { hashPair } from '../hash/poseidon2.js';
import { Journal } from './journal.js';

const zeroCache: bigint[] = [0n];

/** Forgets the empty-subtree values computed so far (see clearCaches in index.ts). */
export function clearEmptySubtreeRoots(): void {
  zeroCache.length = 1;
}

/** Empty-subtree value at `level` (Z_0 = 0, Z_{k+1} = H(Z_k, Z_k)). */
export function emptySubtreeRoot(level: number): bigint {
  while (zeroCache.length <= level) {
    const z = zeroCache[zeroCache.length - 1];
    zeroCache.push(hashPair(z, z));
  }
  return zeroCache[level];
}

export class MerkleTree {
  private levels: Journal<number, bigint>[] = [];
  private dirty = new Set<number>();
  private currentRoot: bigint;
  private committedRoot: bigint;

  constructor(readonly height: number) {
    for (let l = 0; l <= height; l++) this.levels.push(new Journal());
    this.currentRoot = this.committedRoot = emptySubtreeRoot(height);
  }

  get capacity(): number {
    return 2 ** this.height;
  }

  getLeaf(index: number): bigint {
    return this.levels[0].get(index) ?? 0n;
  }

  setLeaf(index: number, value: bigint): void {
    this.levels[0].set(index, value);
    this.dirty.add(index);
  }

  root(): bigint {
    if (this.dirty.size > 0) this.flush();
    return this.currentRoot;
  }

  /** Sibling path of a leaf, bottom-up (used by tests and the benchmark, not by the STF). */
  siblingPath(index: number): bigint[] {
    this.root();
    const path: bigint[] = [];
    let i = index;
    for (let l = 0; l < this.height; l++) {
      const sib = i % 2 === 0 ? i + 1 : i - 1;
      path.push(this.levels[l].get(sib) ?? emptySubtreeRoot(l));
      i = Math.floor(i / 2);
    }
    return path;
  }

  commit(): void {
    this.root();
    for (const level of this.levels) level.commit();
    this.committedRoot = this.currentRoot;
  }

  rollback(): void {
    for (const level of this.levels) level.rollback();
    this.dirty.clear();
    this.currentRoot = this.committedRoot;
  }

  /** An independent copy of a committed tree (no uncommitted writes). */
  clone(): MerkleTree {
    if (this.dirty.size > 0 || this.currentRoot !== this.committedRoot) throw new Error('internal: copying a tree with uncommitted writes');
    const copy = new MerkleTree(this.height);
    copy.levels = this.levels.map((level) => level.clone());
    copy.currentRoot = copy.committedRoot = this.committedRoot;
    return copy;
  }

  private flush(): void {
    let indices = this.dirty;
    this.dirty = new Set();
    for (let l = 0; l < this.height; l++) {
      const nodes = this.levels[l];
      const parentNodes = this.levels[l + 1];
      const zero = emptySubtreeRoot(l);
      const zeroAbove = emptySubtreeRoot(l + 1);
      const parents = new Set<number>();
      for (const i of indices) {
        // Indices reach 2^42: use division, not bit shifts (which truncate to 32 bits).
        const p = Math.floor(i / 2);
        if (parents.has(p)) continue;
        parents.add(p);
        const left = nodes.get(2 * p) ?? zero;
        const right = nodes.get(2 * p + 1) ?? zero;
        // Two empty children (e.g. zero padding leaves) make the cached empty value: no hash.
        parentNodes.set(p, left === zero && right === zero ? zeroAbove : hashPair(left, right));
      }
      indices = parents;
    }
    this.currentRoot = this.levels[this.height].get(0) ?? emptySubtreeRoot(this.height);
  }
}
