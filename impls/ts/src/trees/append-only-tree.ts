// Append-only tree (spec §2.1): note hashes, L1-to-L2 messages, the archive.

import { reject } from '../errors.js';
import { MerkleTree } from './merkle-tree.js';

export class AppendOnlyTree {
  private tree: MerkleTree;
  private size = 0;
  private committedSize = 0;

  constructor(
    readonly name: string,
    height: number,
  ) {
    this.tree = new MerkleTree(height);
  }

  get nextIndex(): number {
    return this.size;
  }

  /** Rejects with E_TREE_FULL unless `count` more leaves fit. */
  ensureRoom(count: number): void {
    if (this.size + count > this.tree.capacity) {
      reject('E_TREE_FULL', `${this.name} tree full: ${this.size} + ${count} > ${this.tree.capacity}`);
    }
  }

  append(values: readonly bigint[]): void {
    this.ensureRoom(values.length);
    for (const v of values) this.tree.setLeaf(this.size++, v);
  }

  root(): bigint {
    return this.tree.root();
  }

  leaves(): bigint[] {
    const out: bigint[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.tree.getLeaf(i));
    return out;
  }

  commit(): void {
    this.tree.commit();
    this.committedSize = this.size;
  }

  rollback(): void {
    this.tree.rollback();
    this.size = this.committedSize;
  }

  /** An independent copy of a committed tree. */
  clone(): AppendOnlyTree {
    const copy = new AppendOnlyTree(this.name, this.tree.height);
    copy.tree = this.tree.clone();
    copy.size = copy.committedSize = this.committedSize;
    return copy;
  }
}
