// The hint generator: runs a checkpoint on the model (spec §5) and records every hint the circuit
// needs (paths, low leaves, indices, the blob's decoded counts) in the circuit's input format.
// It validates nothing it does not have to: the circuit decides validity.

import type { CheckpointHeader, TxEffect } from '../../../core/schema.js';
import { blockEndMarker, blockEndStateField, checkpointEndMarker, decodeBlob, decodeTxMarker, encodeTx, HintError, type TxMarker } from './blob.js';
import { ChainModel, headerHash } from './model.js';
import { BLOB_SPONGE_IV, P, SIZES } from './params.js';
import { BlobSponge } from './poseidon.js';
import type { IndexedLeaf, IndexedTree } from './tree.js';

const hex = (v: bigint) => '0x' + v.toString(16);
const hexes = (vs: readonly bigint[]) => vs.map(hex);

export interface BlockInput {
  blockNumber: number;
  totalManaUsed: bigint;
  txs: TxEffect[];
  /** Blob form: the marker as found in the blob (the circuit recomposes it from these parts). */
  markers?: TxMarker[];
}

/** Inputs in noir_js's format (the circuit's `main` parameters). */
export type CircuitInputs = Record<string, unknown>;

export interface Witness {
  inputs: CircuitInputs;
  /** The blob fields the circuit reads (for blocks form: our own encoding). */
  blob: bigint[];
  /** What the model computed: the statement's 13 outputs (spec §9). */
  outputs: bigint[];
  /** The model after the checkpoint, to keep if the circuit accepts. */
  post: ChainModel;
  /** Every low-leaf/leaf hint with the tree it was taken from (for hint-fuzzing). */
  sites: HintSite[];
}

const zeros = (n: number) => new Array<bigint>(n).fill(0n);

function emptyNullifierHint() {
  return { low_value: '0x0', low_next_value: '0x0', low_next_index: '0x0', low_index: '0x0', low_siblings: hexes(zeros(SIZES.nullifierTreeHeight)), low_is_pending: false };
}
function emptyPublicDataHint() {
  return {
    is_update: false, leaf_slot: '0x0', leaf_value: '0x0', leaf_next_slot: '0x0', leaf_next_index: '0x0', leaf_index: '0x0',
    leaf_siblings: hexes(zeros(SIZES.publicDataTreeHeight)), new_siblings: hexes(zeros(SIZES.publicDataTreeHeight)),
  };
}
function emptyTxHint() {
  return {
    num_note_hashes: '0x0', num_nullifiers: '0x0', num_l2_to_l1_msgs: '0x0', num_public_data_writes: '0x0', num_private_logs: '0x0',
    private_logs_length: '0x0', public_logs_length: '0x0', contract_class_log_length: '0x0', revert_code: '0x0', num_blob_fields: '0x0',
    note_hash_siblings: hexes(zeros(SIZES.noteHashTreeHeight - 1)),
    nullifiers: [emptyNullifierHint(), emptyNullifierHint()],
    nullifier_siblings: hexes(zeros(SIZES.nullifierTreeHeight - 1)),
    public_data: [emptyPublicDataHint(), emptyPublicDataHint()],
  };
}
function emptyBlockHint() {
  return { present: false, num_txs: '0x0', total_mana_used: '0x0', archive_siblings: hexes(zeros(SIZES.archiveHeight)), sponge_chunks: '0x0' };
}

function markerHint(m: TxMarker) {
  return {
    num_note_hashes: hex(m.numNoteHashes), num_nullifiers: hex(m.numNullifiers), num_l2_to_l1_msgs: hex(m.numL2ToL1Msgs),
    num_public_data_writes: hex(m.numPublicDataWrites), num_private_logs: hex(m.numPrivateLogs), private_logs_length: hex(m.privateLogsLength),
    public_logs_length: hex(m.publicLogsLength), contract_class_log_length: hex(m.contractClassLogLength), revert_code: hex(m.revertCode),
    num_blob_fields: hex(m.numBlobFields),
  };
}

/**
 * Where a low-leaf or leaf hint was made, with the tree as it stood then: hint-fuzzing uses it to
 * offer the circuit other, genuinely present leaves (another low leaf) with valid paths.
 */
export interface HintSite {
  kind: 'nullifier' | 'public-data';
  tx: number;
  op: number;
  tree: IndexedTree;
}

/**
 * Lets a caller (hint-fuzzing) pick the leaf a low-leaf/leaf hint uses instead of the right one;
 * every later hint is then built consistently on top of that choice, as a cheating prover would.
 */
export type LeafChoice = (site: { kind: HintSite['kind']; tx: number; op: number }) => number | undefined;

interface Trace {
  sites?: HintSite[];
  choose?: LeafChoice;
}

