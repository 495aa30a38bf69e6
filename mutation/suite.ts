// The test that kills mutants: a differential run of the TypeScript STF under mutation against the
// Rust STF (WebAssembly component). Three parts, cheapest first, stopping at the first
// disagreement: the small-profile conformance sequences (made by Aztec's own code) in both forms,
// the committed seed and regression corpus (with their recorded outcomes), and a fixed fuzz
// sample: the cases a seed-1 fuzz run of the unmutated STFs kept as new behaviour (every outcome
// code, code pair and tree fill it reached), made once per mutation run. A mutant is killed when
// any part shows a divergence, a mismatch with a recorded outcome, state files (snapshots) that
// differ after a case, or the mutated STF throwing.

import { join } from 'node:path';
import { decodeChainState, encodeCheckpoint } from '../core/codec.js';
import { blobCheckpointFromVector, blocksCheckpointFromVector, loadVectors, type CheckpointSequence } from '../core/vectors.js';
import { listCaseFiles, readCaseFile, type Case, type CaseFile } from '../corpus/case.js';
import { replayCase } from '../corpus/replay.js';
import type { Implementation } from '../impls/implementation.js';
import { describeFinding, Oracle } from '../oracle/run.js';
import { FuzzEngine } from '../fuzz/engine.js';

const ROOT = new URL('../', import.meta.url).pathname;

export interface SuiteOptions {
  /** The fixed fuzz sample (makeSample). */
  sample: Case[];
}

/** The fuzz sample: the cases a seed-1 run of `runs` cases keeps as novel (run with no mutant active). */
export async function makeSample(ts: Implementation, rust: Implementation, runs: number): Promise<{ sample: Case[]; outcomes: Record<string, number> }> {
  const sample: Case[] = [];
  const engine = new FuzzEngine({ profile: 'small', seed: 1n, runs, impls: [ts, rust], shrinkBudget: 0, shrinkTimeMs: 0, onNovel: (c) => sample.push(c) });
  const stats = await engine.run();
  return { sample, outcomes: stats.outcomes };
}

export interface Kill {
  part: 'vectors' | 'corpus' | 'fuzz';
  what: string;
}

function vectorCases(): Case[] {
  const { sequences } = loadVectors<{ sequences: (CheckpointSequence & { blobFields?: string[][] })[] }>('checkpoints.json');
  const out: Case[] = [];
  for (const s of sequences.filter((q) => q.profile === 'small')) {
    const blocks = s.checkpoints.map((c) => encodeCheckpoint(blocksCheckpointFromVector(s.profile, c.checkpoint)));
    out.push({ profile: s.profile, chainId: 31337n, version: 1n, checkpoints: blocks });
    const blob = s.checkpoints.map((c) => encodeCheckpoint(blobCheckpointFromVector(s.profile, c.checkpoint, c.expected.blobFields)));
    out.push({ profile: s.profile, chainId: 31337n, version: 1n, checkpoints: blob });
  }
  return out;
}

let corpusFiles: CaseFile[] | null = null;
let vectors: Case[] | null = null;

/**
 * After a case both ran through without a finding: their state files (spec §8 snapshot) must be the
 * same bytes. Outcomes carry roots and sizes only, so without this a mutant that breaks only the
 * snapshot path (a tree's leaves() or getLeaf) would live. Returns what differs, or null.
 */
async function snapshotsDiffer(ts: Implementation, rust: Implementation): Promise<string | null> {
  const [a, b] = await Promise.all([ts.snapshot(), rust.snapshot()]);
  if (!(a instanceof Uint8Array)) return `ts snapshot failed: ${JSON.stringify(a).slice(0, 200)}`;
  if (!(b instanceof Uint8Array)) return `rust snapshot failed: ${JSON.stringify(b).slice(0, 200)}`;
  if (Buffer.from(a).equals(Buffer.from(b))) return null;
  let left: Record<string, unknown>;
  try {
    left = decodeChainState(a) as unknown as Record<string, unknown>;
  } catch (err) {
    return `ts snapshot is not a valid state file: ${(err as Error).message}`;
  }
  const right = decodeChainState(b) as unknown as Record<string, unknown>;
  const field = Object.keys(right).find((k) => JSON.stringify(left[k], (_, v) => (typeof v === 'bigint' ? v.toString() : v)) !== JSON.stringify(right[k], (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
  return `state files differ${field ? ` at ${field}` : ''}`;
}

/** Runs the suite with `ts` (the STF under mutation) and `rust`; the first kill, or null. */
export async function runSuite(ts: Implementation, rust: Implementation, o: SuiteOptions): Promise<Kill | null> {
  vectors ??= vectorCases();
  corpusFiles ??= ['corpus/seed', 'corpus/regressions'].flatMap((d) => listCaseFiles(join(ROOT, d))).map(readCaseFile).filter((f) => f.profile === 'small');
  const oracle = new Oracle([ts, rust]);
  for (const [k, c] of vectors.entries()) {
    const r = await oracle.run(c);
    if (r.finding) return { part: 'vectors', what: `small sequence ${k}: ${describeFinding(r.finding)}` };
    const d = await snapshotsDiffer(ts, rust);
    if (d) return { part: 'vectors', what: `small sequence ${k}: ${d}` };
  }
  for (const f of corpusFiles) {
    const r = await replayCase(oracle, f);
    if (r.finding) return { part: 'corpus', what: describeFinding(r.finding) };
    if (r.mismatch) return { part: 'corpus', what: `mismatch with the recorded outcome at checkpoint ${r.mismatch.checkpoint}, ${r.mismatch.field}` };
  }
  for (const [k, c] of o.sample.entries()) {
    const r = await oracle.run(c);
    if (r.finding) return { part: 'fuzz', what: `sample case ${k}: ${describeFinding(r.finding)}` };
    const d = await snapshotsDiffer(ts, rust);
    if (d) return { part: 'fuzz', what: `sample case ${k}: ${d}` };
  }
  return null;
}
