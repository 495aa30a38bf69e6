// Turns a plan (fuzz/plan.ts) into a case: checkpoint bytes applied from genesis, or from the
// plan's pre-state (fuzz/prestate.ts; the case then carries the state file). The builder keeps a
// chain view (fuzz/chain-view.ts: the TypeScript STF, applying each checkpoint's final bytes) to
// know what is in the trees right now, so picks such as "next to an existing nullifier" resolve
// against the real chain, and to produce blob-form checkpoints, whose block end markers carry roots
// only an STF can compute. The view's run is the TS implementation's run of the case, which the
// oracle reuses instead of applying every checkpoint again. The view is a generation aid, not a
// judge: if it encoded a blob wrongly, the other implementations would reject what it accepts, and
// the oracle would report that divergence. The blob layout helpers (field counts, marker tests) are
// the TS STF's too, for the same reason.

import { encodeChainState, encodeCheckpoint } from '../core/codec.js';
import { FIELD_MODULUS, PROFILE_SIZES } from '../core/params.js';
import { Rng } from '../core/rng.js';
import type { Block, Checkpoint, TxEffect } from '../core/schema.js';
import type { TsStfModule } from '../impls/adapters/in-process-ts.js';
import type { TsStateMemo } from '../impls/adapters/ts-state-memo.js';
import { isBlockEndMarker, isCheckpointEndMarker, isTxStartMarker, txFieldCount } from '../impls/ts/src/blob.js';
import type { Case } from '../corpus/case.js';
import { nearValue, U64_MAX } from './boundary.js';
import { ChainView } from './chain-view.js';
import { breakEncoding } from './encoding.js';
import { planLimits, type BlobBreak, type CasePlan, type CheckpointPlan, type KeyPick, type PlanLimits, type TxPlan } from './plan.js';
import { buildPreState } from './prestate.js';
import { violationsFor, type Violation } from './violations.js';

const P = FIELD_MODULUS;
const mod = (v: bigint) => ((v % P) + P) % P;
const U32_MAX = 0xffffffff;

/** The chain as the builder sees it: keys in the indexed trees and the last block. */
const U128_MASK = (1n << 128n) - 1n;

/**
 * Header values at the ends of Aztec's ranges (spec §4.5: slot u32, coinbase 160 bits, fees u128).
 * Drawn from a stream of their own (the plan's seed), so the rest of the plan, and what earlier
 * plans found, stay as they were. About one checkpoint in ten gets one edge; a checkpoint meant
 * to be valid (sanitize) only gets the last value in range, the others also the first beyond it.
 */
const U32_MAX_BIG = (1n << 32n) - 1n;

function headerRanges(seed: number, sanitize: boolean): { slot?: bigint; coinbase?: bigint; feePerDaGas?: bigint; feePerL2Gas?: bigint } {
  const r = new Rng(BigInt(seed) * 0x2545f4914f6cdd1dn + 7n);
  const which = r.int(256);
  const past = !sanitize && r.int(2) === 1;
  const edge = (bits: bigint) => (past ? 1n << bits : (1n << bits) - 1n);
  // The slot's top is rare: after it no later slot is valid, and deep sequences fill the trees.
  if (which === 0) return { slot: edge(32n) };
  if (which <= 8) return { coinbase: edge(160n) };
  if (which <= 16) return { feePerDaGas: edge(128n) };
  if (which <= 24) return { feePerL2Gas: edge(128n) };
  return {};
}

class Tracked {
  readonly nullifiers: bigint[] = [];
  readonly nullifierSet = new Set<bigint>();
  readonly slots: bigint[] = [];
  readonly slotSet = new Set<bigint>();
  blockNumber = 0;
  slot = 0n;
  timestamp = 0n;

  constructor(nullifiers: readonly bigint[], slots: readonly bigint[]) {
    for (const v of nullifiers) this.addNullifier(v);
    for (const v of slots) this.addSlot(v);
  }
  addNullifier(v: bigint) {
    if (!this.nullifierSet.has(v)) (this.nullifierSet.add(v), this.nullifiers.push(v));
  }
  addSlot(v: bigint) {
    if (!this.slotSet.has(v)) (this.slotSet.add(v), this.slots.push(v));
  }
}

export class CaseBuilder {
  private readonly sizes;
  private readonly lim: PlanLimits;
  private readonly violations: Violation[];

  constructor(
    readonly profile: 'aztec' | 'small',
    readonly chainId = 31337n,
    readonly version = 1n,
  ) {
    this.sizes = PROFILE_SIZES[profile];
    this.lim = planLimits(profile);
    this.violations = violationsFor(profile);
  }

