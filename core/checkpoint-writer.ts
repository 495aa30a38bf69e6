// A checkpoint's canonical bytes (spec §8) written straight from the model. The general route
// (effect's Schema.encodeSync, then the canonical writer over the encoded object) costs about
// 80 µs for a small checkpoint and runs twice per fuzzed checkpoint (building it, and the canonical
// check of every decode); this writer does the same in a fraction of that. It writes only values
// that are in range for their wire type and returns null otherwise, leaving the error to the schema
// route. test/codec.test.ts checks the bytes against the schema route.

import { Writer } from './msgpack-canonical.js';
import type { Checkpoint, TxEffect } from './schema.js';

const U32_MAX = 0xffffffff;
const U64_LIMIT = 1n << 64n;

class OutOfRange extends Error {}

const keyBytes = new Map<string, Uint8Array>();
function key(w: Writer, k: string): void {
  let b = keyBytes.get(k);
  if (!b) {
    // every key is ASCII and shorter than 32: a fixstr
    b = Uint8Array.from([0xa0 | k.length, ...Buffer.from(k, 'ascii')]);
    keyBytes.set(k, b);
  }
  w.bytes(b);
}

function fr(w: Writer, v: bigint): void {
  if (typeof v !== 'bigint') throw new OutOfRange();
  w.bin32(v);
}

function frs(w: Writer, vs: readonly bigint[]): void {
  w.header(0x90, 0xdc, vs.length);
  for (const v of vs) fr(w, v);
}

function u32(w: Writer, v: number, max = U32_MAX): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new OutOfRange();
  w.uint(v);
}

function u64(w: Writer, v: bigint): void {
  if (typeof v !== 'bigint' || v < 0n || v >= U64_LIMIT) throw new OutOfRange();
  if (v < 0x100000000n) w.uint(Number(v));
  else w.u64(0xcf, v);
}

function str(w: Writer, s: string): void {
  key(w, s); // the literals written here are short ASCII too
}

function tx(w: Writer, t: TxEffect): void {
  w.header(0x80, 0xde, 10);
  key(w, 'revertCode');
  u32(w, t.revertCode, 255);
  key(w, 'txHash');
  fr(w, t.txHash);
  key(w, 'transactionFee');
  fr(w, t.transactionFee);
  key(w, 'noteHashes');
  frs(w, t.noteHashes);
  key(w, 'nullifiers');
  frs(w, t.nullifiers);
  key(w, 'l2ToL1Msgs');
  frs(w, t.l2ToL1Msgs);
  key(w, 'publicDataWrites');
  w.header(0x90, 0xdc, t.publicDataWrites.length);
  for (const pair of t.publicDataWrites) {
    if (pair.length !== 2) throw new OutOfRange();
    w.u8(0x92);
    fr(w, pair[0]);
    fr(w, pair[1]);
  }
  key(w, 'privateLogs');
  w.header(0x90, 0xdc, t.privateLogs.length);
  for (const log of t.privateLogs) frs(w, log);
  key(w, 'publicLogs');
  frs(w, t.publicLogs);
  key(w, 'contractClassLog');
  if (t.contractClassLog === null) w.u8(0xc0);
  else {
    w.header(0x80, 0xde, 2);
    key(w, 'contractAddress');
    fr(w, t.contractClassLog.contractAddress);
    key(w, 'fields');
    frs(w, t.contractClassLog.fields);
  }
}

/** The canonical bytes of `cp`, or null if some value is outside its wire type (see above). */
export function writeCheckpoint(cp: Checkpoint): Uint8Array | null {
  if (cp.v !== 1 || (cp.profile !== 'aztec' && cp.profile !== 'small')) return null;
  if (cp.form === 'blocks' ? !Array.isArray(cp.blocks) || cp.blobFields !== null : cp.form !== 'blob' || cp.blocks !== null || !Array.isArray(cp.blobFields)) return null;
  const w = new Writer();
  try {
    w.header(0x80, 0xde, 7);
    key(w, 'v');
    w.u8(1);
    key(w, 'profile');
    str(w, cp.profile);
    key(w, 'header');
    const h = cp.header;
    w.header(0x80, 0xde, 8);
    key(w, 'chainId');
    fr(w, h.chainId);
    key(w, 'version');
    fr(w, h.version);
    key(w, 'slotNumber');
    fr(w, h.slotNumber);
    key(w, 'timestamp');
    u64(w, h.timestamp);
    key(w, 'coinbase');
    fr(w, h.coinbase);
    key(w, 'feeRecipient');
    fr(w, h.feeRecipient);
    key(w, 'feePerDaGas');
    fr(w, h.feePerDaGas);
    key(w, 'feePerL2Gas');
    fr(w, h.feePerL2Gas);
    key(w, 'l1ToL2Messages');
    frs(w, cp.l1ToL2Messages);
    key(w, 'form');
    str(w, cp.form);
    key(w, 'blocks');
    if (cp.form === 'blocks') {
      w.header(0x90, 0xdc, cp.blocks.length);
      for (const b of cp.blocks) {
        w.header(0x80, 0xde, 3);
        key(w, 'blockNumber');
        u32(w, b.blockNumber);
        key(w, 'totalManaUsed');
        u64(w, b.totalManaUsed);
        key(w, 'txs');
        w.header(0x90, 0xdc, b.txs.length);
        for (const t of b.txs) tx(w, t);
      }
      key(w, 'blobFields');
      w.u8(0xc0);
    } else {
      w.u8(0xc0);
      key(w, 'blobFields');
      frs(w, cp.blobFields);
    }
  } catch (err) {
    if (err instanceof OutOfRange) return null;
    throw err;
  }
  return w.result();
}
