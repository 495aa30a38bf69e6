// Blob field encoding and decoding of a checkpoint (spec §6).

import { reject } from './errors.js';
import type { Block, TxEffect } from './model.js';
import { BLOCK_END_PREFIX, CHECKPOINT_END_PREFIX, TX_START_PREFIX } from './params.js';

/** Fields of a tx implied by its counts (spec §6.2). */
export function txFieldCount(tx: TxEffect): number {
  const privateLogFields = tx.privateLogs.reduce((n, log) => n + 1 + log.length, 0);
  const ccl = tx.contractClassLog ? 1 + tx.contractClassLog.fields.length : 0;
  return (
    3 + tx.noteHashes.length + tx.nullifiers.length + tx.l2ToL1Msgs.length + 2 * tx.publicDataWrites.length +
    privateLogFields + tx.publicLogs.length + ccl
  );
}

/** Packs [value, bits] pairs most-significant first after a prefix. */
function pack(prefix: bigint, parts: [bigint | number, number][]): bigint {
  let v = prefix;
  for (const [x, bits] of parts) v = (v << BigInt(bits)) + BigInt(x);
  return v;
}

export function encodeTx(tx: TxEffect, out: bigint[]): void {
  const privateLogsLength = tx.privateLogs.reduce((n, log) => n + log.length, 0);
  out.push(
    pack(TX_START_PREFIX, [
      [tx.noteHashes.length, 16],
      [tx.nullifiers.length, 16],
      [tx.l2ToL1Msgs.length, 16],
      [tx.publicDataWrites.length, 16],
      [tx.privateLogs.length, 16],
      [privateLogsLength, 16],
      [tx.publicLogs.length, 32],
      [tx.contractClassLog ? tx.contractClassLog.fields.length : 0, 16],
      [tx.revertCode, 8],
      [txFieldCount(tx), 32],
    ]),
    tx.txHash,
    tx.transactionFee,
  );
  out.push(...tx.noteHashes, ...tx.nullifiers, ...tx.l2ToL1Msgs);
  for (const [slot, value] of tx.publicDataWrites) out.push(slot, value);
  for (const log of tx.privateLogs) out.push(BigInt(log.length), ...log);
  out.push(...tx.publicLogs);
  if (tx.contractClassLog) out.push(tx.contractClassLog.contractAddress, ...tx.contractClassLog.fields);
}

/** What a block's end data states (spec §6.2); computed by the STF, claimed by a blob. */
export interface BlockEndData {
  timestamp: bigint;
  blockNumber: number;
  numTxs: number;
  l1ToL2NextIndex: number;
  noteHashNextIndex: number;
  nullifierNextIndex: number;
  publicDataNextIndex: number;
  totalManaUsed: bigint;
  lastArchiveRoot: bigint;
  noteHashRoot: bigint;
  nullifierRoot: bigint;
  publicDataRoot: bigint;
  /** Present for the first block of a checkpoint only. */
  l1ToL2Root: bigint | null;
}

export function encodeBlockEnd(end: BlockEndData, out: bigint[]): void {
  out.push(
    pack(BLOCK_END_PREFIX, [
      [end.timestamp, 64],
      [end.blockNumber, 32],
      [end.numTxs, 16],
    ]),
    pack(BigInt(end.l1ToL2NextIndex), [
      [end.noteHashNextIndex, 42],
      [end.nullifierNextIndex, 42],
      [end.publicDataNextIndex, 40],
      [end.totalManaUsed, 48],
    ]),
    end.lastArchiveRoot,
    end.noteHashRoot,
    end.nullifierRoot,
    end.publicDataRoot,
  );
  if (end.l1ToL2Root !== null) out.push(end.l1ToL2Root);
}

export function checkpointEndMarker(numBlobFields: number): bigint {
  return pack(CHECKPOINT_END_PREFIX, [[numBlobFields, 32]]);
}

const mask = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

export const isBlockEndMarker = (f: bigint): boolean => f >> 112n === BLOCK_END_PREFIX;
export const isCheckpointEndMarker = (f: bigint): boolean => f >> 32n === CHECKPOINT_END_PREFIX;
export const isTxStartMarker = (f: bigint): boolean => f >> 184n === TX_START_PREFIX;

export interface DecodedBlock {
  block: Block;
  claimed: BlockEndData;
}