  build(plan: CasePlan): Case {
    return this.buildWithView(plan).case;
  }

  /** The case and the chain view that built it (`stf`: the TS STF module the view runs). */
  buildWithView(plan: CasePlan, stf?: TsStfModule, memo: TsStateMemo | null = null): { case: Case; view: ChainView } {
    if (plan.pre) {
      // A pre-state: the view restores the same state bytes the implementations will.
      const pre = buildPreState(plan.pre, this.profile, { chainId: this.chainId, version: this.version });
      const stateBytes = encodeChainState(pre.file);
      const view = new ChainView({ state: stateBytes }, stf, memo);
      const chain = new Tracked(pre.nullifiers, pre.slots);
      chain.blockNumber = pre.file.last.blockNumber;
      chain.slot = pre.file.last.slotNumber;
      chain.timestamp = pre.file.last.timestamp;
      const ids = { chainId: pre.file.chainId, version: pre.file.version };
      const checkpoints = plan.checkpoints.map((cp) => this.checkpoint(cp, chain, view, ids));
      return { case: { profile: this.profile, ...ids, checkpoints, state: stateBytes }, view };
    }
    const view = new ChainView({ genesis: { profile: this.profile, chainId: this.chainId, version: this.version } }, stf, memo);
    const prefill = Array.from({ length: this.sizes.prefill }, (_, i) => BigInt(i));
    const chain = new Tracked(prefill, prefill);
    const checkpoints = plan.checkpoints.map((cp) => this.checkpoint(cp, chain, view, { chainId: this.chainId, version: this.version }));
    return { case: { profile: this.profile, chainId: this.chainId, version: this.version, checkpoints }, view };
  }

