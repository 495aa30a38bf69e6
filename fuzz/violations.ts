// Targeted violations: a checkpoint built valid (sanitized) and then broken in exactly one rule of
// spec §7, so that this rule is the one that fires. Random breakage reaches some rules rarely and
// then often behind an earlier error of the same checkpoint; here each error code is one draw. The
// edits work on the blocks-form model (input, static, sequencing and execution rules), on a
// correct blob encoding (decoding rules, the blob timestamp and end-state checks), or on the bytes
// (E_MALFORMED_INPUT, through the encoding mutator). `at` picks the position, `v` the variant.

import { FIELD_MODULUS, type ProfileSizes } from '../core/params.js';
import type { Rng } from '../core/rng.js';
import type { Checkpoint, TxEffect } from '../core/schema.js';
import { isBlockEndMarker, isCheckpointEndMarker, isTxStartMarker } from '../impls/ts/src/blob.js';
import { U64_MAX } from './boundary.js';
import type { EncBreak, ItemKind } from './encoding.js';

const P = FIELD_MODULUS;

export interface ViolationPlan {
  /** Index into the profile's violation list (fuzz/violations.ts, `violationsFor`). */
  code: number;
  at: number;
  v: number;
}

export interface ModelContext {
  sizes: ProfileSizes;
  maxBlocks: number;
  /** Keys already in the nullifier tree. */
  nullifiers: readonly bigint[];
  last: { blockNumber: number; slot: bigint; timestamp: bigint };
  rng: Rng;
  at: number;
  v: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
type Cp = Mutable<Extract<Checkpoint, { form: 'blocks' }>>;
type Tx = Mutable<TxEffect>;

export type Violation =
  | { code: string; stage: 'model'; apply: (cp: Cp, c: ModelContext) => void }
  | { code: string; stage: 'blob'; apply: (fields: bigint[], at: number, v: number) => bigint[] | null }
  | { code: string; stage: 'bytes'; enc: (at: number, v: number) => EncBreak };

const nonzero = (r: Rng) => 1n + r.field(P - 1n);

/** The tx at `at` (one is added to the first block when the checkpoint has none). */
function someTx(cp: Cp, c: ModelContext): Tx {
  const txs = cp.blocks.flatMap((b) => b.txs);
  if (txs.length) return txs[c.at % txs.length];
  const tx: Tx = { revertCode: 0, txHash: c.rng.field(P), transactionFee: 0n, noteHashes: [], nullifiers: [nonzero(c.rng)], l2ToL1Msgs: [], publicDataWrites: [], privateLogs: [], publicLogs: [], contractClassLog: null };
  cp.blocks[0].txs.push(tx);
  return tx;
}

const someBlock = (cp: Cp, c: ModelContext) => cp.blocks[c.at % cp.blocks.length];

/** Grow a list to one over its maximum. */
const over = <T>(xs: T[], max: number, make: () => T) => {
  while (xs.length <= max) xs.push(make());
};

/** Every field-element setter of a blocks-form checkpoint, in a fixed order. */
function frSetters(cp: Cp): ((v: bigint) => void)[] {
  const s: ((v: bigint) => void)[] = [];
  const h = cp.header;
  s.push((v) => (h.chainId = v), (v) => (h.version = v), (v) => (h.slotNumber = v), (v) => (h.coinbase = v), (v) => (h.feeRecipient = v), (v) => (h.feePerDaGas = v), (v) => (h.feePerL2Gas = v));
  const list = (xs: bigint[]) => xs.forEach((_, k) => s.push((v) => (xs[k] = v)));
  list(cp.l1ToL2Messages);
  for (const b of cp.blocks)
    for (const tx of b.txs) {
      s.push((v) => (tx.txHash = v), (v) => (tx.transactionFee = v));
      list(tx.noteHashes);
      list(tx.nullifiers);
      list(tx.l2ToL1Msgs);
      for (const w of tx.publicDataWrites) s.push((v) => (w[0] = v), (v) => (w[1] = v));
      for (const l of tx.privateLogs) list(l);
      list(tx.publicLogs);
      if (tx.contractClassLog) {
        const cl = tx.contractClassLog as { contractAddress: bigint; fields: bigint[] };
        s.push((v) => (cl.contractAddress = v));
        list(cl.fields);
      }
    }
  return s;
}

const model = (code: string, apply: (cp: Cp, c: ModelContext) => void): Violation => ({ code, stage: 'model', apply });
const blob = (code: string, apply: (fields: bigint[], at: number, v: number) => bigint[] | null): Violation => ({ code, stage: 'blob', apply });

/**
 * A value `≤ last` for a sequencing check: mostly equal (the edge a dropped or `<`-for-`≤` rule
 * misses), else one below, or one above `last - 2^k` (a comparison on the low k bits takes it for
 * larger).
 */
function notAfter(last: bigint, v: number): bigint {
  const variant = v % 8;
  if (variant < 3) return last;
  if (variant === 3) return last > 0n ? last - 1n : 0n;
  const t = last + 1n - (1n << BigInt([8, 32, 64, 128][variant - 4]));
  return t >= 0n ? t : last;
}

const markerIndices = (f: bigint[], test: (x: bigint) => boolean) => f.flatMap((x, i) => (test(x) ? [i] : []));
/** Replace the `width`-bit part at bit `lo` of field i. */
const setPart = (f: bigint[], i: number, lo: number, width: number, value: bigint) => {
  const mask = ((1n << BigInt(width)) - 1n) << BigInt(lo);
  f[i] = (f[i] & ~mask) | ((value << BigInt(lo)) & mask);
};
const part = (x: bigint, lo: number, width: number) => (x >> BigInt(lo)) & ((1n << BigInt(width)) - 1n);
const off = (v: number) => (v % 2 === 0 ? 1n : -1n);

const ITEM_KINDS: ItemKind[] = ['int', 'str', 'bin', 'array', 'map'];

const all = (maxBlob: number): Violation[] => [
  { code: 'E_MALFORMED_INPUT', stage: 'bytes', enc: (at, v) => encBreakOf(at, v) },
  model('E_FIELD_OUT_OF_RANGE', (cp, c) => {
    const s = frSetters(cp);
    s[c.at % s.length](P + BigInt(c.v % 4));
  }),
  // Spec §4.5: a field element the header's integer type cannot hold (Aztec's u32 slot, 160-bit
  // coinbase, u128 fees), at or just past the bound.
  model('E_HEADER_OUT_OF_RANGE', (cp, c) => {
    const past = BigInt(c.v % 3);
    const h = cp.header;
    [() => (h.slotNumber = (1n << 32n) + past), () => (h.coinbase = (1n << 160n) + past), () => (h.feePerDaGas = (1n << 128n) + past), () => (h.feePerL2Gas = (1n << 128n) + past)][c.at % 4]();
  }),
  model('E_NO_BLOCKS', (cp) => void (cp.blocks = [])),
  model('E_TOO_MANY_BLOCKS', (cp, c) => {
    while (cp.blocks.length <= c.sizes.maxBlocksPerCheckpoint) {
      const prev = cp.blocks[cp.blocks.length - 1];
      cp.blocks.push({ blockNumber: Math.min(0xffff_ffff, prev.blockNumber + 1), totalManaUsed: 0n, txs: [{ revertCode: 0, txHash: c.rng.field(P), transactionFee: 0n, noteHashes: [], nullifiers: [nonzero(c.rng)], l2ToL1Msgs: [], publicDataWrites: [], privateLogs: [], publicLogs: [], contractClassLog: null }] });
    }
  }),
  model('E_TOO_MANY_L1_TO_L2_MSGS', (cp, c) => over(cp.l1ToL2Messages, c.sizes.l1ToL2MsgsPerCheckpoint, () => c.rng.field(P))),
  model('E_EMPTY_BLOCK', (cp, c) => {
    if (cp.blocks.length < 2) cp.blocks.push({ blockNumber: Math.min(0xffff_ffff, cp.blocks[0].blockNumber + 1), totalManaUsed: 0n, txs: [] });
    else cp.blocks[1 + (c.at % (cp.blocks.length - 1))].txs = [];
  }),
  model('E_TOO_MANY_TXS', (cp, c) => {
    const b = someBlock(cp, c);
    while (b.txs.length <= c.sizes.maxTxsPerBlock) b.txs.push({ revertCode: 0, txHash: c.rng.field(P), transactionFee: 0n, noteHashes: [], nullifiers: [nonzero(c.rng)], l2ToL1Msgs: [], publicDataWrites: [], privateLogs: [], publicLogs: [], contractClassLog: null });
  }),
  model('E_MANA_OUT_OF_RANGE', (cp, c) => {
    // Mostly exactly 2^48; else around a power of two up to 2^64.
    const k = c.v % 3 === 0 ? 48 + (c.v % 17) : 48;
    const v = (1n << BigInt(k)) + (k === 48 ? 0n : BigInt((c.v >> 5) % 3) - 1n);
    someBlock(cp, c).totalManaUsed = v < 1n << 48n ? 1n << 48n : v > U64_MAX ? U64_MAX : v;
  }),
  // The first value past a bound is the most common pick throughout: it is where off-by-one bounds differ.
  model('E_BAD_REVERT_CODE', (cp, c) => void (someTx(cp, c).revertCode = [4, 4, 4, 5, 127, 128, 255][c.v % 7])),
  model('E_TOO_MANY_NOTE_HASHES', (cp, c) => over(someTx(cp, c).noteHashes, c.sizes.maxNoteHashesPerTx, () => nonzero(c.rng))),
  model('E_TOO_MANY_NULLIFIERS', (cp, c) => over(someTx(cp, c).nullifiers, c.sizes.maxNullifiersPerTx, () => nonzero(c.rng))),
  model('E_TOO_MANY_L2_TO_L1_MSGS', (cp, c) => over(someTx(cp, c).l2ToL1Msgs, c.sizes.maxL2ToL1MsgsPerTx, () => nonzero(c.rng))),
  model('E_TOO_MANY_PUBLIC_DATA_WRITES', (cp, c) => over(someTx(cp, c).publicDataWrites, c.sizes.maxPublicDataWritesPerTx, () => [nonzero(c.rng), c.rng.field(P)])),
  model('E_TOO_MANY_PRIVATE_LOGS', (cp, c) => over(someTx(cp, c).privateLogs, c.sizes.maxPrivateLogsPerTx, () => [c.rng.field(P)])),
  model('E_TX_WITHOUT_NULLIFIER', (cp, c) => void (someTx(cp, c).nullifiers = [])),
  model('E_ZERO_NOTE_HASH', (cp, c) => zeroIn(someTx(cp, c).noteHashes, c)),
  model('E_ZERO_NULLIFIER', (cp, c) => zeroIn(someTx(cp, c).nullifiers, c)),
  model('E_ZERO_L2_TO_L1_MSG', (cp, c) => zeroIn(someTx(cp, c).l2ToL1Msgs, c)),
  model('E_EMPTY_PUBLIC_DATA_WRITE', (cp, c) => {
    const w = someTx(cp, c).publicDataWrites;
    if (w.length) w[c.v % w.length] = [0n, 0n];
    else w.push([0n, 0n]);
  }),
  model('E_BAD_PRIVATE_LOG_LENGTH', (cp, c) => {
    const logs = someTx(cp, c).privateLogs;
    const bad = c.v % 3 === 0 ? [] : Array.from({ length: c.sizes.privateLogSizeInFields + 1 }, () => c.rng.field(P));
    if (logs.length) logs[c.v % logs.length] = bad;
    else logs.push(bad);
  }),
  model('E_PUBLIC_LOGS_TOO_LONG', (cp, c) => over(someTx(cp, c).publicLogs, c.sizes.maxPublicLogsLength, () => c.rng.field(P))),
  model('E_BAD_CONTRACT_CLASS_LOG_LENGTH', (cp, c) => {
    const n = c.v % 3 === 0 ? 0 : c.sizes.contractClassLogSizeInFields + 1;
    someTx(cp, c).contractClassLog = { contractAddress: c.rng.field(P), fields: Array.from({ length: n }, () => c.rng.field(P)) };
  }),
  model('E_CHAIN_ID', (cp, c) => void (cp.header.chainId = (cp.header.chainId + [1n, P - 1n, 1n << 64n][c.v % 3]) % P)),
  model('E_VERSION', (cp, c) => void (cp.header.version = (cp.header.version + [1n, P - 1n, 1n << 64n][c.v % 3]) % P)),
  model('E_SLOT', (cp, c) => void (cp.header.slotNumber = notAfter(c.last.slot, c.v))),
  model('E_TIMESTAMP', (cp, c) => void (cp.header.timestamp = notAfter(c.last.timestamp, c.v))),
  model('E_BLOCK_NUMBER', (cp, c) => {
    const i = c.at % cp.blocks.length;
    const wrong = cp.blocks[i].blockNumber + [1, -1, 2, 0x1_0000, -0x1_0000][c.v % 5];
    const n = cp.blocks[i].blockNumber;
    cp.blocks[i].blockNumber = wrong >= 0 && wrong <= 0xffff_ffff && wrong !== n ? wrong : n === 0xffff_ffff ? n - 1 : n + 1;
  }),
  model('E_DUPLICATE_NULLIFIER', (cp, c) => {
    const ns = someTx(cp, c).nullifiers;
    if (!ns.length) ns.push(nonzero(c.rng));
    if (ns.length < 2) ns.push(ns[0]);
    else ns[1 + (c.v % (ns.length - 1))] = ns[0];
  }),
  model('E_NULLIFIER_EXISTS', (cp, c) => {
    const txs = cp.blocks.flatMap((b) => b.txs);
    const tx = someTx(cp, c);
    // An existing key (genesis or later), or one of an earlier tx of this checkpoint.
    const earlier = txs.slice(0, txs.indexOf(tx)).flatMap((t) => t.nullifiers);
    const pool = c.v % 2 === 0 && earlier.length ? earlier : c.nullifiers.filter((k) => k !== 0n);
    if (!pool.length) return;
    if (tx.nullifiers.length) tx.nullifiers[c.at % tx.nullifiers.length] = pool[c.v % pool.length];
    else tx.nullifiers.push(pool[c.v % pool.length]);
  }),
  blob('E_BLOB_EMPTY', () => []),
  // Zero padding past MAX_BLOB_FIELDS: nothing else is wrong with the fields.
  blob('E_BLOB_TOO_LARGE', (f, at) => [...f, ...Array<bigint>(Math.max(0, maxBlob + 1 + (at % 3) - f.length)).fill(0n)]),
  blob('E_BLOB_BAD_TX_MARKER', (f, at, v) => {
    const tx = markerIndices(f, isTxStartMarker);
    if (!tx.length) return null;
    const i = tx[at % tx.length];
    f[i] = v % 2 === 0 ? f[i] ^ (1n << 184n) : f[i] >> 8n;
    return f;
  }),
  blob('E_BLOB_TRUNCATED', (f, at) => f.slice(0, f.length - 1 - (at % 3))),
  blob('E_BLOB_TX_LENGTH_MISMATCH', (f, at, v) => {
    const tx = markerIndices(f, isTxStartMarker);
    if (!tx.length) return null;
    const i = tx[at % tx.length];
    // numBlobFields one too small (one too large can read past the blob: E_BLOB_TRUNCATED), or privateLogsLength off.
    if (v % 2 === 0 && part(f[i], 0, 32) > 1n) setPart(f, i, 0, 32, part(f[i], 0, 32) - 1n);
    else setPart(f, i, 88, 16, part(f[i], 88, 16) + 1n);
    return f;
  }),
  blob('E_BLOB_BAD_REVERT_CODE', (f, at, v) => {
    const tx = markerIndices(f, isTxStartMarker);
    if (!tx.length) return null;
    setPart(f, tx[at % tx.length], 32, 8, BigInt([4, 4, 4, 5, 128, 255][v % 6]));
    return f;
  }),
  blob('E_BLOB_BAD_END_STATE_FIELD', (f, at, v) => {
    const ends = markerIndices(f, isBlockEndMarker);
    if (!ends.length) return null;
    const i = ends[at % ends.length] + 1;
    setPart(f, i, 172, 40, (1n << 36n) + BigInt(v % 3));
    return f;
  }),
  blob('E_BLOB_TX_COUNT_MISMATCH', (f, at, v) => {
    const ends = markerIndices(f, isBlockEndMarker);
    if (!ends.length) return null;
    const i = ends[at % ends.length];
    const n = part(f[i], 0, 16);
    setPart(f, i, 0, 16, v % 2 === 0 || n === 0n ? n + 1n : n - 1n);
    return f;
  }),
  blob('E_BLOB_CHECKPOINT_LENGTH_MISMATCH', (f, _at, v) => {
    const i = markerIndices(f, isCheckpointEndMarker).pop();
    if (i === undefined) return null;
    setPart(f, i, 0, 32, part(f[i], 0, 32) + off(v));
    return f;
  }),
  blob('E_BLOB_TRAILING_DATA', (f, at, v) => [...f, ...Array<bigint>(at % 3).fill(0n), BigInt(1 + (v % 5))]),
  blob('E_END_STATE_MISMATCH', (f, at, v) => {
    const ends = markerIndices(f, isBlockEndMarker);
    if (!ends.length) return null;
    // A root (lastArchive, note hash, nullifier, public data; the first block's L1-to-L2), or a next index.
    const which = v % 6;
    const i = which === 4 ? ends[0] : ends[at % ends.length];
    if (which < 5) f[i + 2 + which] = (f[i + 2 + which] + 1n) % P;
    else setPart(f, i + 1, 48 + 40 * (v % 2), 40, part(f[i + 1], 48 + 40 * (v % 2), 40) + 1n);
    return f;
  }),
  blob('E_TIMESTAMP', (f, at, v) => {
    const ends = markerIndices(f, isBlockEndMarker);
    if (!ends.length) return null;
    const i = ends[at % ends.length];
    setPart(f, i, 48, 64, (part(f[i], 48, 64) + off(v)) & U64_MAX);
    return f;
  }),
  blob('E_BLOCK_NUMBER', (f, at, v) => {
    const ends = markerIndices(f, isBlockEndMarker);
    if (!ends.length) return null;
    const i = ends[at % ends.length];
    setPart(f, i, 16, 32, (part(f[i], 16, 32) + off(v)) & 0xffff_ffffn);
    return f;
  }),
  // E_TREE_FULL: the checkpoint is made maximal (fuzz/build.ts); it fires where a pre-state left a tree near capacity.
  model('E_TREE_FULL', () => {}),
];

function zeroIn(xs: bigint[], c: ModelContext) {
  if (xs.length) xs[c.v % xs.length] = 0n;
  else xs.push(0n);
}

/** The encoding break of a targeted E_MALFORMED_INPUT: every kind of edit, integers most often. */
export function encBreakOf(at: number, v: number): EncBreak {
  const kind = ITEM_KINDS[v % 7 < 3 ? 0 : (v % 7) - 2];
  switch ((v >> 3) % 6) {
    case 0:
    case 1:
      return { k: 'widen', kind, i: at, w: v >> 6 };
    case 2:
      return { k: 'reorder', i: at, j: v >> 6 };
    case 3:
      return { k: 'repeat', i: at, j: v >> 6 };
    case 4:
      return { k: 'length', kind: kind === 'int' ? 'array' : kind, i: at, d: v % 2 ? 1 : -1 };
    default:
      return (v >> 6) % 4 === 0 ? { k: 'trailing', v: v >> 8 } : { k: 'nest', i: at };
  }
}

/** The violations a profile can express cheaply (`aztec`: 65,536 txs in one block are not a test input). */
export function violationsFor(profile: 'aztec' | 'small'): Violation[] {
  return all(profile === 'small' ? 96 : 24576).filter((x) => !(profile === 'aztec' && x.code === 'E_TOO_MANY_TXS'));
}

/** Every error code some violation targets. */
export const TARGETED_CODES = [...new Set(all(96).map((v) => v.code))];
