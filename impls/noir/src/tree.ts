// Merkle trees of the hint generator (spec §2): every level kept in memory, so a sibling path is
// a lookup. Heights here are at most 6, i.e. at most 127 nodes a tree.

import { hash, hash2 } from './poseidon.js';

export class MerkleTree {
  /** levels[0] are the leaves' node values, levels[height] = [root]. */
  private readonly levels: bigint[][];
  /** zeros[l]: the empty-subtree value of level l. */
  private readonly zeros: bigint[];
  constructor(readonly height: number) {
    this.levels = [];
    this.zeros = [];
    let zero = 0n;
    for (let l = 0; l <= height; l++) {
      this.levels.push(new Array(2 ** (height - l)).fill(zero));
      this.zeros.push(zero);
      zero = hash2(zero, zero);
    }
  }
  get root(): bigint {
    return this.levels[this.height][0];
  }
  get capacity(): number {
    return 2 ** this.height;
  }
  node(level: number, index: number): bigint {
    return this.levels[level][index];
  }
  set(index: number, value: bigint): void {
    this.levels[0][index] = value;
    let i = index;
    for (let l = 1; l <= this.height; l++) {
      i >>= 1;
      const left = this.levels[l - 1][2 * i], right = this.levels[l - 1][2 * i + 1];
      // two empty children (zero padding): the cached empty value, no hash
      this.levels[l][i] = left === this.zeros[l - 1] && right === this.zeros[l - 1] ? this.zeros[l] : hash2(left, right);
    }
  }
  /** Siblings of the node at (level, index) up to the root; zeros if out of range (the circuit
   * then rejects: the tree is full). */
  siblings(index: number, level = 0): bigint[] {
    const out: bigint[] = [];
    let i = index;
    for (let l = level; l < this.height; l++) {
      out.push(i < this.levels[l].length ? this.levels[l][i ^ 1] : 0n);
      i >>= 1;
    }
    return out;
  }
  clone(): MerkleTree {
    const t = Object.create(MerkleTree.prototype) as MerkleTree;
    Object.assign(t, { height: this.height, levels: this.levels.map((l) => [...l]), zeros: this.zeros });
    return t;
  }
}

/** An append-only tree with its leaf values (note hashes, L1-to-L2 messages, archive). */
export class AppendTree {
  readonly leaves: bigint[] = [];
  constructor(readonly tree: MerkleTree) {}
  static empty(height: number) {
    return new AppendTree(new MerkleTree(height));
  }
  append(v: bigint): void {
    if (this.leaves.length < this.tree.capacity) this.tree.set(this.leaves.length, v);
    this.leaves.push(v);
  }
  clone(): AppendTree {
    const t = new AppendTree(this.tree.clone());
    t.leaves.push(...this.leaves);
    return t;
  }
}

/** A leaf of an indexed tree; `value` is the public-data value (absent for nullifiers). */
export interface IndexedLeaf {
  key: bigint;
  value: bigint;
  nextKey: bigint;
  nextIndex: number;
}

/** Nullifier or public-data tree: leaf preimages by position (null = empty leaf, node value 0). */
export class IndexedTree {
  readonly leaves: (IndexedLeaf | null)[] = [];
  constructor(
    readonly tree: MerkleTree,
    readonly withValue: boolean,
  ) {}

  nodeOf(l: IndexedLeaf | null): bigint {
    if (!l) return 0n;
    return this.withValue ? hash([l.key, l.value, l.nextKey, BigInt(l.nextIndex)]) : hash([l.key, l.nextKey, BigInt(l.nextIndex)]);
  }

  /** Writes a leaf (or an empty leaf) at a position, appending if it is nextIndex. */
  put(index: number, leaf: IndexedLeaf | null): void {
    while (this.leaves.length <= index) this.leaves.push(null);
    this.leaves[index] = leaf;
    if (index < this.tree.capacity) this.tree.set(index, this.nodeOf(leaf));
  }

  /** Position of the leaf with this key, if any. */
  find(key: bigint): number {
    return this.leaves.findIndex((l) => l !== null && l.key === key);
  }

  /** Position of the non-empty leaf with the largest key < k (position 0 holds key 0). */
  low(k: bigint): number {
    let best = -1;
    this.leaves.forEach((l, i) => {
      if (l && l.key < k && (best < 0 || l.key > this.leaves[best]!.key)) best = i;
    });
    return best < 0 ? 0 : best;
  }

  /** Rebuilds the linked list from keys (state files store keys only, spec §8). */
  static fromKeys(height: number, withValue: boolean, entries: { key: bigint; value: bigint; empty: boolean }[]): IndexedTree {
    const t = new IndexedTree(new MerkleTree(height), withValue);
    const used = entries.map((e, i) => ({ ...e, i })).filter((e) => !e.empty).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const leaves: (IndexedLeaf | null)[] = entries.map(() => null);
    used.forEach((e, j) => {
      const next = used[j + 1];
      leaves[e.i] = { key: e.key, value: e.value, nextKey: next ? next.key : 0n, nextIndex: next ? next.i : 0 };
    });
    leaves.forEach((l, i) => t.put(i, l));
    return t;
  }

  clone(): IndexedTree {
    const t = new IndexedTree(this.tree.clone(), this.withValue);
    t.leaves.push(...this.leaves.map((l) => (l ? { ...l } : null)));
    return t;
  }
}
