// Blob field encoding (spec §6) for the hint generator: markers, a tx's fields, and a lenient
// decoder that recovers the structure the circuit will check. The circuit is the judge: this
// decoder only needs to be right for valid blobs; anything odd it accepts is rejected there.

import type { TxEffect } from '../../../core/schema.js';
import { BLOCK_END_PREFIX, CHECKPOINT_END_PREFIX, SIZES, TX_START_PREFIX } from './params.js';

export class HintError extends Error {}

export interface TxMarker {
  numNoteHashes: bigint;
  numNullifiers: bigint;
  numL2ToL1Msgs: bigint;
  numPublicDataWrites: bigint;
  numPrivateLogs: bigint;
  privateLogsLength: bigint;
  publicLogsLength: bigint;
  contractClassLogLength: bigint;
  revertCode: bigint;
  numBlobFields: bigint;
}

// Widths, most significant first after the prefix (spec §6.1).
const TX_MARKER_LAYOUT: [keyof TxMarker, number][] = [
  ['numNoteHashes', 16], ['numNullifiers', 16], ['numL2ToL1Msgs', 16], ['numPublicDataWrites', 16],
  ['numPrivateLogs', 16], ['privateLogsLength', 16], ['publicLogsLength', 32], ['contractClassLogLength', 16],
  ['revertCode', 8], ['numBlobFields', 32],
];

const mask = (bits: number) => (1n << BigInt(bits)) - 1n;

export function encodeTxMarker(m: TxMarker): bigint {
  let v = TX_START_PREFIX;
  for (const [k, w] of TX_MARKER_LAYOUT) v = (v << BigInt(w)) | (m[k] & mask(w));
  return v;
}

export function decodeTxMarker(v: bigint): TxMarker {
  const out = {} as TxMarker;
  let x = v;
  for (const [k, w] of [...TX_MARKER_LAYOUT].reverse()) {
    out[k] = x & mask(w);
    x >>= BigInt(w);
  }
  return out;
}

export const isTxMarker = (v: bigint) => v >> 184n === TX_START_PREFIX;
export const isBlockEndMarker = (v: bigint) => v >> 112n === BLOCK_END_PREFIX;
export const isCheckpointEndMarker = (v: bigint) => v >> 32n === CHECKPOINT_END_PREFIX;

export const blockEndMarker = (timestamp: bigint, blockNumber: bigint, numTxs: bigint) =>
  (BLOCK_END_PREFIX << 112n) | ((timestamp & mask(64)) << 48n) | ((blockNumber & mask(32)) << 16n) | (numTxs & mask(16));

/** Indices: L1-to-L2, note hash, nullifier, public data; then totalManaUsed (spec §6.1). */
export const blockEndStateField = (idx: [number, number, number, number], mana: bigint) =>
  (BigInt(idx[0]) << 172n) | (BigInt(idx[1]) << 130n) | (BigInt(idx[2]) << 88n) | (BigInt(idx[3]) << 48n) | (mana & mask(48));

export const checkpointEndMarker = (numBlobFields: number) => (CHECKPOINT_END_PREFIX << 32n) | BigInt(numBlobFields);

/** A tx's blob fields (spec §6.2). */
export function encodeTx(tx: TxEffect): bigint[] {
  const body: bigint[] = [tx.txHash, tx.transactionFee, ...tx.noteHashes, ...tx.nullifiers, ...tx.l2ToL1Msgs];
  for (const [s, v] of tx.publicDataWrites) body.push(s, v);
  for (const log of tx.privateLogs) body.push(BigInt(log.length), ...log);
  body.push(...tx.publicLogs);
  if (tx.contractClassLog) body.push(tx.contractClassLog.contractAddress, ...tx.contractClassLog.fields);
  const marker = encodeTxMarker({
    numNoteHashes: BigInt(tx.noteHashes.length),
    numNullifiers: BigInt(tx.nullifiers.length),
    numL2ToL1Msgs: BigInt(tx.l2ToL1Msgs.length),
    numPublicDataWrites: BigInt(tx.publicDataWrites.length),
    numPrivateLogs: BigInt(tx.privateLogs.length),
    privateLogsLength: BigInt(tx.privateLogs.reduce((n, l) => n + l.length, 0)),
    publicLogsLength: BigInt(tx.publicLogs.length),
    contractClassLogLength: BigInt(tx.contractClassLog?.fields.length ?? 0),
    revertCode: BigInt(tx.revertCode),
    numBlobFields: BigInt(body.length + 1),
  });
  return [marker, ...body];
}

export interface DecodedTx {
  start: number;
  marker: TxMarker;
  effect: TxEffect;
}

export interface DecodedBlock {
  txs: DecodedTx[];
  /** Position of the block end marker. */
  end: number;
  numTxs: bigint;
  totalManaUsed: bigint;
}

/**
 * Recovers blocks and txs from blob fields by following the markers (spec §6.3), leniently: it
 * throws only where it cannot go on (a read past the end, a shape the circuit cannot hold).
 */
export function decodeBlob(fields: readonly bigint[]): DecodedBlock[] {
  let pos = 0;
  const read = () => {
    if (pos >= fields.length) throw new HintError('blob truncated');
    return fields[pos++];
  };
  const take = (n: bigint) => {
    if (n > BigInt(fields.length - pos)) throw new HintError('blob truncated');
    return Array.from({ length: Number(n) }, read);
  };
  const blocks: DecodedBlock[] = [];
  for (;;) {
    if (blocks.length >= SIZES.maxBlocksPerCheckpoint) throw new HintError(`more than ${SIZES.maxBlocksPerCheckpoint} blocks: beyond the circuit`);
    const txs: DecodedTx[] = [];
    while (pos < fields.length && !isBlockEndMarker(fields[pos])) {
      if (txs.length >= SIZES.maxTxsPerBlock) throw new HintError(`more than ${SIZES.maxTxsPerBlock} tx in a block: beyond the circuit`);
      const start = pos;
      const m = decodeTxMarker(read());
      const txHash = read();
      const transactionFee = read();
      const noteHashes = take(m.numNoteHashes);
      const nullifiers = take(m.numNullifiers);
      const l2ToL1Msgs = take(m.numL2ToL1Msgs);
      const pd = take(2n * m.numPublicDataWrites);
      const publicDataWrites = Array.from({ length: pd.length / 2 }, (_, i) => [pd[2 * i], pd[2 * i + 1]] as [bigint, bigint]);
      const privateLogs = Array.from({ length: Number(m.numPrivateLogs) }, () => take(read()));
      const publicLogs = take(m.publicLogsLength);
      const contractClassLog = m.contractClassLogLength > 0n ? { contractAddress: read(), fields: take(m.contractClassLogLength) } : null;
      const effect: TxEffect = { revertCode: Number(m.revertCode & 0xffn), txHash, transactionFee, noteHashes, nullifiers, l2ToL1Msgs, publicDataWrites, privateLogs, publicLogs, contractClassLog };
      txs.push({ start, marker: m, effect });
    }
    const end = pos;
    const marker = read();
    const state = read();
    take(blocks.length === 0 ? 5n : 4n);
    blocks.push({ txs, end, numTxs: marker & 0xffffn, totalManaUsed: state & mask(48) });
    if (pos < fields.length && isCheckpointEndMarker(fields[pos])) return blocks;
    if (pos >= fields.length) throw new HintError('blob truncated: no checkpoint end marker');
  }
}
