// Pre-states: a case may start from a generated chain state instead of genesis (Case.state, a
// state file of spec §8 that every implementation restores). From genesis some edges are out of
// reach in a short case: in `small` the L1-to-L2 tree is full after 8 checkpoints, long before the
// others, so four trees never reach capacity; slots and block numbers stay tiny. A pre-state puts
// one tree (rarely several) at, one leaf from, or one or two batches from its capacity (only states
// a chain can reach: trees that grow by padded batches stay aligned to them), scatters existing
// keys so that new keys land next to them, and puts the last block's number, slot and timestamp
// around a power of two; the case's checkpoints then cross those edges.
//
// The plan is a recipe (fast-check shrinks it toward genesis-like states); `buildPreState` turns it
// into a state file deterministically, so a case file stores the state bytes and replays exactly.

import fc from 'fast-check';
import { FIELD_MODULUS, PROFILE_SIZES, TREE_HEIGHTS } from '../core/params.js';
import { Rng } from '../core/rng.js';
import type { ChainStateFile } from '../core/schema.js';
import { nearArb, nearValue, U32_MAX, U64_MAX, type Near } from './boundary.js';

const P = FIELD_MODULUS;

export const TREES = ['noteHash', 'nullifier', 'publicData', 'l1ToL2', 'archive'] as const;
export type TreeName = (typeof TREES)[number];

/** How full a tree is: its genesis size, part way, or at an edge of its capacity. */
export type Fill = 'genesis' | 'some' | 'twoBatches' | 'batch' | 'leaf' | 'full';

/** How the keys already in the indexed trees are spread. */
export type KeySpread = 'random' | 'clustered' | 'edges';

export interface PreStatePlan {
  /** The tree pushed to an edge of its capacity (null: none), and which edge. */
  focus: TreeName | null;
  edge: Fill;
  /** Every other tree: 'genesis' or 'some' (rarely a second tree at an edge). */
  others: Fill[];
  keys: KeySpread;
  /** Last block's number (u32), slot (Fr) and timestamp (u64): null keeps them small. */
  blockNumber: Near | null;
  slot: Near | null;
  timestamp: Near | null;
  /** The chain's id and version (null: difftower's defaults). */
  chainId: Near | null;
  version: Near | null;
  seed: number;
}

const fillArb = (edges: boolean): fc.Arbitrary<Fill> =>
  edges
    ? fc.oneof({ weight: 6, arbitrary: fc.constantFrom<Fill>('genesis', 'some') }, { weight: 1, arbitrary: fc.constantFrom<Fill>('batch', 'leaf', 'full') })
    : fc.constantFrom<Fill>('genesis', 'some');

const maybe = <T>(a: fc.Arbitrary<T>, weight = 1) => fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight, arbitrary: a });

export function preStateArb(profile: 'aztec' | 'small'): fc.Arbitrary<PreStatePlan> {
  // Capacity is reachable only in `small` (2^42 leaves are not a test input).
  const edges = profile === 'small';
  return fc.record({
    focus: edges ? fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: fc.constantFrom(...TREES) }) : fc.constant(null),
    edge: fc.constantFrom<Fill>('full', 'leaf', 'batch', 'twoBatches'),
    others: fc.array(fillArb(edges), { minLength: TREES.length, maxLength: TREES.length }),
    keys: fc.constantFrom<KeySpread>('random', 'clustered', 'edges'),
    blockNumber: maybe(nearArb(32)),
    slot: maybe(nearArb(254, true)),
    timestamp: maybe(nearArb(64)),
    chainId: maybe(nearArb(254, true), 1),
    version: maybe(nearArb(254, true), 1),
    seed: fc.nat(),
  });
}

/** Leaves a tree gains per step of the STF (a tx's padded batch, a checkpoint's messages, a block). */
function stepOf(tree: TreeName, profile: 'aztec' | 'small'): number {
  const z = PROFILE_SIZES[profile];
  return { noteHash: z.maxNoteHashesPerTx, nullifier: z.maxNullifiersPerTx, publicData: 1, l1ToL2: z.l1ToL2MsgsPerCheckpoint, archive: 1 }[tree];
}

function leafCount(tree: TreeName, fill: Fill, profile: 'aztec' | 'small', rng: Rng): number {
  const z = PROFILE_SIZES[profile];
  const base = { noteHash: 0, nullifier: z.prefill, publicData: z.prefill, l1ToL2: 0, archive: 1 }[tree];
  const height = TREE_HEIGHTS[profile][tree];
  const cap = height > 20 ? base + 256 : 2 ** height; // `aztec`: never near capacity
  const step = stepOf(tree, profile);
  // Only states a chain can reach: a tree that grows by padded batches holds base + k * step
  // leaves, so "one leaf from capacity" there is the same state as "one batch from capacity".
  const reachable = (n: number) => base + Math.floor((Math.min(n, cap) - base) / step) * step;
  return reachable(rawCount(fill, base, cap, step, rng));
}