/** Applies one tx's tree effects to the model (spec §5.3) and returns its hints. */
function applyTx(model: ChainModel, tx: TxEffect, txSlot: number, trace: Trace) {
  const sites = trace.sites;
  const h = emptyTxHint();
  // 1. Note hashes: the aligned pair at nextIndex.
  const nh = model.noteHashes;
  h.note_hash_siblings = hexes(nh.tree.siblings(nh.leaves.length >> 1, 1));
  for (let j = 0; j < SIZES.maxNoteHashesPerTx; j++) nh.append(tx.noteHashes[j] ?? 0n);

  // 2. Nullifiers: low leaves in order, then the pair.
  const nt = model.nullifiers;
  const start = nt.leaves.length;
  const pending: (IndexedLeaf | null)[] = [null, null];
  tx.nullifiers.slice(0, SIZES.maxNullifiersPerTx).forEach((v, j) => {
    const hint = h.nullifiers[j];
    sites?.push({ kind: 'nullifier', tx: txSlot, op: j, tree: nt.clone() });
    // Is the best low leaf the first nullifier of this batch, not yet in the tree?
    const chosen = trace.choose?.({ kind: 'nullifier', tx: txSlot, op: j });
    const lowIdx = chosen ?? nt.low(v);
    const a = pending[0];
    if (chosen === undefined && j === 1 && a && a.key < v && a.key > (nt.leaves[lowIdx]?.key ?? 0n)) {
      hint.low_is_pending = true;
      pending[1] = { key: v, value: 0n, nextKey: a.nextKey, nextIndex: a.nextIndex };
      pending[0] = { ...a, nextKey: v, nextIndex: start + 1 };
      return;
    }
    const low = nt.leaves[lowIdx]!;
    Object.assign(hint, {
      low_value: hex(low.key), low_next_value: hex(low.nextKey), low_next_index: hex(BigInt(low.nextIndex)),
      low_index: hex(BigInt(lowIdx)), low_siblings: hexes(nt.tree.siblings(lowIdx)),
    });
    pending[j] = { key: v, value: 0n, nextKey: low.nextKey, nextIndex: low.nextIndex };
    nt.put(lowIdx, { ...low, nextKey: v, nextIndex: start + j });
  });
  h.nullifier_siblings = hexes(nt.tree.siblings(start >> 1, 1));
  for (let j = 0; j < SIZES.maxNullifiersPerTx; j++) nt.put(start + j, pending[j]);

  // 3. Public-data writes, one at a time.
  const pt = model.publicData;
  tx.publicDataWrites.slice(0, SIZES.maxPublicDataWritesPerTx).forEach(([slot, value], j) => {
    const hint = h.public_data[j];
    sites?.push({ kind: 'public-data', tx: txSlot, op: j, tree: pt.clone() });
    const chosen = trace.choose?.({ kind: 'public-data', tx: txSlot, op: j });
    const found = pt.find(slot);
    const existing = chosen === undefined ? found : pt.leaves[chosen]?.key === slot ? chosen : -1;
    const idx = chosen ?? (existing >= 0 ? existing : pt.low(slot));
    const leaf = pt.leaves[idx]!;
    Object.assign(hint, {
      is_update: existing >= 0, leaf_slot: hex(leaf.key), leaf_value: hex(leaf.value), leaf_next_slot: hex(leaf.nextKey),
      leaf_next_index: hex(BigInt(leaf.nextIndex)), leaf_index: hex(BigInt(idx)), leaf_siblings: hexes(pt.tree.siblings(idx)),
    });
    if (existing >= 0) {
      pt.put(idx, { ...leaf, value });
    } else {
      const at = pt.leaves.length;
      pt.put(idx, { ...leaf, nextKey: slot, nextIndex: at });
      hint.new_siblings = hexes(pt.tree.siblings(at));
      pt.put(at, { key: slot, value, nextKey: leaf.nextKey, nextIndex: leaf.nextIndex });
    }
  });
  return h;
}

/**
 * Runs the blocks on `model` (mutated) and returns the hints, the blob fields the STF would
 * publish (spec §6) and the statement's outputs.
 */
