// The state-transition function (spec §5): genesis and applying one checkpoint, all or nothing.

import { BlobSponge } from './blob-sponge.js';
import { type BlockEndData, checkpointEndMarker, decodeCheckpointBlob, encodeBlockEnd, encodeTx } from './blob.js';
import { StfRejection, reject } from './errors.js';
import { forgetHashes, pauseHashes, poseidon2Hash, poseidon2HashWithSeparator, recordHashes, replayHashes } from './hash/poseidon2.js';
import type { Block, Checkpoint, Outcome, Snapshot, StateReference } from './model.js';
import { BLOCK_HEADER_HASH_SEPARATOR, P, PROFILES, type Params, type ProfileName } from './params.js';
import { AppendOnlyTree } from './trees/append-only-tree.js';
import { type IndexedLeaf, IndexedTree } from './trees/indexed-tree.js';
import { checkHeaderRanges, checkSequencing, checkStatic, type LastBlock } from './validate.js';

const hashNullifierLeaf = (l: IndexedLeaf): bigint => poseidon2Hash([l.key, l.nextKey, BigInt(l.nextIndex)]);
const hashPublicDataLeaf = (l: IndexedLeaf): bigint => poseidon2Hash([l.key, l.value, l.nextKey, BigInt(l.nextIndex)]);

interface Trees {
  noteHash: AppendOnlyTree;
  l1ToL2: AppendOnlyTree;
  archive: AppendOnlyTree;
  nullifier: IndexedTree;
  publicData: IndexedTree;
}

/** Genesis states built so far, by profile/chainId/version (ChainState.genesis copies them). */
const GENESIS = new Map<string, ChainState>();

/** Forgets the genesis states built so far (see clearCaches in index.ts). */
export function clearGenesisStates(): void {
  GENESIS.clear();
}

export interface GenesisOptions {
  chainId?: bigint;
  version?: bigint;
}

export class ChainState {
  readonly noteHash: AppendOnlyTree;
  readonly l1ToL2: AppendOnlyTree;
  readonly archive: AppendOnlyTree;
  readonly nullifier: IndexedTree;
  readonly publicData: IndexedTree;
  last: LastBlock = { blockNumber: 0, slotNumber: 0n, timestamp: 0n };

  /** `trees`: the trees of a copy (clone); a new state gets empty ones (indexed trees prefilled). */
  constructor(
    readonly params: Params,
    readonly chainId: bigint,
    readonly version: bigint,
    trees?: Trees,
  ) {
    // all or nothing: a copy never falls back to a fresh tree for one it lacks
    const t = trees ?? {
      noteHash: new AppendOnlyTree('note hash', params.noteHashTreeHeight),
      l1ToL2: new AppendOnlyTree('l1-to-l2 message', params.l1ToL2TreeHeight),
      archive: new AppendOnlyTree('archive', params.archiveHeight),
      nullifier: new IndexedTree('nullifier', params.nullifierTreeHeight, hashNullifierLeaf, params.nullifierPrefill),
      publicData: new IndexedTree('public data', params.publicDataTreeHeight, hashPublicDataLeaf, params.publicDataPrefill),
    };
    this.noteHash = t.noteHash;
    this.l1ToL2 = t.l1ToL2;
    this.archive = t.archive;
    this.nullifier = t.nullifier;
    this.publicData = t.publicData;
  }

  /**
   * A fresh chain at genesis (spec §5.1). Genesis depends only on the profile, chain id and version,
   * so each one is built once and copied: a fuzzer starts thousands of cases from it.
   */
  static genesis(profile: ProfileName, opts: GenesisOptions = {}): ChainState {
    const chainId = opts.chainId ?? 31337n, version = opts.version ?? 1n;
    const key = `${profile}/${chainId}/${version}`;
    let built = GENESIS.get(key);
    if (!built) {
      built = new ChainState(PROFILES[profile], chainId, version);
      const header = [0n, 0n, ...stateRefFields(built.stateReference()), 0n, ...Array<bigint>(9).fill(0n), 0n, 0n];
      built.archive.append([poseidon2HashWithSeparator(header, BLOCK_HEADER_HASH_SEPARATOR)]);
      built.commit();
      if (GENESIS.size >= 16) GENESIS.clear();
      GENESIS.set(key, built);
    }
    return built.clone();
  }

  /** An independent copy of this state (which holds no uncommitted writes between applies). */
  clone(): ChainState {
    const copy = new ChainState(this.params, this.chainId, this.version, {
      noteHash: this.noteHash.clone(), l1ToL2: this.l1ToL2.clone(), archive: this.archive.clone(),
      nullifier: this.nullifier.clone(), publicData: this.publicData.clone(),
    });
    copy.last = { ...this.last };
    return copy;
  }

  /** An empty chain (prefilled indexed trees, nothing else) to be filled by a state file. */
  static restoreEmpty(profile: ProfileName, chainId: bigint, version: bigint): ChainState {
    return new ChainState(PROFILES[profile], chainId, version);
  }

