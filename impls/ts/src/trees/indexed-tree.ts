// Indexed Merkle tree (spec §2.2): a sorted linked list of keys stored in tree positions.
// Used for nullifiers (leaf = [value, nextValue, nextIndex]) and public data
// (leaf = [slot, value, nextSlot, nextIndex]); `hashLeaf` says which.
//
// Leaves are hashed lazily, when a root is asked for: a low leaf rewritten by several insertions
// (keys landing in the same gap, a restore inserting thousands of keys in file order, a slot
// written twice) is hashed once, in its final form.

import { reject } from '../errors.js';
import { MerkleTree } from './merkle-tree.js';
import { Journal } from './journal.js';
import { SortedKeySet } from './sorted-keys.js';

export interface IndexedLeaf {
  readonly key: bigint;
  /** Public-data value; always 0 for nullifiers. */
  readonly value: bigint;
  readonly nextKey: bigint;
  readonly nextIndex: number;
}

export type LeafHasher = (leaf: IndexedLeaf) => bigint;

export class IndexedTree {
  private tree: MerkleTree;
  private leavesByIndex = new Journal<number, IndexedLeaf>();
  private indexByKey = new Journal<bigint, number>();
  private committedKeys = new SortedKeySet();
  private pendingKeys = new SortedKeySet();
  /** Positions whose leaf changed since their hash was last put in the tree. */
  private unhashed = new Set<number>();
  private size = 0;
  private committedSize = 0;

  constructor(
    readonly name: string,
    height: number,
    private readonly hashLeaf: LeafHasher,
    prefill: number,
  ) {
    this.tree = new MerkleTree(height);
    // Prefill: key i points to i+1, the last wraps to (0, 0); every prefilled leaf is hashed.
    for (let i = 0; i < prefill; i++) {
      const last = i === prefill - 1;
      this.writeLeaf(i, { key: BigInt(i), value: 0n, nextKey: last ? 0n : BigInt(i + 1), nextIndex: last ? 0 : i + 1 });
      this.addKey(BigInt(i), i);
    }
    this.size = prefill;
    this.commit();
  }

  get nextIndex(): number {
    return this.size;
  }

  ensureRoom(count: number): void {
    if (this.size + count > this.tree.capacity) {
      reject('E_TREE_FULL', `${this.name} tree full: ${this.size} + ${count} > ${this.tree.capacity}`);
    }
  }

  has(key: bigint): boolean {
    return this.indexByKey.has(key);
  }

  /** Inserts a new key at `position` (spec §2.2, "Insertion of a new key"). */
  insertAt(position: number, key: bigint, value: bigint): void {
    const lowKey = this.floor(key - 1n);
    if (lowKey === undefined) throw new Error(`internal: no low leaf for ${key}`); // key 0 is always present
    const lowIndex = this.indexByKey.get(lowKey)!;
    const low = this.leavesByIndex.get(lowIndex)!;
    this.writeLeaf(position, { key, value, nextKey: low.nextKey, nextIndex: low.nextIndex });
    this.writeLeaf(lowIndex, { ...low, nextKey: key, nextIndex: position });
    this.addKey(key, position);
  }

  /**
   * Nullifier batch (spec §2.2): `values` (padding zeros included) take the next positions in
   * order; non-zero values are inserted, zeros stay empty leaves with node value 0. The caller has
   * checked room, duplicates and existence.
   */
  insertBatch(values: readonly bigint[]): void {
    const start = this.size;
    values.forEach((v, i) => v !== 0n && this.insertAt(start + i, v, 0n));
    this.size += values.length;
  }

  /** Public-data write (spec §2.2): update in place if the slot exists, else append. */
  write(key: bigint, value: bigint): void {
    const index = this.indexByKey.get(key);
    if (index !== undefined) {
      const leaf = this.leavesByIndex.get(index)!;
      this.writeLeaf(index, { ...leaf, value });
      return;
    }
    this.ensureRoom(1);
    this.insertAt(this.size, key, value);
    this.size += 1;
  }

  root(): bigint {
    this.hashLeaves();
    return this.tree.root();
  }

  /** Leaves by position; an empty leaf reads as key 0, value 0. */
  leaves(): IndexedLeaf[] {
    const out: IndexedLeaf[] = [];
    for (let i = 0; i < this.size; i++) {
      out.push(this.leavesByIndex.get(i) ?? { key: 0n, value: 0n, nextKey: 0n, nextIndex: 0 });
    }
    return out;
  }

  commit(): void {
    this.hashLeaves();
    this.tree.commit();
    this.leavesByIndex.commit();
    this.indexByKey.commit();
    for (const k of this.pendingKeys.values()) this.committedKeys.insert(k);
    this.pendingKeys = new SortedKeySet();
    this.committedSize = this.size;
  }

  rollback(): void {
    this.unhashed.clear();
    this.tree.rollback();
    this.leavesByIndex.rollback();
    this.indexByKey.rollback();
    this.pendingKeys = new SortedKeySet();
    this.size = this.committedSize;
  }

  /** An independent copy of a committed tree (prefill and leaves are copied, not hashed again). */
  clone(): IndexedTree {
    if (this.size !== this.committedSize || this.unhashed.size > 0) throw new Error('internal: copying a tree with uncommitted writes');
    const copy = new IndexedTree(this.name, this.tree.height, this.hashLeaf, 0);
    copy.tree = this.tree.clone();
    copy.leavesByIndex = this.leavesByIndex.clone();
    copy.indexByKey = this.indexByKey.clone();
    copy.committedKeys = this.committedKeys.clone();
    copy.size = copy.committedSize = this.committedSize;
    return copy;
  }

  private floor(k: bigint): bigint | undefined {
    const a = this.committedKeys.floor(k);
    const b = this.pendingKeys.floor(k);
    if (a === undefined) return b;
    if (b === undefined) return a;
    return a > b ? a : b;
  }

  private addKey(key: bigint, index: number): void {
    this.indexByKey.set(key, index);
    this.pendingKeys.insert(key);
  }

  private writeLeaf(index: number, leaf: IndexedLeaf): void {
    this.leavesByIndex.set(index, leaf);
    this.unhashed.add(index);
  }

  private hashLeaves(): void {
    if (this.unhashed.size === 0) return;
    for (const index of this.unhashed) this.tree.setLeaf(index, this.hashLeaf(this.leavesByIndex.get(index)!));
    this.unhashed.clear();
  }
}