  private checkpoint(drawn: CheckpointPlan, chain: Tracked, view: ChainView, ids: { chainId: bigint; version: bigint }): Uint8Array {
    const z = this.sizes;
    const rng = new Rng(BigInt(drawn.seed) * 0x9e3779b97f4a7c15n + 1n);
    // A targeted violation starts from the sanitized plan, breaks its one rule after building, and
    // takes the form that rule needs (blob rules: blob form; the others: blocks form).
    const target = drawn.violation ? this.violations[drawn.violation.code % this.violations.length] : null;
    let plan = drawn.sanitize || target ? this.sanitizePlan(drawn, rng) : drawn;
    if (target) {
      plan = { ...plan, form: target.stage === 'blob' ? 'blob' : target.stage === 'model' ? 'blocks' : plan.form, blobBreak: null, encBreak: null };
      if (target.code === 'E_TREE_FULL') plan = { ...plan, maximal: true };
      // Rules about tx markers need a tx to break.
      if (target.stage === 'blob' && plan.blocks.every((b) => b.txs.length === 0)) plan = { ...plan, blocks: [{ ...plan.blocks[0], txs: [syntheticTx(rng)] }, ...plan.blocks.slice(1)] };
    }
    const pending = { nullifiers: [] as bigint[], slots: [] as bigint[] };

    let blockPlans = plan.blocks;
    if (plan.maximal) {
      blockPlans = Array.from({ length: this.lim.maxBlocks }, (_, b) => {
        const bp = plan.blocks[b] ?? { txs: [], numberDelta: 0, mana: 0, manaValue: 0, manaNear: { k: 0, d: 0 } };
        return { ...bp, txs: Array.from({ length: this.lim.maxTxs }, (_, t) => bp.txs[t] ?? syntheticTx(rng)) };
      });
    }
    let expected = chain.blockNumber + 1;
    const blocks: Block[] = blockPlans.map((bp) => {
      const blockNumber = Math.min(U32_MAX, Math.max(0, expected + bp.numberDelta));
      expected++;
      const totalManaUsed = bp.mana === 1 ? (1n << 48n) - 1n : bp.mana === 2 ? 1n << 48n : bp.mana === 3 ? nearValue(bp.manaNear, 0n, U64_MAX) : BigInt(bp.manaValue);
      return { blockNumber, totalManaUsed, txs: bp.txs.map((tp) => this.tx(tp, plan.maximal, plan.sanitize, chain, pending, rng)) };
    });

    if (plan.sanitize) fitBlob(blocks, this.profile === 'small' ? 96 : 24576);

    // Header integers at the edges of their ranges now and then (spec §4.5: slot u32, coinbase
    // < 2^160, fees u128). Jumps land on a boundary; small increments afterwards carry later
    // checkpoints across it.
    const h = headerRanges(drawn.seed, plan.sanitize);
    const slotJump = plan.slotJump ? nearValue(plan.slotJump, 0n, P + 3n) : null;
    const timeJump = plan.timeJump ? nearValue(plan.timeJump, 0n, U64_MAX) : null;
    let slotNumber = slotJump !== null && slotJump > chain.slot ? slotJump : h.slot ?? chain.slot + BigInt(plan.slotDelta);
    let timestamp = timeJump !== null && timeJump > chain.timestamp ? timeJump : chain.timestamp + BigInt(plan.timeDelta);
    if (plan.sanitize && slotNumber > U32_MAX_BIG) slotNumber = chain.slot + 1n;
    if (timestamp > U64_MAX) timestamp = U64_MAX; // not expressible on the wire
    const messages = [...plan.messages].slice(0, z.l1ToL2MsgsPerCheckpoint);
    if (plan.extraMessages) while (messages.length <= z.l1ToL2MsgsPerCheckpoint) messages.push(rng.field(P));
    const blocksForm: Checkpoint = {
      v: 1,
      profile: this.profile,
      header: {
        chainId: plan.wrongChain === 1 ? ids.chainId + 1n : ids.chainId,
        version: plan.wrongChain === 2 ? ids.version + 1n : ids.version,
        slotNumber: slotNumber < 0n ? 0n : slotNumber,
        timestamp: timestamp < 0n ? 0n : timestamp,
        coinbase: h.coinbase ?? plan.coinbase,
        feeRecipient: plan.feeRecipient,
        feePerDaGas: h.feePerDaGas ?? plan.feePerDaGas & U128_MASK,
        feePerL2Gas: h.feePerL2Gas ?? plan.feePerL2Gas & U128_MASK,
      },
      l1ToL2Messages: messages,
      form: 'blocks',
      blocks,
      blobFields: null,
    };

    if (target?.stage === 'model') {
      target.apply(blocksForm as Parameters<typeof target.apply>[0], {
        sizes: z, maxBlocks: this.lim.maxBlocks, nullifiers: chain.nullifiers, rng,
        last: { blockNumber: chain.blockNumber, slot: chain.slot, timestamp: chain.timestamp },
        at: drawn.violation!.at, v: drawn.violation!.v,
      });
    }
    const blobDamage = plan.form !== 'blob' ? null : target?.stage === 'blob' ? (f: bigint[]) => target.apply([...f], drawn.violation!.at, drawn.violation!.v) ?? f : plan.blobBreak ? (f: bigint[]) => breakBlob(f, plan.blobBreak!) : null;
    const encBreak = target?.stage === 'bytes' ? target.enc(drawn.violation!.at, drawn.violation!.v) : plan.encBreak;

    // A blob-form checkpoint takes its fields from a preview of its blocks form (then damaged if
    // the plan says so); the bytes, broken or not, then advance the view exactly as an
    // implementation would take them.
    let model: Checkpoint = blocksForm;
    if (plan.form === 'blob') {
      const preview = view.preview(blocksForm);
      if (preview?.status === 'accepted') model = { ...blocksForm, form: 'blob', blocks: null, blobFields: blobDamage ? blobDamage(preview.blobFields) : preview.blobFields };
    }
    let bytes = encodeCheckpoint(model);
    if (encBreak) bytes = breakEncoding(bytes, encBreak) ?? bytes;
    if (plan.byteBreak) {
      const pos = plan.byteBreak.pos % bytes.length;
      bytes[pos] = bytes[pos] === plan.byteBreak.val ? plan.byteBreak.val ^ 1 : plan.byteBreak.val;
    }
    const accepted = view.applyBytes(bytes);
    // Learn the new keys only if the chain took the checkpoint.
    if (accepted) {
      for (const v of pending.nullifiers) chain.addNullifier(v);
      for (const v of pending.slots) chain.addSlot(v);
      chain.blockNumber = blocks[blocks.length - 1].blockNumber;
      chain.slot = blocksForm.header.slotNumber;
      chain.timestamp = blocksForm.header.timestamp;
    }
    return bytes;
  }

  private pickKey(p: KeyPick, known: bigint[], inTx: bigint[], inCheckpoint: bigint[]): bigint {
    switch (p.k) {
      case 'fresh':
        return p.v;
      case 'near':
        return mod(known[p.i % known.length] + BigInt(p.d));
      case 'known':
        return known[p.i % known.length];
      case 'repeat':
        return inTx.length ? inTx[p.j % inTx.length] : known[p.j % known.length];
      case 'prior':
        return inCheckpoint.length ? inCheckpoint[p.j % inCheckpoint.length] : known[p.j % known.length];
    }
  }

