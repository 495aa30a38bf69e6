// The chain state as the hint generator keeps it (spec §4.1): five trees with their leaves, and
// the last block's numbers. It is also this implementation's snapshot/restore format's source.

import type { ChainStateFile } from '../../../core/schema.js';
import { hash } from './poseidon.js';
import { BLOCK_HEADER_HASH_SEPARATOR, P, SIZES } from './params.js';
import { AppendTree, IndexedTree, MerkleTree } from './tree.js';

export interface Last {
  blockNumber: number;
  slotNumber: bigint;
  timestamp: bigint;
}

export const headerHash = (fields: readonly bigint[]) => hash([BLOCK_HEADER_HASH_SEPARATOR, ...fields]);

export class StateFileError extends Error {}

export class ChainModel {
  constructor(
    readonly chainId: bigint,
    readonly version: bigint,
    public last: Last,
    readonly l1ToL2: AppendTree,
    readonly noteHashes: AppendTree,
    readonly nullifiers: IndexedTree,
    readonly publicData: IndexedTree,
    readonly archive: AppendTree,
  ) {}

  static genesis(chainId: bigint, version: bigint): ChainModel {
    const prefill = (withValue: boolean, height: number) => {
      const t = new IndexedTree(new MerkleTree(height), withValue);
      for (let i = 0; i < SIZES.prefill; i++) {
        const last = i === SIZES.prefill - 1;
        t.put(i, { key: BigInt(i), value: 0n, nextKey: last ? 0n : BigInt(i + 1), nextIndex: last ? 0 : i + 1 });
      }
      return t;
    };
    const m = new ChainModel(
      chainId, version, { blockNumber: 0, slotNumber: 0n, timestamp: 0n },
      AppendTree.empty(SIZES.l1ToL2TreeHeight), AppendTree.empty(SIZES.noteHashTreeHeight),
      prefill(false, SIZES.nullifierTreeHeight), prefill(true, SIZES.publicDataTreeHeight), AppendTree.empty(SIZES.archiveHeight),
    );
    // Genesis header: lastArchive (0, 0), the trees' state, everything else 0 (spec §5.1).
    m.archive.append(headerHash([0n, 0n, ...m.stateReference(), ...new Array(12).fill(0n)]));
    return m;
  }

  /** root, nextIndex of L1-to-L2, note hash, nullifier, public data (spec §4.1 order). */
  stateReference(): bigint[] {
    return [
      this.l1ToL2.tree.root, BigInt(this.l1ToL2.leaves.length), this.noteHashes.tree.root, BigInt(this.noteHashes.leaves.length),
      this.nullifiers.tree.root, BigInt(this.nullifiers.leaves.length), this.publicData.tree.root, BigInt(this.publicData.leaves.length),
    ];
  }

  /** The statement's pre-state (spec §9, positions 0..14). */
  preState(): bigint[] {
    return [this.chainId, this.version, BigInt(this.last.blockNumber), this.last.slotNumber, this.last.timestamp, ...this.stateReference(), this.archive.tree.root, BigInt(this.archive.leaves.length)];
  }

  clone(): ChainModel {
    return new ChainModel(this.chainId, this.version, { ...this.last }, this.l1ToL2.clone(), this.noteHashes.clone(), this.nullifiers.clone(), this.publicData.clone(), this.archive.clone());
  }

  toStateFile(): ChainStateFile {
    return {
      v: 1, profile: 'small', chainId: this.chainId, version: this.version,
      last: { ...this.last },
      noteHashes: [...this.noteHashes.leaves],
      l1ToL2Messages: [...this.l1ToL2.leaves],
      archive: [...this.archive.leaves],
      nullifiers: this.nullifiers.leaves.map((l) => l?.key ?? 0n),
      publicData: this.publicData.leaves.map((l) => (l ? [l.key, l.value] : [0n, 0n]) as [bigint, bigint]),
    };
  }

  /** Restores from a state file, refusing one that no chain can reach (spec §8). */
  static fromStateFile(s: ChainStateFile): ChainModel {
    if (s.profile !== 'small') throw new StateFileError('the noir implementation runs the small profile only');
    const fields = [s.chainId, s.version, s.last.slotNumber, ...s.noteHashes, ...s.l1ToL2Messages, ...s.archive, ...s.nullifiers, ...s.publicData.flat()];
    if (fields.some((f) => f >= P)) throw new StateFileError('a field element >= p');
    const fits = (n: number, h: number, what: string) => {
      if (n > 2 ** h) throw new StateFileError(`${what}: more leaves than the tree holds`);
    };
    fits(s.noteHashes.length, SIZES.noteHashTreeHeight, 'note hashes');
    fits(s.l1ToL2Messages.length, SIZES.l1ToL2TreeHeight, 'L1-to-L2 messages');
    fits(s.archive.length, SIZES.archiveHeight, 'archive');
    fits(s.nullifiers.length, SIZES.nullifierTreeHeight, 'nullifiers');
    fits(s.publicData.length, SIZES.publicDataTreeHeight, 'public data');
    if (s.archive.length === 0) throw new StateFileError('empty archive');
    const indexed = (keys: bigint[], values: bigint[], withValue: boolean, what: string) => {
      if (keys.length < SIZES.prefill || keys.slice(0, SIZES.prefill).some((k, i) => k !== BigInt(i))) throw new StateFileError(`${what}: not prefilled`);
      const entries = keys.map((key, i) => ({ key, value: values[i], empty: i >= SIZES.prefill && key === 0n && values[i] === 0n }));
      const seen = new Set<bigint>();
      for (const e of entries) {
        if (e.empty) continue;
        if (seen.has(e.key)) throw new StateFileError(`${what}: key ${e.key} twice`);
        seen.add(e.key);
      }
      return IndexedTree.fromKeys(withValue ? SIZES.publicDataTreeHeight : SIZES.nullifierTreeHeight, withValue, entries);
    };
    const append = (leaves: bigint[], h: number) => {
      const t = AppendTree.empty(h);
      leaves.forEach((v) => t.append(v));
      return t;
    };
    return new ChainModel(
      s.chainId, s.version, { ...s.last },
      append(s.l1ToL2Messages, SIZES.l1ToL2TreeHeight), append(s.noteHashes, SIZES.noteHashTreeHeight),
      indexed(s.nullifiers, s.nullifiers.map(() => 0n), false, 'nullifiers'),
      indexed(s.publicData.map((w) => w[0]), s.publicData.map((w) => w[1]), true, 'public data'),
      append(s.archive, SIZES.archiveHeight),
    );
  }
}
