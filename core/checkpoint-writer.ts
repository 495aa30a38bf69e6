// A checkpoint's canonical bytes (spec §8) written straight from the model. The general route
// (effect's Schema.encodeSync, then the canonical writer over the encoded object) costs about
// 80 µs for a small checkpoint and runs twice per fuzzed checkpoint (building it, and the canonical
// check of every decode); this writer does the same in a fraction of that. It writes only values
// that are in range for their wire type and returns null otherwise, leaving the error to the schema
// route. test/codec.test.ts checks the bytes against the schema route.

import { arrayHeader, mapHeader, Writer } from './msgpack-canonical.js';
import type { Checkpoint, TxEffect } from './schema.js';

const U32_MAX = 0xffffffff;
const U64_LIMIT = 1n << 64n;

class OutOfRange extends Error {}

const fixstrBytes = new Map<string, Uint8Array>();
/** A short ASCII string (every key, and the literals 'small', 'aztec', 'blocks', 'blob'): a fixstr. */
function fixstr(w: Writer, text: string): void {
  let b = fixstrBytes.get(text);
  if (!b) {
    b = Uint8Array.from([0xa0 | text.length, ...Buffer.from(text, 'ascii')]);
    fixstrBytes.set(text, b);
  }
  w.bytes(b);
}

function fr(w: Writer, v: bigint): void {
  if (typeof v !== 'bigint') throw new OutOfRange();
  w.bin32(v);
}

function frs(w: Writer, vs: readonly bigint[]): void {
  arrayHeader(w, vs.length);
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

/** Map entries with field-element values, in the order given. */
function frEntries(w: Writer, entries: readonly [string, bigint][]): void {
  for (const [name, v] of entries) (fixstr(w, name), fr(w, v));
}

function frsEntries(w: Writer, entries: readonly [string, readonly bigint[]][]): void {
  for (const [name, vs] of entries) (fixstr(w, name), frs(w, vs));
}

function tx(w: Writer, t: TxEffect): void {
  mapHeader(w, 10);
  fixstr(w, 'revertCode');
  u32(w, t.revertCode, 255);
  frEntries(w, [['txHash', t.txHash], ['transactionFee', t.transactionFee]]);
  frsEntries(w, [['noteHashes', t.noteHashes], ['nullifiers', t.nullifiers], ['l2ToL1Msgs', t.l2ToL1Msgs]]);
  fixstr(w, 'publicDataWrites');
  arrayHeader(w, t.publicDataWrites.length);
  for (const pair of t.publicDataWrites) {
    if (pair.length !== 2) throw new OutOfRange();
    w.u8(0x92);
    fr(w, pair[0]);
    fr(w, pair[1]);
  }
  fixstr(w, 'privateLogs');
  arrayHeader(w, t.privateLogs.length);
  for (const log of t.privateLogs) frs(w, log);
  frsEntries(w, [['publicLogs', t.publicLogs]]);
  fixstr(w, 'contractClassLog');
  if (t.contractClassLog === null) w.u8(0xc0);
  else {
    mapHeader(w, 2);
    frEntries(w, [['contractAddress', t.contractClassLog.contractAddress]]);
    frsEntries(w, [['fields', t.contractClassLog.fields]]);
  }
}

/** The canonical bytes of `cp`, or null if some value is outside its wire type (see above). */
export function writeCheckpoint(cp: Checkpoint): Uint8Array | null {
  if (cp.v !== 1 || (cp.profile !== 'aztec' && cp.profile !== 'small')) return null;
  if (cp.form === 'blocks' ? !Array.isArray(cp.blocks) || cp.blobFields !== null : cp.form !== 'blob' || cp.blocks !== null || !Array.isArray(cp.blobFields)) return null;
  const w = new Writer();
  const h = cp.header;
  try {
    mapHeader(w, 7);
    fixstr(w, 'v');
    w.u8(1);
    fixstr(w, 'profile');
    fixstr(w, cp.profile);
    fixstr(w, 'header');
    mapHeader(w, 8);
    frEntries(w, [['chainId', h.chainId], ['version', h.version], ['slotNumber', h.slotNumber]]);
    fixstr(w, 'timestamp');
    u64(w, h.timestamp);
    frEntries(w, [['coinbase', h.coinbase], ['feeRecipient', h.feeRecipient], ['feePerDaGas', h.feePerDaGas], ['feePerL2Gas', h.feePerL2Gas]]);
    frsEntries(w, [['l1ToL2Messages', cp.l1ToL2Messages]]);
    fixstr(w, 'form');
    fixstr(w, cp.form);
    fixstr(w, 'blocks');
    if (cp.form === 'blocks') {
      arrayHeader(w, cp.blocks.length);
      for (const b of cp.blocks) {
        mapHeader(w, 3);
        fixstr(w, 'blockNumber');
        u32(w, b.blockNumber);
        fixstr(w, 'totalManaUsed');
        u64(w, b.totalManaUsed);
        fixstr(w, 'txs');
        arrayHeader(w, b.txs.length);
        for (const t of b.txs) tx(w, t);
      }
      fixstr(w, 'blobFields');
      w.u8(0xc0);
    } else {
      w.u8(0xc0);
      frsEntries(w, [['blobFields', cp.blobFields]]);
    }
  } catch (err) {
    if (err instanceof OutOfRange) return null;
    throw err;
  }
  return w.result();
}