  /** The benign version of a plan: same shape, every incidental rule violation repaired. */
  private sanitizePlan(p: CheckpointPlan, rng: Rng): CheckpointPlan {
    const z = this.sizes;
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
    const blocks = (p.blocks.length ? p.blocks : [{ txs: [], numberDelta: 0, mana: 0, manaValue: 0, manaNear: { k: 0, d: 0 } }]).slice(0, this.lim.maxBlocks).map((b, i) => ({
      ...b,
      numberDelta: 0,
      mana: 0,
      txs: (i > 0 && b.txs.length === 0 ? [syntheticTx(rng)] : b.txs.slice(0, this.lim.maxTxs)).map((t) => ({
        ...t,
        revertCode: t.revertCode & 3,
        fee: mod(t.fee),
        noteHashes: t.noteHashes.map((v) => v || 1n),
        l2ToL1Msgs: t.l2ToL1Msgs.map((v) => v || 1n),
        writes: t.writes.map((w) => (w.slot.k === 'fresh' && w.slot.v === 0n && w.value === 0n ? { ...w, value: 1n } : w)),
        privateLogs: t.privateLogs.map((n) => clamp(n, 1, z.privateLogSizeInFields)),
        contractClassLog: t.contractClassLog === null || t.contractClassLog === 0 ? null : clamp(t.contractClassLog, 1, z.contractClassLogSizeInFields),
        over: 0,
      })),
    }));
    return {
      ...p, sanitize: true, blocks, slotDelta: Math.max(1, p.slotDelta), timeDelta: Math.max(1, p.timeDelta), wrongChain: 0, extraMessages: 0, byteBreak: null, encBreak: null,
      feePerDaGas: mod(p.feePerDaGas), feePerL2Gas: mod(p.feePerL2Gas),
    };
  }

  private tx(tp: TxPlan, maximal: boolean, sanitize: boolean, chain: Tracked, pending: { nullifiers: bigint[]; slots: bigint[] }, rng: Rng): TxEffect {
    const z = this.sizes;
    // A list is filled to its maximum when the tx plan says so (per list, so aztec reproducers
    // shrink to the lists that matter) or, in `small`, when the whole checkpoint is maximal.
    const full = (list: number) => tp.fill.includes(list) || (maximal && this.profile === 'small');
    const fill = <T>(xs: T[], max: number, over: boolean, make: () => T, list: number): T[] => {
      const out = xs.slice(0, max);
      const target = over ? max + 1 : full(list) ? max : out.length;
      while (out.length < target) out.push(make());
      return out;
    };
    const nonzero = () => 1n + rng.field(P - 1n);

    const nullifiers: bigint[] = [];
    // Sanitized: a nullifier that is 0 or already used anywhere moves to the next free value.
    const usable = (v: bigint) => v !== 0n && !chain.nullifierSet.has(v) && !pending.nullifiers.includes(v) && !nullifiers.includes(v);
    const free = (v: bigint) => {
      while (!usable(v)) v = mod(v + 1n);
      return v;
    };
    for (const p of tp.nullifiers.slice(0, z.maxNullifiersPerTx)) {
      const v = this.pickKey(p, chain.nullifiers, nullifiers, pending.nullifiers);
      nullifiers.push(sanitize ? free(v) : v);
    }
    if (sanitize && nullifiers.length === 0) nullifiers.push(free(nonzero()));
    const allNullifiers = fill(nullifiers, z.maxNullifiersPerTx, tp.over === 2, () => (sanitize ? free(nonzero()) : nonzero()), 1);
    pending.nullifiers.push(...allNullifiers);

    const writes: [bigint, bigint][] = [];
    const txSlots: bigint[] = [];
    for (const w of tp.writes.slice(0, z.maxPublicDataWritesPerTx)) {
      const slot = this.pickKey(w.slot, chain.slots, txSlots, pending.slots);
      txSlots.push(slot);
      writes.push([slot, w.value]);
    }
    const allWrites = fill(writes, z.maxPublicDataWritesPerTx, tp.over === 4, () => [nonzero(), rng.field(P)] as [bigint, bigint], 3);
    pending.slots.push(...allWrites.map(([s]) => s));

    const logRng = new Rng(tp.txHash & ((1n << 64n) - 1n));
    const fields = (n: number) => Array.from({ length: n }, () => logRng.field(P));
    const privateLogs = fill(tp.privateLogs.map((n) => fields(n)), z.maxPrivateLogsPerTx, tp.over === 5, () => fields(1 + logRng.int(z.privateLogSizeInFields)), 4);
    const publicLogLength = tp.over === 6 ? z.maxPublicLogsLength + 1 : full(5) ? z.maxPublicLogsLength : Math.min(tp.publicLogs, z.maxPublicLogsLength);

    return {
      revertCode: tp.revertCode,
      txHash: tp.txHash,
      transactionFee: tp.fee,
      noteHashes: fill(tp.noteHashes, z.maxNoteHashesPerTx, tp.over === 1, nonzero, 0),
      nullifiers: allNullifiers,
      l2ToL1Msgs: fill(tp.l2ToL1Msgs, z.maxL2ToL1MsgsPerTx, tp.over === 3, nonzero, 2),
      publicDataWrites: allWrites,
      privateLogs,
      publicLogs: fields(publicLogLength),
      contractClassLog:
        tp.contractClassLog === null && !full(6)
          ? null
          : { contractAddress: logRng.field(P), fields: fields(full(6) ? z.contractClassLogSizeInFields : (tp.contractClassLog ?? 1)) },
    };
  }
}