  commitRestored(): void {
    this.commit();
  }

  stateReference(): StateReference {
    const snap = (t: { root(): bigint; nextIndex: number }): Snapshot => ({ root: t.root(), nextIndex: t.nextIndex });
    return { l1ToL2: snap(this.l1ToL2), noteHash: snap(this.noteHash), nullifier: snap(this.nullifier), publicData: snap(this.publicData) };
  }

  archiveSnapshot(): Snapshot {
    return { root: this.archive.root(), nextIndex: this.archive.nextIndex };
  }

  private commit(): void {
    for (const t of this.trees()) t.commit();
  }

  private rollback(): void {
    for (const t of this.trees()) t.rollback();
  }

  private trees() {
    return [this.noteHash, this.l1ToL2, this.archive, this.nullifier, this.publicData];
  }

  /** Applies a checkpoint; on rejection the state is left exactly as it was. */
  apply(checkpoint: Checkpoint): Outcome {
    const lastBefore = this.last;
    // hashes kept by a preview just before (a blob form applied after its blocks form's preview)
    replayHashes();
    try {
      const outcome = this.applyOrThrow(checkpoint);
      this.commit();
      return outcome;
    } catch (err) {
      this.rollback();
      this.last = lastBefore;
      if (err instanceof StfRejection) return { status: 'rejected', code: err.code, message: err.message };
      throw err;
    } finally {
      forgetHashes();
    }
  }

  /**
   * What applying the checkpoint would produce; the state is left unchanged either way. The hashes
   * it computes are kept for the next apply (see recordHashes in hash/poseidon2.ts).
   */
  preview(checkpoint: Checkpoint): Outcome {
    const lastBefore = this.last;
    recordHashes();
    try {
      return this.applyOrThrow(checkpoint);
    } catch (err) {
      if (err instanceof StfRejection) return { status: 'rejected', code: err.code, message: err.message };
      throw err;
    } finally {
      pauseHashes();
      this.rollback();
      this.last = lastBefore;
    }
  }

  private applyOrThrow(cp: Checkpoint): Outcome {
    const p = this.params;
    if (cp.profile !== p.name) reject('E_MALFORMED_INPUT', `checkpoint is for profile ${cp.profile}, chain is ${p.name}`);
    checkFieldRanges(cp);
    checkHeaderRanges(cp.header);

    let blocks: Block[];
    let claims: BlockEndData[] | null = null;
    if (cp.form === 'blob') {
      if (cp.blobFields.length > p.maxBlobFields) {
        reject('E_BLOB_TOO_LARGE', `${cp.blobFields.length} blob fields (padding included) > ${p.maxBlobFields}`);
      }
      const decoded = decodeCheckpointBlob(cp.blobFields);
      blocks = decoded.map((d) => d.block);
      claims = decoded.map((d) => d.claimed);
    } else {
      blocks = cp.blocks;
    }
    checkStatic(blocks, cp.l1ToL2Messages, p);
    checkSequencing(cp.header, blocks, this, claims && claims.map((c) => c.timestamp));

    const messages = cp.l1ToL2Messages.concat(Array<bigint>(p.l1ToL2MsgsPerCheckpoint - cp.l1ToL2Messages.length).fill(0n));
    this.l1ToL2.append(messages);

    const sponge = new BlobSponge();
    const blobFields: bigint[] = [];
    const blockHeaderHashes: bigint[] = [];
    blocks.forEach((block, b) => {
      const lastArchive = this.archiveSnapshot();
      const blockFields: bigint[] = [];
      block.txs.forEach((tx, t) => {
        this.applyTx(tx, `block ${b} tx ${t}`);
        encodeTx(tx, blockFields);
      });
      const state = this.stateReference();
      const end: BlockEndData = {
        timestamp: cp.header.timestamp,
        blockNumber: block.blockNumber,
        numTxs: block.txs.length,
        l1ToL2NextIndex: state.l1ToL2.nextIndex,
        noteHashNextIndex: state.noteHash.nextIndex,
        nullifierNextIndex: state.nullifier.nextIndex,
        publicDataNextIndex: state.publicData.nextIndex,
        totalManaUsed: block.totalManaUsed,
        lastArchiveRoot: lastArchive.root,
        noteHashRoot: state.noteHash.root,
        nullifierRoot: state.nullifier.root,
        publicDataRoot: state.publicData.root,
        l1ToL2Root: b === 0 ? state.l1ToL2.root : null,
      };
      if (claims) compareEndData(claims[b], end, b);
      encodeBlockEnd(end, blockFields);
      for (const f of blockFields) sponge.absorb(f);
      blobFields.push(...blockFields);

      const h = cp.header;
      const totalFees = block.txs.reduce((acc, tx) => (acc + tx.transactionFee) % P, 0n);
      const headerFields = [
        lastArchive.root, BigInt(lastArchive.nextIndex), ...stateRefFields(state), sponge.copy().squeeze(),
        h.chainId, h.version, BigInt(block.blockNumber), h.slotNumber, h.timestamp, h.coinbase, h.feeRecipient,
        h.feePerDaGas, h.feePerL2Gas, totalFees, block.totalManaUsed,
      ];
      const headerHash = poseidon2HashWithSeparator(headerFields, BLOCK_HEADER_HASH_SEPARATOR);
      this.archive.append([headerHash]);
      blockHeaderHashes.push(headerHash);
      this.last = { blockNumber: block.blockNumber, slotNumber: h.slotNumber, timestamp: h.timestamp };
    });
    blobFields.push(checkpointEndMarker(blobFields.length + 1));
    return { status: 'accepted', state: this.stateReference(), archive: this.archiveSnapshot(), blockHeaderHashes, blobFields };
  }