/** Field reader that rejects with E_BLOB_TRUNCATED when running past the end. */
class Reader {
  pos = 0;
  constructor(private readonly fields: readonly bigint[]) {}
  get remaining(): number {
    return this.fields.length - this.pos;
  }
  peek(): bigint {
    if (this.pos >= this.fields.length) reject('E_BLOB_TRUNCATED', `blob ends at field ${this.pos}`);
    return this.fields[this.pos];
  }
  next(): bigint {
    const f = this.peek();
    this.pos++;
    return f;
  }
  take(n: number, what: string): bigint[] {
    if (n > this.remaining) reject('E_BLOB_TRUNCATED', `${what}: need ${n} fields at ${this.pos}, ${this.remaining} left`);
    const out = this.fields.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function decodeTx(r: Reader): TxEffect {
  const start = r.pos;
  let m = r.next();
  const numBlobFields = Number(m & mask(32));
  m >>= 32n;
  const revertCode = Number(m & mask(8));
  m >>= 8n;
  const cclLength = Number(m & mask(16));
  m >>= 16n;
  const publicLogsLength = Number(m & mask(32));
  m >>= 32n;
  const privateLogsLength = Number(m & mask(16));
  m >>= 16n;
  const [numPrivateLogs, numWrites, numL2ToL1, numNullifiers, numNoteHashes] = [0, 0, 0, 0, 0].map(() => {
    const v = Number(m & mask(16));
    m >>= 16n;
    return v;
  });
  if (revertCode > 3) reject('E_BLOB_BAD_REVERT_CODE', `tx at field ${start}: revert code ${revertCode}`);
  if (numBlobFields - 1 > r.remaining) reject('E_BLOB_TRUNCATED', `tx at field ${start} announces ${numBlobFields} fields`);
  const [txHash, transactionFee] = r.take(2, 'tx header');
  const noteHashes = r.take(numNoteHashes, 'note hashes');
  const nullifiers = r.take(numNullifiers, 'nullifiers');
  const l2ToL1Msgs = r.take(numL2ToL1, 'l2-to-l1 messages');
  const flatWrites = r.take(2 * numWrites, 'public data writes');
  const publicDataWrites: [bigint, bigint][] = [];
  for (let i = 0; i < numWrites; i++) publicDataWrites.push([flatWrites[2 * i], flatWrites[2 * i + 1]]);
  const privateLogs: bigint[][] = [];
  let privateLogFieldSum = 0;
  for (let i = 0; i < numPrivateLogs; i++) {
    const len = r.next();
    // A length that cannot be a count is a length mismatch, not a huge allocation.
    if (len > BigInt(r.remaining)) reject('E_BLOB_TRUNCATED', `private log at field ${r.pos - 1} announces ${len} fields`);
    privateLogs.push(r.take(Number(len), 'private log'));
    privateLogFieldSum += Number(len);
  }
  const publicLogs = r.take(publicLogsLength, 'public logs');
  let contractClassLog = null;
  if (cclLength > 0) {
    const [contractAddress, ...fields] = r.take(cclLength + 1, 'contract class log');
    contractClassLog = { contractAddress, fields };
  }
  const tx: TxEffect = { revertCode, txHash, transactionFee, noteHashes, nullifiers, l2ToL1Msgs, publicDataWrites, privateLogs, publicLogs, contractClassLog };
  if (privateLogFieldSum !== privateLogsLength) {
    reject('E_BLOB_TX_LENGTH_MISMATCH', `tx at field ${start}: private logs hold ${privateLogFieldSum} fields, marker says ${privateLogsLength}`);
  }
  if (txFieldCount(tx) !== numBlobFields) {
    reject('E_BLOB_TX_LENGTH_MISMATCH', `tx at field ${start}: ${txFieldCount(tx)} fields, marker says ${numBlobFields}`);
  }
  return tx;
}

function decodeBlockEnd(r: Reader, first: boolean): BlockEndData {
  const need = first ? 7 : 6;
  if (r.remaining < need) reject('E_BLOB_TRUNCATED', `block end data at field ${r.pos}: need ${need} fields, ${r.remaining} left`);
  const marker = r.next();
  let s = r.next();
  const totalManaUsed = s & mask(48);
  s >>= 48n;
  const publicDataNextIndex = Number(s & mask(40));
  s >>= 40n;
  const nullifierNextIndex = Number(s & mask(42));
  s >>= 42n;
  const noteHashNextIndex = Number(s & mask(42));
  s >>= 42n;
  if (s >= 1n << 36n) reject('E_BLOB_BAD_END_STATE_FIELD', `block end state field at ${r.pos - 1}`);
  const [lastArchiveRoot, noteHashRoot, nullifierRoot, publicDataRoot] = r.take(4, 'block end data');
  const l1ToL2Root = first ? r.next() : null;
  return {
    timestamp: (marker >> 48n) & mask(64),
    blockNumber: Number((marker >> 16n) & mask(32)),
    numTxs: Number(marker & mask(16)),
    l1ToL2NextIndex: Number(s),
    noteHashNextIndex,
    nullifierNextIndex,
    publicDataNextIndex,
    totalManaUsed,
    lastArchiveRoot,
    noteHashRoot,
    nullifierRoot,
    publicDataRoot,
    l1ToL2Root,
  };
}

/** Decodes a checkpoint's blob fields (spec §6.3). */
export function decodeCheckpointBlob(fields: readonly bigint[]): DecodedBlock[] {
  if (fields.length === 0) reject('E_BLOB_EMPTY', 'no blob fields');
  const r = new Reader(fields);
  const blocks: DecodedBlock[] = [];
  for (;;) {
    const txs: TxEffect[] = [];
    while (!isBlockEndMarker(r.peek())) {
      if (!isTxStartMarker(r.peek())) reject('E_BLOB_BAD_TX_MARKER', `field ${r.pos} is neither a tx start nor a block end marker`);
      txs.push(decodeTx(r));
    }
    const claimed = decodeBlockEnd(r, blocks.length === 0);
    if (claimed.numTxs !== txs.length) {
      reject('E_BLOB_TX_COUNT_MISMATCH', `block end marker says ${claimed.numTxs} txs, decoded ${txs.length}`);
    }
    blocks.push({ block: { blockNumber: claimed.blockNumber, totalManaUsed: claimed.totalManaUsed, txs }, claimed });
    if (isCheckpointEndMarker(r.peek())) break;
  }
  const marker = r.next();
  const declared = Number(marker & mask(32));
  if (declared !== r.pos) reject('E_BLOB_CHECKPOINT_LENGTH_MISMATCH', `checkpoint end marker says ${declared} fields, read ${r.pos}`);
  for (let i = r.pos; i < fields.length; i++) {
    if (fields[i] !== 0n) reject('E_BLOB_TRAILING_DATA', `non-zero field ${i} after the checkpoint end marker`);
  }
  return blocks;
}
