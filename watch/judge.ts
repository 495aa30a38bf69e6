// Re-execution and verdict for one proposed checkpoint: every implementation is restored to its
// pre-state, applies the checkpoint rebuilt from the calldata, and the outcomes are compared with
// each other (oracle/compare.ts, on what both cover) and with the attested post-state.

import type { Hex } from 'viem';
import { DecodeError, decodeChainState } from '../core/codec.js';
import type { CallResult, Implementation } from '../impls/implementation.js';
import { compareResults, sharedCoverage, type Divergence } from '../oracle/compare.js';
import { checkpointOfProposal, postFields, type ProposalData } from './l2.js';
import type { ImplOutcomeRecord, Verdict } from './store.js';

export interface Judgement {
  verdict: Verdict;
  reason: string;
  outcomes: ImplOutcomeRecord[];
  divergences: (Divergence & { a: string; b: string })[];
  computedPost: Hex[] | null;
  /** Per implementation, the state after the checkpoint (null when no implementation accepted it). */
  snapshots: Record<string, Uint8Array> | null;
  checkpointBytes: Uint8Array | null;
  reexecMs: number;
}

const same = (a: readonly Hex[] | undefined, b: readonly Hex[] | undefined) => !!a && !!b && a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]!.toLowerCase());

function recordOf(impl: string, r: CallResult, post?: Hex[]): ImplOutcomeRecord {
  if (r.kind === 'outcome') {
    return r.outcome.status === 'accepted'
      ? { impl, kind: 'accepted', post, elapsedMs: r.elapsedMs }
      : { impl, kind: 'rejected', code: r.outcome.code, message: r.outcome.message.slice(0, 500), elapsedMs: r.elapsedMs };
  }
  return { impl, kind: r.kind, message: 'message' in r ? r.message.slice(0, 500) : undefined, elapsedMs: r.elapsedMs };
}

/**
 * Judges a checkpoint. `pre` holds each implementation's pre-state (canonical state files).
 * Never throws for anything the proposal contains: a bad proposal is a verdict.
 */
export async function judge(impls: readonly Implementation[], pre: Record<string, Uint8Array>, data: ProposalData, attestedPost: readonly Hex[]): Promise<Judgement> {
  const t0 = performance.now();
  let bytes: Uint8Array;
  try {
    bytes = checkpointOfProposal(data).bytes;
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    return { verdict: 'malformed-proposal', reason: err.message, outcomes: [], divergences: [], computedPost: null, snapshots: null, checkpointBytes: null, reexecMs: 0 };
  }
  const results: CallResult[] = [];
  const posts: (Hex[] | undefined)[] = [];
  const after: Record<string, Uint8Array> = {};
  for (const impl of impls) {
    const state = pre[impl.name];
    if (!state) throw new Error(`no pre-state for implementation ${impl.name}`);
    const restored = await impl.restore(state);
    if (restored.kind !== 'ok') {
      results.push(restored);
      posts.push(undefined);
      continue;
    }
    const r = await impl.apply(bytes);
    results.push(r);
    let post: Hex[] | undefined;
    if (r.kind === 'outcome' && r.outcome.status === 'accepted') {
      const snap = await impl.snapshot();
      if (snap instanceof Uint8Array) {
        after[impl.name] = snap;
        post = postFields(r.outcome, decodeChainState(snap).last);
      }
    }
    posts.push(post);
  }
  const outcomes = impls.map((impl, i) => recordOf(impl.name, results[i]!, posts[i]));
  const divergences: Judgement['divergences'] = [];
  for (let i = 1; i < impls.length; i++) {
    const d = compareResults(results[0]!, results[i]!, sharedCoverage(impls[0]!.coverage, impls[i]!.coverage));
    if (d) divergences.push({ ...d, a: impls[0]!.name, b: impls[i]!.name });
    else if (posts[0] && posts[i] && !same(posts[0], posts[i])) {
      divergences.push({ kind: 'root', field: 'post-state (last block)', left: posts[0].slice(0, 3).join(','), right: posts[i]!.slice(0, 3).join(','), a: impls[0]!.name, b: impls[i]!.name });
    }
  }
  const reexecMs = performance.now() - t0;
  const matching = impls.map((impl, i) => (same(posts[i], attestedPost) ? impl.name : null)).filter((x): x is string => x !== null);
  // Implementations whose post-state differs from the attested one continue from one that matches
  // (state files are canonical), so a persistent bug is reported once, not on every checkpoint.
  // Without a match (a wrong root) the first accepting implementation's state is kept: if the
  // council replaces the root with the computed one, the chain continues from it.
  const base = matching[0] ?? impls.find((impl) => after[impl.name])?.name;
  const snapshots = base ? Object.fromEntries(impls.map((impl) => [impl.name, matching.includes(impl.name) ? after[impl.name]! : after[base]!])) : null;

  if (divergences.length > 0) {
    const d = divergences[0]!;
    return { verdict: 'implementations-disagree', reason: `${d.a} vs ${d.b}: ${d.kind} at ${d.field} (${d.left} vs ${d.right})`, outcomes, divergences, computedPost: null, snapshots, checkpointBytes: bytes, reexecMs };
  }
  const first = outcomes[0]!;
  if (first.kind === 'rejected') {
    return { verdict: 'invalid-checkpoint', reason: `every implementation rejects the attested checkpoint (${first.code}: ${first.message})`, outcomes, divergences, computedPost: null, snapshots: null, checkpointBytes: bytes, reexecMs };
  }
  if (first.kind !== 'accepted' || !posts[0]) {
    return { verdict: 'implementations-disagree', reason: `no implementation answered (${first.kind})`, outcomes, divergences, computedPost: null, snapshots: null, checkpointBytes: bytes, reexecMs };
  }
  if (same(posts[0], attestedPost)) return { verdict: 'ok', reason: 'every implementation agrees with the attested post-state', outcomes, divergences, computedPost: posts[0], snapshots, checkpointBytes: bytes, reexecMs };
  const diff = posts[0].findIndex((x, i) => x.toLowerCase() !== attestedPost[i]!.toLowerCase());
  return {
    verdict: 'wrong-root',
    reason: `every implementation computes another post-state than the attested one (first difference at post field ${diff}: ${posts[0][diff]} vs attested ${attestedPost[diff]})`,
    outcomes, divergences, computedPost: posts[0], snapshots, checkpointBytes: bytes, reexecMs,
  };
}
