// Canonical checkpoint (spec §4.2, §8) -> Aztec's own objects. Translation only: every value that
// Aztec's code derives (tx start markers, blob encoding and decoding, log parsing) is left to
// Aztec's functions; this file moves numbers between representations.

import { decodeCheckpointBlobData, getNumTxBlobFields } from '@aztec/blob-lib';
import { Fr } from '@aztec/foundation/curves/bn254';
import { EthAddress } from '@aztec/foundation/eth-address';
import { AztecAddress } from '@aztec/stdlib/aztec-address';
import { BlockNumber, SlotNumber } from '@aztec/foundation/branded-types';
import { GasFees } from '@aztec/stdlib/gas';
import { TxEffect } from '@aztec/stdlib/tx';
import { GlobalVariables } from '@aztec/stdlib/tx';
import { unpack } from './msgpack.mjs';

/** A checkpoint this implementation cannot even read: the spec's E_MALFORMED_INPUT. */
export class UnreadableCheckpoint extends Error {}

const fr = (b) => {
  if (!(b instanceof Uint8Array) || b.length !== 32) throw new UnreadableCheckpoint('a field element is not 32 bytes');
  return Fr.fromBuffer(Buffer.from(b));
};
const int = (v, what) => {
  if (typeof v !== 'number' && typeof v !== 'bigint') throw new UnreadableCheckpoint(`${what} is not an integer`);
  return BigInt(v);
};
const list = (v, what) => {
  if (!Array.isArray(v)) throw new UnreadableCheckpoint(`${what} is not a list`);
  return v;
};

/** Canonical tx effect -> Aztec's blob-level tx data (`TxBlobData`, blob-lib), the form both encodings share. */
function txBlobDataOf(t) {
  const noteHashes = list(t.noteHashes, 'noteHashes').map(fr);
  const nullifiers = list(t.nullifiers, 'nullifiers').map(fr);
  const l2ToL1Msgs = list(t.l2ToL1Msgs, 'l2ToL1Msgs').map(fr);
  const publicDataWrites = list(t.publicDataWrites, 'publicDataWrites').map((w) => [fr(w[0]), fr(w[1])]);
  const privateLogs = list(t.privateLogs, 'privateLogs').map((l) => list(l, 'privateLog').map(fr));
  const publicLogs = list(t.publicLogs, 'publicLogs').map(fr);
  const ccl = t.contractClassLog;
  const contractClassLog = ccl ? [fr(ccl.contractAddress), ...list(ccl.fields, 'contractClassLog.fields').map(fr)] : [];
  const partial = {
    revertCode: Number(int(t.revertCode, 'revertCode')),
    numNoteHashes: noteHashes.length,
    numNullifiers: nullifiers.length,
    numL2ToL1Msgs: l2ToL1Msgs.length,
    numPublicDataWrites: publicDataWrites.length,
    numPrivateLogs: privateLogs.length,
    privateLogsLength: privateLogs.reduce((n, l) => n + l.length, 0),
    publicLogsLength: publicLogs.length,
    contractClassLogLength: ccl ? contractClassLog.length - 1 : 0,
  };
  return {
    txStartMarker: { ...partial, numBlobFields: getNumTxBlobFields(partial) },
    txHash: fr(t.txHash),
    transactionFee: fr(t.transactionFee),
    noteHashes, nullifiers, l2ToL1Msgs, publicDataWrites, privateLogs, publicLogs, contractClassLog,
  };
}

/**
 * Aztec's TxEffect of a tx's blob data (`TxEffect.fromTxBlobData`, what Aztec's archiver does with
 * a published blob). Aztec parses the public-log payload into logs; difftower's spec keeps it
 * opaque (§4.2), so a payload that is not a list of well-formed logs is carried without logs: the
 * world state never reads them (it takes note hashes, nullifiers and public-data writes).
 */
export function txEffectOf(data) {
  try {
    return TxEffect.fromTxBlobData(data);
  } catch {
    return TxEffect.fromTxBlobData({ ...data, txStartMarker: { ...data.txStartMarker, publicLogsLength: 0 }, publicLogs: [] });
  }
}

/**
 * Reads a canonical checkpoint: header as Aztec's GlobalVariables pieces, L1-to-L2 messages, and
 * for each block its number, mana and txs as TxBlobData. The blob form is decoded by Aztec's
 * `decodeCheckpointBlobData`.
 */
export function readCheckpoint(bytes) {
  let cp;
  try {
    cp = unpack(bytes);
  } catch (err) {
    throw new UnreadableCheckpoint(`not msgpack: ${err.message}`);
  }
  if (typeof cp !== 'object' || cp === null || typeof cp.header !== 'object' || cp.header === null) throw new UnreadableCheckpoint('not a checkpoint map');
  const h = cp.header;
  const header = {
    chainId: fr(h.chainId),
    version: fr(h.version),
    slotNumber: fr(h.slotNumber),
    timestamp: int(h.timestamp, 'timestamp'),
    coinbase: fr(h.coinbase),
    feeRecipient: fr(h.feeRecipient),
    feePerDaGas: fr(h.feePerDaGas),
    feePerL2Gas: fr(h.feePerL2Gas),
  };
  const l1ToL2Messages = list(cp.l1ToL2Messages, 'l1ToL2Messages').map(fr);
  let blocks;
  if (cp.form === 'blob') {
    const decoded = decodeCheckpointBlobData(list(cp.blobFields, 'blobFields').map(fr));
    blocks = decoded.blocks.map((b) => ({ blockNumber: BigInt(b.blockEndMarker.blockNumber), totalManaUsed: BigInt(b.blockEndStateField.totalManaUsed), txs: b.txs }));
  } else if (cp.form === 'blocks') {
    blocks = list(cp.blocks, 'blocks').map((b) => ({
      blockNumber: int(b.blockNumber, 'blockNumber'),
      totalManaUsed: int(b.totalManaUsed, 'totalManaUsed'),
      txs: list(b.txs, 'txs').map(txBlobDataOf),
    }));
  } else throw new UnreadableCheckpoint(`unknown form ${String(cp.form)}`);
  return { profile: cp.profile, header, l1ToL2Messages, blocks };
}

/** Aztec's GlobalVariables for one block of the checkpoint (stdlib tx/global_variables.ts). */
export function globalVariablesOf(header, blockNumber) {
  return new GlobalVariables(
    header.chainId,
    header.version,
    BlockNumber(Number(blockNumber)),
    SlotNumber(header.slotNumber.toNumber()), // as CheckpointHeader.fromBuffer reads it (throws past 2^53)
    header.timestamp,
    EthAddress.fromField(header.coinbase),
    AztecAddress.fromField(header.feeRecipient),
    new GasFees(header.feePerDaGas.toBigInt(), header.feePerL2Gas.toBigInt()),
  );
}