  /** Spec §5.3 and the execution rules of §7.5, in the spec's order. */
  private applyTx(tx: Block['txs'][number], where: string): void {
    const p = this.params;
    this.noteHash.ensureRoom(p.maxNoteHashesPerTx);
    this.noteHash.append(tx.noteHashes.concat(Array<bigint>(p.maxNoteHashesPerTx - tx.noteHashes.length).fill(0n)));

    this.nullifier.ensureRoom(p.maxNullifiersPerTx);
    const seen = new Set<bigint>();
    tx.nullifiers.forEach((n, i) => {
      if (seen.has(n)) reject('E_DUPLICATE_NULLIFIER', `${where}: nullifier ${i} repeats an earlier one`);
      seen.add(n);
    });
    tx.nullifiers.forEach((n, i) => {
      if (this.nullifier.has(n)) reject('E_NULLIFIER_EXISTS', `${where}: nullifier ${i} already exists`);
    });
    this.nullifier.insertBatch(tx.nullifiers.concat(Array<bigint>(p.maxNullifiersPerTx - tx.nullifiers.length).fill(0n)));

    for (const [slot, value] of tx.publicDataWrites) this.publicData.write(slot, value);
  }
}

function stateRefFields(s: StateReference): bigint[] {
  return [s.l1ToL2, s.noteHash, s.nullifier, s.publicData].flatMap((t) => [t.root, BigInt(t.nextIndex)]);
}

function compareEndData(claimed: BlockEndData, computed: BlockEndData, b: number): void {
  for (const key of Object.keys(computed) as (keyof BlockEndData)[]) {
    if (key === 'timestamp' || key === 'blockNumber') continue; // sequencing rules cover these
    if (claimed[key] !== computed[key]) {
      reject('E_END_STATE_MISMATCH', `block ${b}: claimed ${key} ${claimed[key]}, computed ${computed[key]}`);
    }
  }
}

/** E_FIELD_OUT_OF_RANGE over every field element of the input (spec §7.1). */
function checkFieldRanges(cp: Checkpoint): void {
  const check = (v: bigint, what: string) => {
    if (v >= P) reject('E_FIELD_OUT_OF_RANGE', `${what} is not below the field modulus`);
  };
  const h = cp.header;
  for (const k of ['chainId', 'version', 'slotNumber', 'coinbase', 'feeRecipient', 'feePerDaGas', 'feePerL2Gas'] as const) check(h[k], `header.${k}`);
  cp.l1ToL2Messages.forEach((m, i) => check(m, `l1ToL2Messages[${i}]`));
  if (cp.form === 'blob') {
    cp.blobFields.forEach((f, i) => check(f, `blobFields[${i}]`));
    return;
  }
  cp.blocks.forEach((block, b) =>
    block.txs.forEach((tx, t) => {
      const w = `block ${b} tx ${t}`;
      check(tx.txHash, `${w} txHash`);
      check(tx.transactionFee, `${w} transactionFee`);
      tx.noteHashes.forEach((v, i) => check(v, `${w} noteHashes[${i}]`));
      tx.nullifiers.forEach((v, i) => check(v, `${w} nullifiers[${i}]`));
      tx.l2ToL1Msgs.forEach((v, i) => check(v, `${w} l2ToL1Msgs[${i}]`));
      tx.publicDataWrites.forEach(([s, v], i) => {
        check(s, `${w} publicDataWrites[${i}].slot`);
        check(v, `${w} publicDataWrites[${i}].value`);
      });
      tx.privateLogs.forEach((log, i) => log.forEach((v, j) => check(v, `${w} privateLogs[${i}][${j}]`)));
      tx.publicLogs.forEach((v, i) => check(v, `${w} publicLogs[${i}]`));
      if (tx.contractClassLog) {
        check(tx.contractClassLog.contractAddress, `${w} contractClassLog.contractAddress`);
        tx.contractClassLog.fields.forEach((v, i) => check(v, `${w} contractClassLog.fields[${i}]`));
      }
    }),
  );
}