function run(model: ChainModel, header: CheckpointHeader, messages: readonly bigint[], blocks: readonly BlockInput[], trace: Trace) {
  if (blocks.length > SIZES.maxBlocksPerCheckpoint) throw new HintError(`more than ${SIZES.maxBlocksPerCheckpoint} blocks: beyond the circuit`);
  const hints = {
    l1_to_l2_siblings: hexes(model.l1ToL2.tree.siblings(model.l1ToL2.leaves.length >> 2, 2)),
    blocks: Array.from({ length: SIZES.maxBlocksPerCheckpoint }, emptyBlockHint),
    txs: Array.from({ length: SIZES.maxBlocksPerCheckpoint * SIZES.maxTxsPerBlock }, emptyTxHint),
  };
  for (let i = 0; i < SIZES.l1ToL2MsgsPerCheckpoint; i++) model.l1ToL2.append(messages[i] ?? 0n);

  const blob: bigint[] = [];
  const sponge = new BlobSponge(BLOB_SPONGE_IV);
  blocks.forEach((block, bi) => {
    if (block.txs.length > SIZES.maxTxsPerBlock) throw new HintError(`more than ${SIZES.maxTxsPerBlock} tx in a block: beyond the circuit`);
    const lastArchive = [model.archive.tree.root, BigInt(model.archive.leaves.length)];
    const blockStart = blob.length;
    let fees = 0n;
    block.txs.forEach((tx, ti) => {
      const fields = encodeTx(tx);
      const h = applyTx(model, tx, bi * SIZES.maxTxsPerBlock + ti, trace);
      Object.assign(h, markerHint(block.markers?.[ti] ?? decodeTxMarker(fields[0])));
      hints.txs[bi * SIZES.maxTxsPerBlock + ti] = h;
      blob.push(...fields);
      fees = (fees + tx.transactionFee) % P;
    });
    const [l1Root, l1Idx, nhRoot, nhIdx, nullRoot, nullIdx, pdRoot, pdIdx] = model.stateReference();
    const end = [
      blockEndMarker(header.timestamp, BigInt(block.blockNumber), BigInt(block.txs.length)),
      blockEndStateField([Number(l1Idx), Number(nhIdx), Number(nullIdx), Number(pdIdx)], block.totalManaUsed),
      lastArchive[0], nhRoot, nullRoot, pdRoot, ...(bi === 0 ? [l1Root] : []),
    ];
    blob.push(...end);
    for (const f of blob.slice(blockStart)) sponge.absorb(f);
    const spongeBlobHash = sponge.squeeze();
    const hh = headerHash([
      ...lastArchive, ...model.stateReference(), spongeBlobHash, header.chainId, header.version, BigInt(block.blockNumber),
      header.slotNumber, header.timestamp, header.coinbase, header.feeRecipient, header.feePerDaGas, header.feePerL2Gas,
      fees, block.totalManaUsed,
    ]);
    hints.blocks[bi] = {
      present: true, num_txs: hex(BigInt(block.txs.length)), total_mana_used: hex(block.totalManaUsed),
      archive_siblings: hexes(model.archive.tree.siblings(model.archive.leaves.length)),
      sponge_chunks: hex(BigInt(Math.floor((blob.length - 1) / 3))),
    };
    model.archive.append(hh);
    model.last = { blockNumber: block.blockNumber, slotNumber: header.slotNumber, timestamp: header.timestamp };
  });
  blob.push(checkpointEndMarker(blob.length + 1));
  const outputs = [BigInt(model.last.blockNumber), model.last.slotNumber, model.last.timestamp, ...model.stateReference(), model.archive.tree.root, BigInt(model.archive.leaves.length)];
  return { hints, blob, outputs };
}

function circuitInputs(pre: bigint[], header: CheckpointHeader, messages: readonly bigint[], blob: readonly bigint[], hints: unknown): CircuitInputs {
  const pad = (xs: readonly bigint[], n: number) => [...xs, ...zeros(Math.max(0, n - xs.length))].slice(0, n);
  return {
    pre: hexes(pre),
    header: hexes([header.chainId, header.version, header.slotNumber, header.timestamp, header.coinbase, header.feeRecipient, header.feePerDaGas, header.feePerL2Gas]),
    l1_to_l2_msgs: hexes(pad(messages, SIZES.l1ToL2MsgsPerCheckpoint)),
    blob: hexes(pad(blob, SIZES.maxBlobFields)),
    hints,
  };
}

/** Witness for a `blocks`-form checkpoint: our encoder makes the blob the circuit reads. */
export function witnessForBlocks(model: ChainModel, header: CheckpointHeader, messages: readonly bigint[], blocks: readonly BlockInput[], choose?: LeafChoice): Witness {
  if (messages.length > SIZES.l1ToL2MsgsPerCheckpoint) throw new HintError('more L1-to-L2 messages than the statement holds');
  const pre = model.preState();
  const post = model.clone();
  const sites: HintSite[] = [];
  const { hints, blob, outputs } = run(post, header, messages, blocks, { sites, choose });
  if (blob.length > SIZES.maxBlobFields) throw new HintError(`${blob.length} blob fields: more than the statement holds`);
  return { inputs: circuitInputs(pre, header, messages, blob, hints), blob, outputs, post, sites };
}

/** Witness for a `blob`-form checkpoint: the given fields, decoded only to find the hints. */
export function witnessForBlob(model: ChainModel, header: CheckpointHeader, messages: readonly bigint[], fields: readonly bigint[], choose?: LeafChoice): Witness {
  if (messages.length > SIZES.l1ToL2MsgsPerCheckpoint) throw new HintError('more L1-to-L2 messages than the statement holds');
  if (fields.length > SIZES.maxBlobFields) throw new HintError(`${fields.length} blob fields: more than the statement holds`);
  const decoded = decodeBlob(fields);
  const pre = model.preState();
  const post = model.clone();
  const blocks: BlockInput[] = decoded.map((b, bi) => ({
    blockNumber: model.last.blockNumber + 1 + bi,
    totalManaUsed: b.totalManaUsed,
    txs: b.txs.map((t) => t.effect),
    markers: b.txs.map((t) => t.marker),
  }));
  const sites: HintSite[] = [];
  const { hints, outputs } = run(post, header, messages, blocks, { sites, choose });
  return { inputs: circuitInputs(pre, header, messages, fields, hints), blob: [...fields], outputs, post, sites };
}
