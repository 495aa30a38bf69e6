// Root-cause localizer: after a root or header divergence at checkpoint i, narrows it to the first
// tx, the first tree and the first leaf where two implementations part, using only the
// Implementation interface (genesis/restore, apply, snapshot). It replays the case up to i - 1 and
// then *prefixes* of checkpoint i: the first k txs (blocks form), and within the first divergent
// tx the first j writes to one tree. After each prefix it compares the outcomes and the state
// files (spec §8: every tree's leaves by position). Leaves that differ mean the implementations
// computed different values (execution); equal leaves with different roots mean they hash (or
// link) the same leaves differently (hashing); equal trees with different blob fields mean they
// encode differently (encoding).

import { DecodeError, decodeChainState, decodeCheckpoint, encodeCheckpoint } from '../core/codec.js';
import type { Block, ChainStateFile, Checkpoint, Outcome, TxEffect } from '../core/schema.js';
import type { Case } from '../corpus/case.js';
import type { CallResult, Implementation } from '../impls/implementation.js';
import { compareResults, sharedCoverage, type Divergence } from './compare.js';

/** Trees in the order a checkpoint writes them (spec §5.2, §5.3), then the blob fields. */
export type TreeName = 'l1ToL2' | 'noteHash' | 'nullifier' | 'publicData' | 'archive' | 'blob';
const STATE_TREES = ['l1ToL2', 'noteHash', 'nullifier', 'publicData'] as const;
type StateTree = (typeof STATE_TREES)[number];

export type LocalizationKind = 'execution' | 'hashing' | 'encoding' | 'unknown';

export interface Localization {
  /** 1-based checkpoint of the finding. */
  checkpoint: number;
  /**
   * The first tx whose prefix diverges: block index, tx index in the block, and position among all
   * txs of the checkpoint (0-based). null: the implementations part before any tx (the L1-to-L2
   * messages, an empty first block's header) or the checkpoint is in blob form (not split).
   */
  tx: { block: number; index: number; flat: number } | null;
  tree: TreeName | null;
  /** Leaf position in `tree` (blob: field index); null when it could not be narrowed further. */
  leaf: number | null;
  kind: LocalizationKind;
  /** One line on what differs there. */
  detail: string;
  /** Prefix replays the localizer ran. */
  replays: number;
}

const TREE_LABEL: Record<TreeName, string> = { l1ToL2: 'L1-to-L2 message tree', noteHash: 'note-hash tree', nullifier: 'nullifier tree', publicData: 'public-data tree', archive: 'archive', blob: 'blob fields' };

export function describeLocalization(l: Localization): string {
  const tx = l.tx ? `block ${l.tx.block} tx ${l.tx.index}` : 'before any tx';
  const where = l.tree === null ? '' : l.tree === 'blob' ? `, blob field ${l.leaf ?? '?'}` : `, ${TREE_LABEL[l.tree]}${l.leaf === null ? '' : ` leaf ${l.leaf}`}`;
  return `localized: checkpoint ${l.checkpoint}, ${tx}${where}: ${l.kind} (${l.detail})`;
}

interface Replay {
  results: [CallResult, CallResult];
  divergence: Divergence | null;
  states: [ChainStateFile | null, ChainStateFile | null];
}

const leavesOf = (s: ChainStateFile, t: StateTree | 'archive'): string[] =>
  t === 'l1ToL2' ? s.l1ToL2Messages.map(String) : t === 'noteHash' ? s.noteHashes.map(String) : t === 'nullifier' ? s.nullifiers.map(String) : t === 'publicData' ? s.publicData.map(([k, v]) => `${k}:${v}`) : s.archive.map(String);