/** A tx for a maximal checkpoint's extra slots: benign picks only, filled to maxima by `tx`. */
function syntheticTx(rng: Rng): TxPlan {
  return {
    revertCode: rng.int(4),
    txHash: rng.field(P),
    fee: BigInt(rng.int(1 << 20)),
    noteHashes: [],
    nullifiers: [],
    l2ToL1Msgs: [],
    writes: [],
    privateLogs: [],
    publicLogs: 0,
    contractClassLog: null,
    over: 0,
    fill: [],
  };
}

/** Sanitized checkpoints must fit MAX_BLOB_FIELDS: drop logs first, then trailing txs. */
function fitBlob(built: Block[], max: number): void {
  const blocks = built as { txs: TxEffect[] }[];
  const total = () => 1 + blocks.reduce((n, b, i) => n + 6 + (i === 0 ? 1 : 0) + b.txs.reduce((m, tx) => m + txFieldCount(tx), 0), 0);
  for (const b of blocks) {
    for (let t = 0; t < b.txs.length && total() > max; t++) {
      b.txs[t] = { ...b.txs[t], privateLogs: [], publicLogs: [], contractClassLog: null };
    }
  }
  for (let i = blocks.length - 1; i >= 0 && total() > max; i--) {
    const b = blocks[i];
    while (b.txs.length > (i === 0 ? 0 : 1) && total() > max) b.txs.pop();
  }
}

/** Packed parts of the three markers (spec §6.1), as [low bit, width] from the least significant end. */
const TX_START_PARTS: [number, number][] = [[0, 32], [32, 8], [40, 16], [56, 32], [88, 16], [104, 16], [120, 16], [136, 16], [152, 16], [168, 16]];
const BLOCK_END_PARTS: [number, number][] = [[0, 16], [16, 32], [48, 64]];
const CHECKPOINT_END_PARTS: [number, number][] = [[0, 32]];

function markerParts(v: bigint): [number, number][] | null {
  if (isTxStartMarker(v)) return TX_START_PARTS;
  if (isBlockEndMarker(v)) return BLOCK_END_PARTS;
  if (isCheckpointEndMarker(v)) return CHECKPOINT_END_PARTS;
  return null;
}

function breakBlob(fields: readonly bigint[], b: BlobBreak): bigint[] {
  const out = [...fields];
  const at = (i: number) => i % out.length;
  switch (b.k) {
    case 'marker': {
      const markers = out.map((v, i) => [i, markerParts(v)] as const).filter(([, parts]) => parts !== null);
      if (markers.length === 0) break;
      const [i, parts] = markers[b.m % markers.length];
      const [lo, width] = parts![b.part % parts!.length];
      const mask = (1n << BigInt(width)) - 1n;
      const part = (out[i] >> BigInt(lo)) & mask;
      const next = (part + BigInt(b.d) + (mask + 1n)) & mask; // wraps inside the part
      out[i] = out[i] - (part << BigInt(lo)) + (next << BigInt(lo));
      break;
    }
    case 'truncate':
      out.length = Math.max(0, out.length - 1 - b.n);
      break;
    case 'set':
      out[at(b.i)] = b.v;
      break;
    case 'bump':
      out[at(b.i)] = mod(out[at(b.i)] + BigInt(b.d));
      break;
    case 'delete':
      out.splice(at(b.i), 1);
      break;
    case 'insert':
      out.splice(at(b.i), 0, b.v);
      break;
    case 'append':
      out.push(b.v);
      break;
    case 'overflow':
      out[at(b.i)] = P + BigInt(b.d);
      break;
  }
  return out;
}
