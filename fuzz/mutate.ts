// Corpus mutation: a case from the corpus, changed by a few operations (fuzz/plan.ts,
// MutationPlan). Sequence-level operations (duplicate, drop, swap, splice with another case)
// replay known-good checkpoints against states they were not made for: stale block numbers,
// nullifiers that now exist, trees that fill earlier. Field tweaks set one field element anywhere
// in a decoded checkpoint, blob fields included; byte flips break the encoding itself, and 'enc'
// re-encodes one msgpack item non-canonically (fuzz/encoding.ts). A base case's pre-state is kept.

import { DecodeError, decodeCheckpoint, encodeCheckpoint } from '../core/codec.js';
import type { Checkpoint } from '../core/schema.js';
import type { Case } from '../corpus/case.js';
import { breakEncoding } from './encoding.js';
import type { MutationOp, MutationPlan } from './plan.js';

export function mutateCase(corpus: readonly Case[], plan: MutationPlan): Case {
  const base = corpus[plan.base % corpus.length];
  let cps = [...base.checkpoints];
  for (const op of plan.ops) cps = applyOp(cps, op, corpus);
  if (cps.length === 0) cps = [base.checkpoints[0]];
  return { ...base, checkpoints: cps };
}

function applyOp(cps: Uint8Array[], op: MutationOp, corpus: readonly Case[]): Uint8Array[] {
  const n = cps.length;
  switch (op.k) {
    case 'dup': {
      const i = op.i % n;
      return [...cps.slice(0, i + 1), cps[i], ...cps.slice(i + 1)];
    }
    case 'drop':
      return n > 1 ? cps.filter((_, k) => k !== op.i % n) : cps;
    case 'swap': {
      const out = [...cps];
      const i = op.i % n;
      const j = op.j % n;
      [out[i], out[j]] = [out[j], out[i]];
      return out;
    }
    case 'splice': {
      const other = corpus[op.other % corpus.length].checkpoints;
      const at = op.at % (n + 1);
      return [...cps.slice(0, at), ...other.slice(Math.min(at, other.length))];
    }
    case 'flip': {
      const i = op.i % n;
      const bytes = Uint8Array.from(cps[i]);
      const pos = op.pos % bytes.length;
      bytes[pos] = bytes[pos] === op.val ? op.val ^ 0x80 : op.val;
      return cps.map((c, k) => (k === i ? bytes : c));
    }
    case 'enc': {
      const i = op.i % n;
      const broken = breakEncoding(cps[i], op.e);
      return broken ? cps.map((c, k) => (k === i ? broken : c)) : cps;
    }
    case 'tweak': {
      const i = op.i % n;
      return cps.map((c, k) => (k === i ? tweak(c, op.slot, op.v) : c));
    }
  }
}

/** Sets the `slot`-th numeric value of a checkpoint (mod how many it has) to `v`. */
function tweak(bytes: Uint8Array, slot: number, v: bigint): Uint8Array {
  let cp: Checkpoint;
  try {
    cp = decodeCheckpoint(bytes);
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    return bytes; // already malformed: a tweak has nothing to hold on to
  }
  const setters = numericSlots(cp);
  setters[slot % setters.length](v);
  try {
    return encodeCheckpoint(cp);
  } catch {
    return bytes; // the value does not fit that slot's type on the wire
  }
}

const U32 = (v: bigint) => Number(v % 0x1_0000_0000n);
const U64 = (v: bigint) => v % (1n << 64n);

/** Setters for every number a checkpoint holds, in a fixed order. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

function numericSlots(checkpoint: Checkpoint): ((v: bigint) => void)[] {
  // The decoded checkpoint is a fresh object owned here, so it is safe to edit in place.
  const cp = checkpoint as Mutable<Checkpoint>;
  const s: ((v: bigint) => void)[] = [];
  const h = cp.header;
  s.push((v) => (h.chainId = v), (v) => (h.version = v), (v) => (h.slotNumber = v), (v) => (h.timestamp = U64(v)));
  s.push((v) => (h.coinbase = v), (v) => (h.feeRecipient = v), (v) => (h.feePerDaGas = v), (v) => (h.feePerL2Gas = v));
  const list = (xs: bigint[]) => xs.forEach((_, k) => s.push((v) => (xs[k] = v)));
  list(cp.l1ToL2Messages as bigint[]);
  if (cp.form === 'blob') list(cp.blobFields as bigint[]);
  else
    for (const b of cp.blocks) {
      s.push((v) => (b.blockNumber = U32(v)), (v) => (b.totalManaUsed = U64(v)));
      for (const tx of b.txs) {
        s.push((v) => (tx.revertCode = Number(v % 256n)), (v) => (tx.txHash = v), (v) => (tx.transactionFee = v));
        list(tx.noteHashes);
        list(tx.nullifiers);
        list(tx.l2ToL1Msgs);
        for (const w of tx.publicDataWrites) s.push((v) => (w[0] = v), (v) => (w[1] = v));
        for (const l of tx.privateLogs) list(l);
        list(tx.publicLogs);
        if (tx.contractClassLog) {
          const c = tx.contractClassLog as { contractAddress: bigint; fields: bigint[] };
          s.push((v) => (c.contractAddress = v));
          list(c.fields);
        }
      }
    }
  return s;
}
