// Loads the committed conformance vectors (conformance/vectors/*.json, made from @aztec 4.1.2)
// into the canonical model. Vectors hold field elements as 0x-hex strings.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Block, Checkpoint, CheckpointHeader, TxEffect } from './schema.js';

export const VECTORS_DIR = fileURLToPath(new URL('../conformance/vectors/', import.meta.url));

export function loadVectors<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(VECTORS_DIR + name, 'utf8')) as T;
}

const fr = (h: string): bigint => BigInt(h);

export interface VectorTx {
  revertCode: number;
  txHash: string;
  transactionFee: string;
  noteHashes: string[];
  nullifiers: string[];
  l2ToL1Msgs: string[];
  publicDataWrites: [string, string][];
  privateLogs: string[][];
  publicLogs: string[];
  contractClassLog: { contractAddress: string; fields: string[] } | null;
}

export interface VectorCheckpoint {
  header: Record<keyof CheckpointHeader, string>;
  l1ToL2Messages: string[];
  blocks: { blockNumber: number; totalManaUsed: string; txs: VectorTx[] }[];
}

export interface VectorExpected {
  state: string[];
  archive: [string, number];
  blockHeaderHashes: string[];
  blobFields: string[];
}

export interface CheckpointSequence {
  profile: 'aztec' | 'small';
  genesis: { headerHash: string; state: string[]; archive: [string, number] };
  checkpoints: { checkpoint: VectorCheckpoint; expected: VectorExpected }[];
}

function txFromVector(t: VectorTx): TxEffect {
  return {
    revertCode: t.revertCode,
    txHash: fr(t.txHash),
    transactionFee: fr(t.transactionFee),
    noteHashes: t.noteHashes.map(fr),
    nullifiers: t.nullifiers.map(fr),
    l2ToL1Msgs: t.l2ToL1Msgs.map(fr),
    publicDataWrites: t.publicDataWrites.map(([s, v]) => [fr(s), fr(v)]),
    privateLogs: t.privateLogs.map((l) => l.map(fr)),
    publicLogs: t.publicLogs.map(fr),
    contractClassLog: t.contractClassLog
      ? { contractAddress: fr(t.contractClassLog.contractAddress), fields: t.contractClassLog.fields.map(fr) }
      : null,
  };
}

export function headerFromVector(h: VectorCheckpoint['header']): CheckpointHeader {
  return {
    chainId: fr(h.chainId),
    version: fr(h.version),
    slotNumber: fr(h.slotNumber),
    timestamp: BigInt(h.timestamp),
    coinbase: fr(h.coinbase),
    feeRecipient: fr(h.feeRecipient),
    feePerDaGas: fr(h.feePerDaGas),
    feePerL2Gas: fr(h.feePerL2Gas),
  };
}

export function blocksCheckpointFromVector(profile: 'aztec' | 'small', c: VectorCheckpoint): Checkpoint {
  const blocks: Block[] = c.blocks.map((b) => ({ blockNumber: b.blockNumber, totalManaUsed: BigInt(b.totalManaUsed), txs: b.txs.map(txFromVector) }));
  return { v: 1, profile, header: headerFromVector(c.header), l1ToL2Messages: c.l1ToL2Messages.map(fr), form: 'blocks', blocks, blobFields: null };
}

export function blobCheckpointFromVector(profile: 'aztec' | 'small', c: VectorCheckpoint, blobFields: string[]): Checkpoint {
  return { v: 1, profile, header: headerFromVector(c.header), l1ToL2Messages: c.l1ToL2Messages.map(fr), form: 'blob', blocks: null, blobFields: blobFields.map(fr) };
}
