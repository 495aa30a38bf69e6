// Header ranges (spec §7.1, §4.5), static and sequencing checks (§7.3, §7.4), in the spec's order:
// the first violation wins.

import { txFieldCount } from './blob.js';
import { reject } from './errors.js';
import type { Block, CheckpointHeader, TxEffect } from './model.js';
import type { Params } from './params.js';

function checkTx(tx: TxEffect, where: string, p: Params): void {
  if (!Number.isInteger(tx.revertCode) || tx.revertCode < 0 || tx.revertCode > 3) {
    reject('E_BAD_REVERT_CODE', `${where}: revert code ${tx.revertCode}`);
  }
  const counts: [number, number, Parameters<typeof reject>[0], string][] = [
    [tx.noteHashes.length, p.maxNoteHashesPerTx, 'E_TOO_MANY_NOTE_HASHES', 'note hashes'],
    [tx.nullifiers.length, p.maxNullifiersPerTx, 'E_TOO_MANY_NULLIFIERS', 'nullifiers'],
    [tx.l2ToL1Msgs.length, p.maxL2ToL1MsgsPerTx, 'E_TOO_MANY_L2_TO_L1_MSGS', 'l2-to-l1 messages'],
    [tx.publicDataWrites.length, p.maxPublicDataWritesPerTx, 'E_TOO_MANY_PUBLIC_DATA_WRITES', 'public data writes'],
    [tx.privateLogs.length, p.maxPrivateLogsPerTx, 'E_TOO_MANY_PRIVATE_LOGS', 'private logs'],
  ];
  for (const [n, max, code, what] of counts) if (n > max) reject(code, `${where}: ${n} ${what} > ${max}`);
  if (tx.nullifiers.length === 0) reject('E_TX_WITHOUT_NULLIFIER', `${where}: no nullifier`);
  tx.noteHashes.forEach((v, i) => v === 0n && reject('E_ZERO_NOTE_HASH', `${where}: note hash ${i} is 0`));
  tx.nullifiers.forEach((v, i) => v === 0n && reject('E_ZERO_NULLIFIER', `${where}: nullifier ${i} is 0`));
  tx.l2ToL1Msgs.forEach((v, i) => v === 0n && reject('E_ZERO_L2_TO_L1_MSG', `${where}: l2-to-l1 message ${i} is 0`));
  tx.publicDataWrites.forEach(
    ([s, v], i) => s === 0n && v === 0n && reject('E_EMPTY_PUBLIC_DATA_WRITE', `${where}: public data write ${i} is empty`),
  );
  tx.privateLogs.forEach((log, i) => {
    if (log.length === 0 || log.length > p.privateLogSizeInFields) {
      reject('E_BAD_PRIVATE_LOG_LENGTH', `${where}: private log ${i} has ${log.length} fields`);
    }
  });
  if (tx.publicLogs.length > p.maxPublicLogsLength) {
    reject('E_PUBLIC_LOGS_TOO_LONG', `${where}: ${tx.publicLogs.length} public log fields > ${p.maxPublicLogsLength}`);
  }
  const ccl = tx.contractClassLog;
  if (ccl && (ccl.fields.length === 0 || ccl.fields.length > p.contractClassLogSizeInFields)) {
    reject('E_BAD_CONTRACT_CLASS_LOG_LENGTH', `${where}: contract class log has ${ccl.fields.length} fields`);
  }
}

export function checkStatic(blocks: readonly Block[], l1ToL2Messages: readonly bigint[], p: Params): void {
  if (blocks.length === 0) reject('E_NO_BLOCKS', 'checkpoint has no block');
  if (blocks.length > p.maxBlocksPerCheckpoint) reject('E_TOO_MANY_BLOCKS', `${blocks.length} blocks > ${p.maxBlocksPerCheckpoint}`);
  if (l1ToL2Messages.length > p.l1ToL2MsgsPerCheckpoint) {
    reject('E_TOO_MANY_L1_TO_L2_MSGS', `${l1ToL2Messages.length} messages > ${p.l1ToL2MsgsPerCheckpoint}`);
  }
  let blobFields = 1; // the checkpoint end marker
  blocks.forEach((block, b) => {
    if (b > 0 && block.txs.length === 0) reject('E_EMPTY_BLOCK', `block ${b} has no tx`);
    if (block.txs.length > p.maxTxsPerBlock) reject('E_TOO_MANY_TXS', `block ${b}: ${block.txs.length} txs > ${p.maxTxsPerBlock}`);
    if (block.totalManaUsed >= 1n << 48n) reject('E_MANA_OUT_OF_RANGE', `block ${b}: totalManaUsed ${block.totalManaUsed}`);
    block.txs.forEach((tx, t) => {
      checkTx(tx, `block ${b} tx ${t}`, p);
      blobFields += txFieldCount(tx);
    });
    blobFields += b === 0 ? 7 : 6;
  });
  if (blobFields > p.maxBlobFields) reject('E_BLOB_TOO_LARGE', `${blobFields} blob fields > ${p.maxBlobFields}`);
}

/** E_HEADER_OUT_OF_RANGE: header values wider than Aztec's types (spec §4.5), in the spec's order. */
export function checkHeaderRanges(h: CheckpointHeader): void {
  const limits: [keyof CheckpointHeader, number][] = [['slotNumber', 32], ['coinbase', 160], ['feePerDaGas', 128], ['feePerL2Gas', 128]];
  for (const [k, bits] of limits) {
    if (h[k] >= 1n << BigInt(bits)) reject('E_HEADER_OUT_OF_RANGE', `header.${k} ${h[k]} does not fit in ${bits} bits`);
  }
}

export interface LastBlock {
  blockNumber: number;
  slotNumber: bigint;
  timestamp: bigint;
}

export function checkSequencing(
  header: CheckpointHeader,
  blocks: readonly Block[],
  chain: { chainId: bigint; version: bigint; last: LastBlock },
  claimedTimestamps: readonly bigint[] | null,
): void {
  if (header.chainId !== chain.chainId) reject('E_CHAIN_ID', `chain id ${header.chainId}, expected ${chain.chainId}`);
  if (header.version !== chain.version) reject('E_VERSION', `version ${header.version}, expected ${chain.version}`);
  if (header.slotNumber <= chain.last.slotNumber) reject('E_SLOT', `slot ${header.slotNumber} <= previous ${chain.last.slotNumber}`);
  if (header.timestamp <= chain.last.timestamp) {
    reject('E_TIMESTAMP', `timestamp ${header.timestamp} <= previous ${chain.last.timestamp}`);
  }
  claimedTimestamps?.forEach((t, b) => {
    if (t !== header.timestamp) reject('E_TIMESTAMP', `block ${b} timestamp ${t} differs from checkpoint ${header.timestamp}`);
  });
  let expected = chain.last.blockNumber + 1;
  blocks.forEach((block, b) => {
    if (block.blockNumber !== expected) reject('E_BLOCK_NUMBER', `block ${b} has number ${block.blockNumber}, expected ${expected}`);
    expected++;
  });
}
