// A *plan* is the abstract description of a fuzz case that fast-check draws and shrinks: which
// nullifier is next to which existing leaf, which slot is updated, which rule a header breaks,
// how a blob is damaged. fuzz/build.ts turns a plan into checkpoint bytes against the chain as it
// is at that point, so "adjacent to an existing leaf" stays meaningful while fast-check shrinks
// (fewer checkpoints, fewer txs, simpler picks). Every alternative lists its *benign* choice
// first: fast-check shrinks a oneof toward its first arbitrary, so a shrunk reproducer keeps only
// the breakage the finding needs. A plan may also name a pre-state to start from
// (fuzz/prestate.ts), boundary jumps (fuzz/boundary.ts), one targeted rule violation per
// checkpoint (fuzz/violations.ts) and one non-canonical re-encoding (fuzz/encoding.ts).

import fc from 'fast-check';
import { FIELD_MODULUS, PROFILE_SIZES } from '../core/params.js';
import { nearArb, nearValue, type Near } from './boundary.js';
import type { EncBreak, ItemKind } from './encoding.js';
import { preStateArb, type PreStatePlan } from './prestate.js';
import { violationsFor, type ViolationPlan } from './violations.js';

const P = FIELD_MODULUS;

/** A field element for a list that must not contain 0 (0 is a rare, deliberate pick). */
export type Value = bigint;

/** Where a nullifier (or public-data slot) comes from, relative to what the chain already holds. */
export type KeyPick =
  | { k: 'fresh'; v: bigint } // a new key (may still collide: then it is an existing one)
  | { k: 'near'; i: number; d: number } // an existing key + d (d = ±1, ±2): both sides of a low leaf
  | { k: 'known'; i: number } // an existing key itself
  | { k: 'repeat'; j: number } // a key used earlier in this tx
  | { k: 'prior'; j: number }; // a key used earlier in this checkpoint

export interface WritePlan {
  slot: KeyPick;
  value: bigint;
}

export interface TxPlan {
  revertCode: number;
  txHash: bigint;
  fee: bigint;
  noteHashes: Value[];
  nullifiers: KeyPick[];
  l2ToL1Msgs: Value[];
  writes: WritePlan[];
  privateLogs: number[]; // lengths; contents derive from txHash
  publicLogs: number;
  contractClassLog: number | null; // length
  /** 0: none; 1..6: one element over the limit in noteHashes, nullifiers, l2ToL1, writes, privateLogs, publicLogs. */
  over: number;
  /**
   * Lists filled to their maximum (per list, so shrinking drops the ones a finding does not need):
   * 0 note hashes, 1 nullifiers, 2 L2-to-L1, 3 writes, 4 private logs, 5 public logs, 6 class log.
   */
  fill: number[];
}

export interface BlockPlan {
  txs: TxPlan[];
  /** Added to the correct block number (0: correct). */
  numberDelta: number;
  /** 0: ordinary; 1: 2^48 - 1; 2: 2^48 (out of range); 3: around a power of two (`manaNear`). */
  mana: number;
  manaValue: number;
  manaNear: Near;
}

/** Damage done to a blob-form checkpoint's fields after a correct encoding. */
export type BlobBreak =
  | { k: 'truncate'; n: number }
  | { k: 'set'; i: number; v: bigint }
  | { k: 'bump'; i: number; d: number }
  | { k: 'delete'; i: number }
  | { k: 'insert'; i: number; v: bigint }
  | { k: 'append'; v: bigint }
  | { k: 'overflow'; i: number; d: number } // field i := p + d (>= p)
  | { k: 'marker'; m: number; part: number; d: number }; // add d to one packed part of the m-th marker (spec §6.1)

