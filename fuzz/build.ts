// Turns a plan (fuzz/plan.ts) into a case: checkpoint bytes applied from genesis. The builder keeps
// a *shadow* chain (the TypeScript STF) to know what is in the trees right now, so picks such as
// "next to an existing nullifier" resolve against the real chain, and to produce blob-form
// checkpoints, whose block end markers carry roots only an STF can compute. The shadow is a
// generation aid, not a judge: if it encoded a blob wrongly, the other implementations would
// reject what it accepts, and the oracle would report that divergence. The blob layout helpers
// (field counts, marker tests) are the TS STF's too, for the same reason.

import { DecodeError, decodeCheckpoint, encodeCheckpoint } from '../core/codec.js';
import { FIELD_MODULUS, PROFILE_SIZES } from '../core/params.js';
import { Rng } from '../core/rng.js';
import type { Block, Checkpoint, TxEffect } from '../core/schema.js';
import { ChainState } from '../impls/ts/src/index.js';
import { isBlockEndMarker, isCheckpointEndMarker, isTxStartMarker, txFieldCount } from '../impls/ts/src/blob.js';
import type { Case } from '../corpus/case.js';
import { planLimits, type BlobBreak, type CasePlan, type CheckpointPlan, type KeyPick, type PlanLimits, type TxPlan } from './plan.js';

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

  constructor(prefill: number) {
    for (let i = 0; i < prefill; i++) {
      this.addNullifier(BigInt(i));
      this.addSlot(BigInt(i));
    }
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

  constructor(
    readonly profile: 'aztec' | 'small',
    readonly chainId = 31337n,
    readonly version = 1n,
  ) {
    this.sizes = PROFILE_SIZES[profile];
    this.lim = planLimits(profile);
  }

  build(plan: CasePlan): Case {
    const shadow = ChainState.genesis(this.profile, { chainId: this.chainId, version: this.version });
    const chain = new Tracked(this.sizes.prefill);
    const checkpoints = plan.checkpoints.map((cp) => this.checkpoint(cp, chain, shadow));
    return { profile: this.profile, chainId: this.chainId, version: this.version, checkpoints };
  }

  private checkpoint(drawn: CheckpointPlan, chain: Tracked, shadow: ChainState): Uint8Array {
    const z = this.sizes;
    const rng = new Rng(BigInt(drawn.seed) * 0x9e3779b97f4a7c15n + 1n);
    const plan = drawn.sanitize ? this.sanitizePlan(drawn, rng) : drawn;
    const pending = { nullifiers: [] as bigint[], slots: [] as bigint[] };

    let blockPlans = plan.blocks;
    if (plan.maximal) {
      blockPlans = Array.from({ length: this.lim.maxBlocks }, (_, b) => {
        const bp = plan.blocks[b] ?? { txs: [], numberDelta: 0, mana: 0, manaValue: 0 };
        return { ...bp, txs: Array.from({ length: this.lim.maxTxs }, (_, t) => bp.txs[t] ?? syntheticTx(rng)) };
      });
    }
    let expected = chain.blockNumber + 1;
    const blocks: Block[] = blockPlans.map((bp) => {
      const blockNumber = Math.min(U32_MAX, Math.max(0, expected + bp.numberDelta));
      expected++;
      const totalManaUsed = bp.mana === 1 ? (1n << 48n) - 1n : bp.mana === 2 ? 1n << 48n : BigInt(bp.manaValue);
      return { blockNumber, totalManaUsed, txs: bp.txs.map((tp) => this.tx(tp, plan.maximal, plan.sanitize, chain, pending, rng)) };
    });

    if (plan.sanitize) fitBlob(blocks, this.profile === 'small' ? 96 : 24576);

    const h = headerRanges(drawn.seed, plan.sanitize);
    const slotNumber = h.slot ?? chain.slot + BigInt(plan.slotDelta);
    const timestamp = chain.timestamp + BigInt(plan.timeDelta);
    const messages = [...plan.messages].slice(0, z.l1ToL2MsgsPerCheckpoint);
    if (plan.extraMessages) while (messages.length <= z.l1ToL2MsgsPerCheckpoint) messages.push(rng.field(P));
    const blocksForm: Checkpoint = {
      v: 1,
      profile: this.profile,
      header: {
        chainId: plan.wrongChain === 1 ? this.chainId + 1n : this.chainId,
        version: plan.wrongChain === 2 ? this.version + 1n : this.version,
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

    // Clean checkpoints (nothing deliberately broken after encoding) are applied to the shadow in
    // blocks form: the same state change as their blob form, and it yields the blob fields.
    let model: Checkpoint = blocksForm;
    let bytes: Uint8Array;
    let accepted = false;
    const clean = !plan.byteBreak && !(plan.form === 'blob' && plan.blobBreak);
    if (clean) {
      const outcome = shadow.apply(blocksForm);
      accepted = outcome.status === 'accepted';
      if (plan.form === 'blob' && outcome.status === 'accepted') model = { ...blocksForm, form: 'blob', blocks: null, blobFields: outcome.blobFields };
      bytes = encodeCheckpoint(model);
    } else {
      if (plan.form === 'blob') {
        const preview = shadow.preview(blocksForm);
        if (preview.status === 'accepted') model = { ...blocksForm, form: 'blob', blocks: null, blobFields: plan.blobBreak ? breakBlob(preview.blobFields, plan.blobBreak) : preview.blobFields };
      }
      bytes = encodeCheckpoint(model);
      if (plan.byteBreak) {
        const pos = plan.byteBreak.pos % bytes.length;
        bytes[pos] = bytes[pos] === plan.byteBreak.val ? plan.byteBreak.val ^ 1 : plan.byteBreak.val;
      }
      // Advance the shadow exactly as an implementation would.
      try {
        accepted = shadow.apply(decodeCheckpoint(bytes)).status === 'accepted';
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
      }
    }
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
    const blocks = (p.blocks.length ? p.blocks : [{ txs: [], numberDelta: 0, mana: 0, manaValue: 0 }]).slice(0, this.lim.maxBlocks).map((b, i) => ({
      ...b,
      numberDelta: 0,
      mana: 0,
      txs: (i > 0 && b.txs.length === 0 ? [syntheticTx(rng)] : b.txs.slice(0, this.lim.maxTxs)).map((t) => ({
        ...t,
        revertCode: t.revertCode & 3,
        noteHashes: t.noteHashes.map((v) => v || 1n),
        l2ToL1Msgs: t.l2ToL1Msgs.map((v) => v || 1n),
        writes: t.writes.map((w) => (w.slot.k === 'fresh' && w.slot.v === 0n && w.value === 0n ? { ...w, value: 1n } : w)),
        privateLogs: t.privateLogs.map((n) => clamp(n, 1, z.privateLogSizeInFields)),
        contractClassLog: t.contractClassLog === null || t.contractClassLog === 0 ? null : clamp(t.contractClassLog, 1, z.contractClassLogSizeInFields),
        over: 0,
      })),
    }));
    return { ...p, blocks, slotDelta: Math.max(1, p.slotDelta), timeDelta: Math.max(1, p.timeDelta), wrongChain: 0, extraMessages: 0, byteBreak: null };
  }

  private tx(tp: TxPlan, maximal: boolean, sanitize: boolean, chain: Tracked, pending: { nullifiers: bigint[]; slots: bigint[] }, rng: Rng): TxEffect {
    const z = this.sizes;
    const fill = <T>(xs: T[], max: number, over: boolean, make: () => T): T[] => {
      const out = xs.slice(0, max);
      const target = over ? max + 1 : maximal ? max : out.length;
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
    const allNullifiers = fill(nullifiers, z.maxNullifiersPerTx, tp.over === 2, () => (sanitize ? free(nonzero()) : nonzero()));
    pending.nullifiers.push(...allNullifiers);

    const writes: [bigint, bigint][] = [];
    const txSlots: bigint[] = [];
    for (const w of tp.writes.slice(0, z.maxPublicDataWritesPerTx)) {
      const slot = this.pickKey(w.slot, chain.slots, txSlots, pending.slots);
      txSlots.push(slot);
      writes.push([slot, w.value]);
    }
    const allWrites = fill(writes, z.maxPublicDataWritesPerTx, tp.over === 4, () => [nonzero(), rng.field(P)] as [bigint, bigint]);
    pending.slots.push(...allWrites.map(([s]) => s));

    const logRng = new Rng(tp.txHash & ((1n << 64n) - 1n));
    const fields = (n: number) => Array.from({ length: n }, () => logRng.field(P));
    const privateLogs = fill(tp.privateLogs.map((n) => fields(n)), z.maxPrivateLogsPerTx, tp.over === 5, () => fields(1 + logRng.int(z.privateLogSizeInFields)));
    const publicLogLength = tp.over === 6 ? z.maxPublicLogsLength + 1 : maximal ? z.maxPublicLogsLength : Math.min(tp.publicLogs, z.maxPublicLogsLength);

    return {
      revertCode: tp.revertCode,
      txHash: tp.txHash,
      transactionFee: tp.fee,
      noteHashes: fill(tp.noteHashes, z.maxNoteHashesPerTx, tp.over === 1, nonzero),
      nullifiers: allNullifiers,
      l2ToL1Msgs: fill(tp.l2ToL1Msgs, z.maxL2ToL1MsgsPerTx, tp.over === 3, nonzero),
      publicDataWrites: allWrites,
      privateLogs,
      publicLogs: fields(publicLogLength),
      contractClassLog:
        tp.contractClassLog === null && !maximal
          ? null
          : { contractAddress: logRng.field(P), fields: fields(maximal && tp.contractClassLog === null ? z.contractClassLogSizeInFields : (tp.contractClassLog ?? 1)) },
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