function rawCount(fill: Fill, base: number, cap: number, step: number, rng: Rng): number {
  switch (fill) {
    case 'genesis':
      return base;
    case 'some':
      return base + rng.int(Math.max(1, Math.floor((cap - base) / 2)));
    case 'twoBatches':
      return cap - 2 * step;
    case 'batch':
      return cap - step;
    case 'leaf':
      return cap - 1;
    case 'full':
      return cap;
  }
}

/** Distinct non-zero keys, spread as asked, none of them in `taken`. */
function keys(n: number, spread: KeySpread, rng: Rng, taken: Set<bigint>): bigint[] {
  const out: bigint[] = [];
  // Clusters leave gaps of one, so a new key can land between two existing ones.
  let cluster = 1n + rng.field(P - 1n);
  const edge = () => {
    const k = rng.pick([8, 16, 32, 53, 64, 128, 253, -1]);
    const base = k === -1 ? P : 1n << BigInt(k);
    return (((base + BigInt(rng.int(9)) - 4n) % P) + P) % P;
  };
  for (let guard = 0; out.length < n && guard < 100 * n + 100; guard++) {
    let v: bigint;
    if (spread === 'clustered') {
      if (rng.int(6) === 0) cluster = 1n + rng.field(P - 1n);
      cluster = (cluster + 2n) % P;
      v = cluster;
    } else if (spread === 'edges') v = rng.bool(0.6) ? edge() : 1n + rng.field(P - 1n);
    else v = 1n + rng.field(P - 1n);
    if (v === 0n || taken.has(v)) continue;
    taken.add(v);
    out.push(v);
  }
  return out;
}

export interface BuiltPreState {
  file: ChainStateFile;
  /** Nullifier keys and public-data slots in the state, prefill included (the builder's picks resolve against them). */
  nullifiers: bigint[];
  slots: bigint[];
}

/** The state a pre-state plan describes (deterministic in the plan). */
export function buildPreState(plan: PreStatePlan, profile: 'aztec' | 'small', defaults: { chainId: bigint; version: bigint }): BuiltPreState {
  const z = PROFILE_SIZES[profile];
  const rng = new Rng(BigInt(plan.seed) * 0x9e3779b97f4a7c15n + 7n);
  const fills = Object.fromEntries(TREES.map((t, i) => [t, plan.focus === t ? plan.edge : plan.others[i] ?? 'genesis'])) as Record<TreeName, Fill>;
  const count = (t: TreeName) => leafCount(t, fills[t], profile, rng);
  // Appended leaves: padding zeros are as common as in a real chain.
  const appended = (n: number, zeros: number) => Array.from({ length: n }, () => (rng.int(zeros) === 0 ? 0n : 1n + rng.field(P - 1n)));

  const prefill = Array.from({ length: z.prefill }, (_, i) => BigInt(i));
  const nNull = count('nullifier') - z.prefill;
  const taken = new Set<bigint>(prefill);
  const nullKeys = keys(nNull, plan.keys, rng, taken);
  // Padding zeros among the inserted nullifiers (a tx with fewer than the maximum).
  const nullifiers = [...prefill, ...nullKeys.map((k) => (rng.int(4) === 0 ? 0n : k))];
  const slotKeys = keys(count('publicData') - z.prefill, plan.keys, rng, new Set(prefill));
  const publicData: [bigint, bigint][] = [
    ...prefill.map((s) => [s, rng.int(3) === 0 ? rng.field(P) : 0n] as [bigint, bigint]),
    ...slotKeys.map((s) => [s, rng.field(P)] as [bigint, bigint]),
  ];
  const archive = appended(count('archive'), 1_000_000);
  // At most two below the largest value: the case's checkpoints then reach the maximum and cross
  // it, instead of starting where no checkpoint can follow.
  const last = {
    blockNumber: plan.blockNumber ? Number(nearValue(plan.blockNumber, 1n, U32_MAX - 2n)) : archive.length - 1,
    slotNumber: plan.slot ? nearValue(plan.slot, 1n, P - 3n) : BigInt(archive.length - 1) * 2n,
    timestamp: plan.timestamp ? nearValue(plan.timestamp, 1n, U64_MAX - 2n) : BigInt(archive.length - 1) * 12n,
  };
  const file: ChainStateFile = {
    v: 1,
    profile,
    chainId: plan.chainId ? nearValue(plan.chainId, 0n, P - 1n) : defaults.chainId,
    version: plan.version ? nearValue(plan.version, 0n, P - 1n) : defaults.version,
    last,
    noteHashes: appended(count('noteHash'), 4),
    l1ToL2Messages: appended(count('l1ToL2'), 3),
    archive,
    nullifiers,
    publicData,
  };
  return { file, nullifiers: [...prefill, ...nullifiers.slice(z.prefill).filter((k) => k !== 0n)], slots: publicData.map(([s]) => s) };
}