export interface CheckpointPlan {
  /**
   * Most checkpoints are meant to be valid: the builder repairs incidental breakage (a colliding
   * key, a zero, an out-of-range length) so that sequences go deep (trees fill, keys accumulate).
   * The others keep every edge the plan drew.
   */
  sanitize: boolean;
  blocks: BlockPlan[];
  /** Slot and timestamp increments; 0 or a negative value breaks sequencing. */
  slotDelta: number;
  timeDelta: number;
  /** 0: right chain id and version; 1: wrong chain id; 2: wrong version. */
  wrongChain: number;
  coinbase: bigint;
  feeRecipient: bigint;
  feePerDaGas: bigint;
  feePerL2Gas: bigint;
  messages: bigint[];
  extraMessages: number;
  /** Every tx at its per-tx maxima, every block at its tx maximum (drives trees toward full). */
  maximal: boolean;
  form: 'blocks' | 'blob';
  blobBreak: BlobBreak | null;
  /** A raw byte overwrite of the encoded checkpoint (position, value): a malformed encoding. */
  byteBreak: { pos: number; val: number } | null;
  /** Seeds the values a maximal checkpoint adds beyond the plan's own. */
  seed: number;
  /** Jump the slot / timestamp to a boundary value (when that is later than the chain's). */
  slotJump: Near | null;
  timeJump: Near | null;
  /** One non-canonical re-encoding of the checkpoint's msgpack (fuzz/encoding.ts). */
  encBreak: EncBreak | null;
  /** A sanitized checkpoint broken in exactly one rule (fuzz/violations.ts). */
  violation: ViolationPlan | null;
}

export interface CasePlan {
  /** Start from a generated state (fuzz/prestate.ts) instead of genesis. */
  pre: PreStatePlan | null;
  checkpoints: CheckpointPlan[];
}

/** Corpus mutation: a base case from the corpus and the operations applied to it. */
export type MutationOp =
  | { k: 'tweak'; i: number; slot: number; v: bigint } // set one field element of checkpoint i
  | { k: 'dup'; i: number } // repeat checkpoint i right after itself
  | { k: 'drop'; i: number }
  | { k: 'swap'; i: number; j: number }
  | { k: 'splice'; other: number; at: number } // base[..at] ++ other[at..]
  | { k: 'flip'; i: number; pos: number; val: number }
  | { k: 'enc'; i: number; e: EncBreak }; // one non-canonical re-encoding of checkpoint i

export interface MutationPlan {
  base: number;
  ops: MutationOp[];
}

export interface PlanLimits {
  maxCheckpoints: number;
  maxBlocks: number;
  maxTxs: number;
  /** Per-tx list lengths drawn (the profile's maxima, capped so aztec cases stay quick). */
  listCap: number;
}

export function planLimits(profile: 'aztec' | 'small'): PlanLimits {
  return profile === 'small'
    ? { maxCheckpoints: 12, maxBlocks: PROFILE_SIZES.small.maxBlocksPerCheckpoint, maxTxs: PROFILE_SIZES.small.maxTxsPerBlock, listCap: 2 }
    : { maxCheckpoints: 3, maxBlocks: 2, maxTxs: 3, listCap: 4 };
}

/** A field element, sometimes around a power of two or p (p and above: out of range). */
const boundaryField = fc.oneof({ weight: 8, arbitrary: fc.bigInt({ min: 0n, max: P - 1n }) }, { weight: 1, arbitrary: nearArb(254, true).map((n) => nearValue(n, 0n, P + 3n)) });

const ITEM_KINDS: ItemKind[] = ['int', 'str', 'bin', 'array', 'map'];