/** First position where two leaf lists differ (a missing leaf counts), or -1. */
function firstLeafDifference(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

const accepted = (r: CallResult): Extract<Outcome, { status: 'accepted' }> | null => (r.kind === 'outcome' && r.outcome.status === 'accepted' ? r.outcome : null);

/** root and nextIndex of a tree in an accepted outcome. */
function snapshotOf(o: Extract<Outcome, { status: 'accepted' }>, t: StateTree | 'archive'): [bigint, bigint] {
  if (t === 'archive') return [o.archive[0], o.archive[1]];
  const k = STATE_TREES.indexOf(t);
  return [o.state[2 * k], o.state[2 * k + 1]];
}

function treeDiffers(r: Replay, t: StateTree | 'archive'): boolean {
  const [a, b] = r.results.map(accepted);
  if (!a || !b) return r.divergence !== null;
  const [x, y] = [snapshotOf(a, t), snapshotOf(b, t)];
  return x[0] !== y[0] || x[1] !== y[1];
}

/** The first k txs of a blocks-form checkpoint (block 0 is always kept, possibly empty). */
function txPrefix(cp: Extract<Checkpoint, { form: 'blocks' }>, k: number): Extract<Checkpoint, { form: 'blocks' }> {
  const blocks: Block[] = [];
  let left = k;
  for (let b = 0; b < cp.blocks.length; b++) {
    if (b > 0 && left <= 0) break;
    const take = Math.min(left, cp.blocks[b].txs.length);
    blocks.push({ ...cp.blocks[b], txs: cp.blocks[b].txs.slice(0, take) });
    left -= take;
  }
  return { ...cp, blocks };
}

function txAt(cp: Extract<Checkpoint, { form: 'blocks' }>, flat: number): { block: number; index: number; flat: number } {
  let left = flat;
  for (let b = 0; b < cp.blocks.length; b++) {
    if (left < cp.blocks[b].txs.length) return { block: b, index: left, flat };
    left -= cp.blocks[b].txs.length;
  }
  throw new Error(`tx ${flat} is beyond the checkpoint`);
}

/** The same checkpoint with the last tx's writes to one tree cut to the first j. */
function effectPrefix(cp: Extract<Checkpoint, { form: 'blocks' }>, tree: 'noteHash' | 'nullifier' | 'publicData', j: number): Extract<Checkpoint, { form: 'blocks' }> {
  const blocks = cp.blocks.map((b) => ({ ...b, txs: [...b.txs] }));
  const last = blocks[blocks.length - 1];
  const tx = last.txs[last.txs.length - 1];
  const cut: TxEffect =
    tree === 'noteHash' ? { ...tx, noteHashes: tx.noteHashes.slice(0, j) } : tree === 'nullifier' ? { ...tx, nullifiers: tx.nullifiers.slice(0, j) } : { ...tx, publicDataWrites: tx.publicDataWrites.slice(0, j) };
  last.txs[last.txs.length - 1] = cut;
  return { ...cp, blocks };
}

function writesOf(cp: Extract<Checkpoint, { form: 'blocks' }>, tree: 'noteHash' | 'nullifier' | 'publicData'): number {
  const last = cp.blocks[cp.blocks.length - 1];
  const tx = last.txs[last.txs.length - 1];
  return tree === 'noteHash' ? tx.noteHashes.length : tree === 'nullifier' ? tx.nullifiers.length : tx.publicDataWrites.length;
}

export class Localizer {
  replays = 0;

  constructor(
    private readonly left: Implementation,
    private readonly right: Implementation,
    private readonly c: Case,
    /** 1-based checkpoint of the divergence. */
    private readonly checkpoint: number,
  ) {}

  /** Resets both implementations, replays the agreed checkpoints, then applies `last` (if any). */
  private async replay(last: Uint8Array | null): Promise<Replay | null> {
    this.replays++;
    const impls = [this.left, this.right];
    const starts = await Promise.all(impls.map((impl) => (this.c.state ? impl.restore(this.c.state) : impl.genesis({ profile: this.c.profile, chainId: this.c.chainId, version: this.c.version }))));
    if (starts.some((s) => s.kind !== 'ok')) return null;
    for (const cp of this.c.checkpoints.slice(0, this.checkpoint - 1)) await Promise.all(impls.map((impl) => impl.apply(cp)));
    let results: [CallResult, CallResult] = [
      { kind: 'outcome', outcome: { v: 1, status: 'rejected', code: 'none', message: '' }, elapsedMs: 0 },
      { kind: 'outcome', outcome: { v: 1, status: 'rejected', code: 'none', message: '' }, elapsedMs: 0 },
    ];
    if (last) results = (await Promise.all(impls.map((impl) => impl.apply(last)))) as [CallResult, CallResult];
    const states = (await Promise.all(
      impls.map(async (impl) => {
        const s = await impl.snapshot();
        if (!(s instanceof Uint8Array)) return null;
        try {
          return decodeChainState(s);
        } catch (err) {
          if (err instanceof DecodeError) return null;
          throw err;
        }
      }),
    )) as [ChainStateFile | null, ChainStateFile | null];
    return { results, states, divergence: compareResults(results[0], results[1], sharedCoverage(this.left.coverage, this.right.coverage)) };
  }

  /** A replay diverges when the outcomes or the state files differ. */
  private diverges(r: Replay): boolean {
    if (r.divergence) return true;
    const [a, b] = r.states;
    return !!a && !!b && [...STATE_TREES, 'archive' as const].some((t) => firstLeafDifference(leavesOf(a, t), leavesOf(b, t)) >= 0);
  }

  async run(): Promise<Localization | null> {
    let cp: Checkpoint;
    try {
      cp = decodeCheckpoint(this.c.checkpoints[this.checkpoint - 1]);
    } catch (err) {
      if (err instanceof DecodeError) return null;
      throw err;
    }
    const base = { checkpoint: this.checkpoint };

    // Hidden divergence: the outcomes agreed so far but the states already differ.
    const pre = await this.replay(null);
    if (!pre) return null;
    const hidden = this.leafDifference(pre);
    if (hidden) {
      // Archive leaves are block header hashes: when only they differ, the headers hash differently.
      const kind = hidden.tree === 'archive' ? 'hashing' : 'execution';
      return { ...base, tx: null, ...hidden, kind, detail: `the states already differ before this checkpoint (the outcomes agreed): ${hidden.detail}`, replays: this.replays };
    }

    if (cp.form === 'blob') {
      const full = await this.replay(this.c.checkpoints[this.checkpoint - 1]);
      if (!full || !this.diverges(full)) return null;
      return { ...base, tx: null, ...(await this.classify(full, null)), replays: this.replays };
    }

    // Binary search for the smallest tx prefix that diverges (prefix 0: messages and block 0's header).
    const total = cp.blocks.reduce((n, b) => n + b.txs.length, 0);
    const at = (k: number) => this.replay(encodeCheckpoint(txPrefix(cp, k)));
    const zero = await at(0);
    if (!zero) return null;
    if (this.diverges(zero)) return { ...base, tx: null, ...(await this.classify(zero, { cp: txPrefix(cp, 0), beforeTxs: true, baseline: pre })), replays: this.replays };
    let [lo, loReplay] = [0, zero]; // prefix lo agrees, prefix hi diverges
    let [hi, hiReplay] = [total, await at(total)];
    if (!hiReplay || !this.diverges(hiReplay)) return null; // the divergence needs what the re-encoded checkpoint lacks: nothing to narrow
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const r = await at(mid);
      if (!r) return null;
      if (this.diverges(r)) [hi, hiReplay] = [mid, r];
      else [lo, loReplay] = [mid, r];
    }
    const tx = txAt(cp, hi - 1);
    return { ...base, tx, ...(await this.classify(hiReplay, { cp: txPrefix(cp, hi), beforeTxs: false, baseline: loReplay })), replays: this.replays };
  }

  /** The first tree (in write order) whose leaves differ between the two state files. */
  private leafDifference(r: Replay): { tree: TreeName; leaf: number; detail: string } | null {
    const [a, b] = r.states;
    if (!a || !b) return null;
    for (const t of [...STATE_TREES, 'archive' as const]) {
      const [x, y] = [leavesOf(a, t), leavesOf(b, t)];
      const i = firstLeafDifference(x, y);
      if (i >= 0) return { tree: t, leaf: i, detail: `${this.left.name} has ${x[i] ?? '(no leaf)'}, ${this.right.name} has ${y[i] ?? '(no leaf)'}` };
    }
    return null;
  }

  /** What differs after the first divergent prefix, and where. */
  private async classify(r: Replay, prefix: { cp: Extract<Checkpoint, { form: 'blocks' }>; beforeTxs: boolean; baseline: Replay } | null): Promise<{ tree: TreeName | null; leaf: number | null; kind: LocalizationKind; detail: string }> {
    const leaves = this.leafDifference(r);
    if (leaves && leaves.tree !== 'archive') return { ...leaves, kind: 'execution', detail: `leaves differ: ${leaves.detail}` };
    const [a, b] = r.results.map(accepted);
    if (!a || !b) return { tree: null, leaf: null, kind: 'unknown', detail: r.divergence ? `${r.divergence.kind} at ${r.divergence.field}: ${r.divergence.left} vs ${r.divergence.right}` : 'outcomes differ' };
    for (const t of STATE_TREES) {
      if (!treeDiffers(r, t)) continue;
      const leaf = prefix ? await this.hashingLeaf(prefix.cp, t, prefix.beforeTxs, prefix.baseline) : null;
      return { tree: t, leaf, kind: 'hashing', detail: `same leaves, different root or next index (${this.left.name} ${snapshotOf(a, t).join('/')}, ${this.right.name} ${snapshotOf(b, t).join('/')})` };
    }
    const blob = firstLeafDifference(a.blobFields.map(String), b.blobFields.map(String));
    if (blob >= 0) return { tree: 'blob', leaf: blob, kind: 'encoding', detail: `same trees, different blob field: ${this.left.name} 0x${a.blobFields[blob]?.toString(16) ?? '(none)'}, ${this.right.name} 0x${b.blobFields[blob]?.toString(16) ?? '(none)'}` };
    if (leaves) return { ...leaves, kind: 'hashing', detail: `same trees and blob fields, different block header hash: ${leaves.detail}` };
    if (treeDiffers(r, 'archive')) return { tree: 'archive', leaf: null, kind: 'hashing', detail: 'same archive leaves, different archive root' };
    return { tree: null, leaf: null, kind: 'unknown', detail: r.divergence ? `${r.divergence.field} differs` : 'the state files differ' };
  }

  /**
   * The first write of the last tx (or, before any tx, the first L1-to-L2 message) whose inclusion
   * makes the tree's roots part; its position is where the left implementation's state file
   * changes from the last agreeing prefix (`baseline`, then the previous j). null when the tree
   * cannot be narrowed to a write (e.g. a hashing difference after a blob-form checkpoint).
   */
  private async hashingLeaf(cp: Extract<Checkpoint, { form: 'blocks' }>, tree: StateTree, beforeTxs: boolean, baseline: Replay): Promise<number | null> {
    const variant = (j: number): Extract<Checkpoint, { form: 'blocks' }> | null => {
      if (tree === 'l1ToL2') return beforeTxs ? { ...cp, l1ToL2Messages: cp.l1ToL2Messages.slice(0, j) } : null;
      if (beforeTxs) return null;
      return effectPrefix(cp, tree, j);
    };
    const count = tree === 'l1ToL2' ? cp.l1ToL2Messages.length : beforeTxs ? 0 : writesOf(cp, tree);
    let previous = baseline;
    for (let j = tree === 'nullifier' ? 1 : 0; j <= count; j++) {
      const v = variant(j);
      if (!v) return null;
      const r = await this.replay(encodeCheckpoint(v));
      if (!r) return null;
      if (treeDiffers(r, tree)) {
        if (!previous.states[0] || !r.states[0]) return null;
        const i = firstLeafDifference(leavesOf(previous.states[0], tree), leavesOf(r.states[0], tree));
        return i >= 0 ? i : null;
      }
      previous = r;
    }
    return null;
  }
}

/** Localizes a finding of kind `root` (other kinds are already as narrow as they get); null otherwise. */
export async function localize(left: Implementation, right: Implementation, c: Case, finding: { kind: string; checkpoint: number }): Promise<Localization | null> {
  if (finding.kind !== 'root' || finding.checkpoint < 1) return null;
  return new Localizer(left, right, c, finding.checkpoint).run();
}