export const encBreakArb: fc.Arbitrary<EncBreak> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('widen' as const), kind: fc.constantFrom(...ITEM_KINDS), i: fc.nat({ max: 1 << 16 }), w: fc.nat({ max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('reorder' as const), i: fc.nat({ max: 1 << 16 }), j: fc.nat({ max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('repeat' as const), i: fc.nat({ max: 1 << 16 }), j: fc.nat({ max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('length' as const), kind: fc.constantFrom<ItemKind>('str', 'bin', 'array', 'map'), i: fc.nat({ max: 1 << 16 }), d: fc.constantFrom(1, -1) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('nest' as const), i: fc.nat({ max: 1 << 16 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('trailing' as const), v: fc.nat({ max: 255 }) }) },
);

// ---- arbitraries ----------------------------------------------------------------------------

/** Rarely true: the way a plan asks for one broken thing among many benign ones. */
const rare = (weight: number) => fc.oneof({ weight, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

/** Any field element; fast-check's bias makes 0, 1, p - 1 and small values common. */
export const anyField = fc.bigInt({ min: 0n, max: P - 1n });

/** A list element that must be non-zero: mostly non-zero, 0 now and then. */
const nonZeroField = fc.oneof({ weight: 40, arbitrary: fc.bigInt({ min: 1n, max: P - 1n }) }, { weight: 1, arbitrary: fc.constant(0n) });

const index = fc.nat({ max: 1 << 16 });

/** A public-data value: writing 0 over a slot that holds a value is a real update (spec: the leaf
 * keeps its slot, its value becomes 0), and a classic place for a client to take 0 for "absent". */
const writeValue = fc.oneof({ weight: 8, arbitrary: anyField }, { weight: 2, arbitrary: fc.constant(0n) });

const keyPick: fc.Arbitrary<KeyPick> = fc.oneof(
  { weight: 12, arbitrary: fc.bigInt({ min: 1n, max: P - 1n }).map((v) => ({ k: 'fresh' as const, v })) },
  { weight: 5, arbitrary: fc.record({ i: index, d: fc.constantFrom(1, -1, 2, -2) }).map(({ i, d }) => ({ k: 'near' as const, i, d })) },
  { weight: 2, arbitrary: index.map((i) => ({ k: 'known' as const, i })) },
  { weight: 2, arbitrary: index.map((j) => ({ k: 'repeat' as const, j })) },
  { weight: 2, arbitrary: index.map((j) => ({ k: 'prior' as const, j })) },
);

/** Slots: updates of existing slots are as interesting as inserts, so they are common. */
const slotPick: fc.Arbitrary<KeyPick> = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt({ min: 1n, max: P - 1n }).map((v) => ({ k: 'fresh' as const, v })) },
  { weight: 5, arbitrary: index.map((i) => ({ k: 'known' as const, i })) },
  { weight: 3, arbitrary: fc.record({ i: index, d: fc.constantFrom(1, -1, 2, -2) }).map(({ i, d }) => ({ k: 'near' as const, i, d })) },
  { weight: 2, arbitrary: index.map((j) => ({ k: 'repeat' as const, j })) },
  { weight: 2, arbitrary: index.map((j) => ({ k: 'prior' as const, j })) },
);

function txArb(profile: 'aztec' | 'small', lim: PlanLimits): fc.Arbitrary<TxPlan> {
  const z = PROFILE_SIZES[profile];
  const cap = (m: number) => Math.min(m, lim.listCap);
  return fc.record({
    revertCode: fc.oneof({ weight: 30, arbitrary: fc.nat({ max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 4, max: 255 }) }),
    txHash: anyField,
    fee: fc.oneof({ weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 1n << 40n }) }, { weight: 1, arbitrary: boundaryField }),
    noteHashes: fc.array(nonZeroField, { maxLength: cap(z.maxNoteHashesPerTx) }),
    nullifiers: fc.oneof(
      { weight: 40, arbitrary: fc.array(keyPick, { minLength: 1, maxLength: cap(z.maxNullifiersPerTx) }) },
      { weight: 1, arbitrary: fc.constant([] as KeyPick[]) },
    ),
    l2ToL1Msgs: fc.array(nonZeroField, { maxLength: cap(z.maxL2ToL1MsgsPerTx) }),
    writes: fc.array(fc.record({ slot: slotPick, value: writeValue }), { maxLength: cap(z.maxPublicDataWritesPerTx) }),
    privateLogs: fc.array(
      fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 1, max: cap(z.privateLogSizeInFields) }) }, { weight: 1, arbitrary: fc.constantFrom(0, z.privateLogSizeInFields + 1) }),
      { maxLength: cap(z.maxPrivateLogsPerTx) },
    ),
    publicLogs: fc.nat({ max: Math.min(z.maxPublicLogsLength, 8) }),
    contractClassLog: fc.oneof(
      { weight: 30, arbitrary: fc.constant(null) },
      { weight: 10, arbitrary: fc.integer({ min: 1, max: Math.min(z.contractClassLogSizeInFields, 4) }) },
      { weight: 1, arbitrary: fc.constantFrom(0, z.contractClassLogSizeInFields + 1) },
    ),
    over: fc.oneof({ weight: 60, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }) }),
    fill: fc.oneof({ weight: 6, arbitrary: fc.constant([] as number[]) }, { weight: 1, arbitrary: fc.uniqueArray(fc.nat({ max: 6 }), { minLength: 1, maxLength: 7 }) }),
  });
}

function blockArb(profile: 'aztec' | 'small', lim: PlanLimits): fc.Arbitrary<BlockPlan> {
  return fc.record({
    txs: fc.array(txArb(profile, lim), { maxLength: lim.maxTxs }),
    numberDelta: fc.oneof({ weight: 60, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1, 2) }),
    mana: fc.oneof({ weight: 40, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(1, 2, 3) }),
    manaValue: fc.nat(),
    manaNear: nearArb(64),
  });
}

// Marker edits are listed several times: they reach the decoder's checks that random field
// edits almost never do (a revert code of 4, a count one too high).
const blobBreak: fc.Arbitrary<BlobBreak> = fc.oneof(
  fc.record({ k: fc.constant('truncate' as const), n: fc.nat({ max: 8 }) }),
  fc.record({ k: fc.constant('set' as const), i: index, v: anyField }),
  fc.record({ k: fc.constant('bump' as const), i: index, d: fc.constantFrom(1, -1) }),
  fc.record({ k: fc.constant('delete' as const), i: index }),
  fc.record({ k: fc.constant('insert' as const), i: index, v: anyField }),
  fc.record({ k: fc.constant('append' as const), v: anyField }),
  fc.record({ k: fc.constant('overflow' as const), i: index, d: fc.nat({ max: 2 }) }),
  fc.record({ k: fc.constant('marker' as const), m: index, part: index, d: fc.constantFrom(1, -1, 2, 4) }),
  fc.record({ k: fc.constant('marker' as const), m: index, part: index, d: fc.constantFrom(1, -1, 2, 4) }),
  fc.record({ k: fc.constant('marker' as const), m: index, part: index, d: fc.constantFrom(1, -1, 2, 4) }),
  fc.record({ k: fc.constant('marker' as const), m: index, part: index, d: fc.constantFrom(1, -1, 2, 4) }),
);

function checkpointArb(profile: 'aztec' | 'small', lim: PlanLimits): fc.Arbitrary<CheckpointPlan> {
  const z = PROFILE_SIZES[profile];
  return fc.record({
    sanitize: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    blocks: fc.oneof(
      { weight: 40, arbitrary: fc.array(blockArb(profile, lim), { minLength: 1, maxLength: lim.maxBlocks }) },
      { weight: 1, arbitrary: fc.array(blockArb(profile, lim), { maxLength: lim.maxBlocks + 1 }) },
    ),
    slotDelta: fc.oneof({ weight: 40, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1) }),
    timeDelta: fc.oneof({ weight: 40, arbitrary: fc.integer({ min: 1, max: 36 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1) }),
    wrongChain: fc.oneof({ weight: 80, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(1, 2) }),
    coinbase: fc.bigInt({ min: 0n, max: (1n << 160n) - 1n }),
    feeRecipient: anyField,
    feePerDaGas: boundaryField,
    feePerL2Gas: boundaryField,
    messages: fc.array(anyField, { maxLength: Math.min(z.l1ToL2MsgsPerCheckpoint, 6) }),
    extraMessages: fc.oneof({ weight: 60, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
    maximal: rare(7),
    form: fc.constantFrom('blocks' as const, 'blob' as const),
    blobBreak: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: blobBreak }),
    byteBreak: fc.oneof({ weight: 60, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ pos: index, val: fc.nat({ max: 255 }) }) }),
    seed: fc.nat(),
    slotJump: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: nearArb(254, true) }),
    timeJump: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: nearArb(64) }),
    encBreak: fc.oneof({ weight: 30, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: encBreakArb }),
    violation: fc.oneof(
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.record({ code: fc.nat({ max: violationsFor(profile).length - 1 }), at: fc.nat({ max: 1 << 16 }), v: fc.nat({ max: 1 << 16 }) }) },
    ),
  });
}

/** `preStates: false` for implementations that cannot restore a state: every case starts at genesis. */
export function casePlanArb(profile: 'aztec' | 'small', lim: PlanLimits = planLimits(profile), opts: { preStates?: boolean } = {}): fc.Arbitrary<CasePlan> {
  // size 'max': long sequences are as likely as short ones, since depth is what fills trees.
  return fc.record({
    pre: opts.preStates === false ? fc.constant(null) : fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: preStateArb(profile) }),
    checkpoints: fc.array(checkpointArb(profile, lim), { minLength: 1, maxLength: lim.maxCheckpoints, size: 'max' }),
  });
}

const mutationOp: fc.Arbitrary<MutationOp> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('tweak' as const), i: index, slot: index, v: fc.oneof({ weight: 6, arbitrary: anyField }, { weight: 1, arbitrary: fc.bigInt({ min: P, max: P + 2n }) }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('dup' as const), i: index }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('drop' as const), i: index }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('swap' as const), i: index, j: index }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('splice' as const), other: index, at: index }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('flip' as const), i: index, pos: index, val: fc.nat({ max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('enc' as const), i: index, e: encBreakArb }) },
);

export const mutationPlanArb: fc.Arbitrary<MutationPlan> = fc.record({ base: index, ops: fc.array(mutationOp, { minLength: 1, maxLength: 3 }) });
