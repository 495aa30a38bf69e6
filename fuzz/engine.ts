// The fuzz loop of one worker: draw a plan (a fresh case, or a mutation of a corpus case), build
// it, run it through the oracle, keep cases that show new behaviour, and shrink every new finding
// to a minimal reproducer. Everything random comes from one fast-check Random seeded from
// (seed, worker), so a run is replayed exactly by the same seed, worker count and corpus.

import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { PROFILE_SIZES, TREE_HEIGHTS } from '../core/params.js';
import type { Outcome } from '../core/schema.js';
import type { Case } from '../corpus/case.js';
import type { Implementation } from '../impls/implementation.js';
import { findingSignature, Oracle, type CaseResult, type Finding, type RecordedRun } from '../oracle/run.js';
import { InProcessTsImplementation } from '../impls/adapters/in-process-ts.js';
import { TsStateMemo } from '../impls/adapters/ts-state-memo.js';
import * as tsStf from '../impls/ts/src/index.js';
import { CaseBuilder } from './build.js';
import { StfCoverage } from './coverage.js';
import { mutateCase } from './mutate.js';
import { casePlanArb, mutationPlanArb, type CasePlan, type MutationPlan } from './plan.js';

export interface EngineOptions {
  profile: 'aztec' | 'small';
  seed: bigint;
  /** This worker's index: each worker draws from its own stream. */
  worker?: number;
  /** Stop after this many cases (this worker's share). */
  runs?: number;
  /** Stop at this wall-clock time (ms since the epoch). */
  deadline?: number;
  /** Stop this long after the loop starts (not counting start-up: a campaign's duration shards). */
  durationMs?: number;
  impls: Implementation[];
  corpus?: Case[];
  /** Share of cases made by mutating the corpus (when it is not empty). */
  mutationRate?: number;
  /** Shrink attempts (oracle runs) per finding, and a time limit for them. */
  shrinkBudget?: number;
  shrinkTimeMs?: number;
  /** Stop at the first finding (tests and `--stop-on-finding`). */
  stopOnFinding?: boolean;
  maxCorpus?: number;
  /** Also keep cases that execute a block of the TS STF no earlier case executed (fuzz/coverage.ts). */
  coverage?: boolean;
  /** Generate cases that start from a pre-state (default true; false when an implementation cannot restore). */
  preStates?: boolean;
  onFinding?: (f: EngineFinding) => void;
  /** A case that showed behaviour new to this worker; `features`: the behaviour that was new. */
  onNovel?: (c: Case, features: string[]) => void;
  onProgress?: (s: EngineStats) => void;
  progressEveryMs?: number;
}

export interface EngineStats {
  worker: number;
  /** Cases drawn (generated or mutated). */
  cases: number;
  /** Oracle runs, shrinking included (each from genesis). */
  execs: number;
  /** Checkpoints applied by every implementation. */
  checkpoints: number;
  /** Distinct findings (by signature). */
  findings: number;
  corpusSize: number;
  genMs: number;
  implMs: Record<string, number>;
  compareMs: number;
  shrinkMs: number;
  elapsedMs: number;
  /**
   * How often each outcome was reached, per checkpoint of the drawn cases (shrinking not counted):
   * `accepted` or the error code of the first implementation, `none` where it gave no outcome.
   * A code that stays at 0 is a blind spot of the generator.
   */
  outcomes: Record<string, number>;
  /** With coverage guidance: blocks of the TS STF first executed by a drawn case. */
  coverageBlocks: number;
}

export interface EngineFinding {
  finding: Finding;
  signature: string;
  /** The minimized reproducer. */
  reproducer: Case;
  /** Checkpoints in the case as first found, before shrinking. */
  originalCheckpoints: number;
  /** The first implementation's outcomes on the reproducer (expected values for a regression). */
  outcomes: (Outcome | null)[];
  iteration: number;
  worker: number;
  /** Cases drawn by this worker up to and including the one that showed the finding. */
  execsToFind: number;
  msToFind: number;
  shrinkAttempts: number;
  shrinkMs: number;
}

/** 64-bit mixing (SplitMix64 finalizer) so nearby seeds and workers give unrelated streams. */
function mix(seed: bigint, worker: number): number {
  let z = BigInt.asUintN(64, seed + BigInt(worker) * 0x9e3779b97f4a7c15n);
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return Number(BigInt.asIntN(32, z ^ (z >> 31n)));
}

type Drawn = { kind: 'gen'; value: fc.Value<CasePlan> } | { kind: 'mut'; value: fc.Value<MutationPlan> };

export class FuzzEngine {
  private readonly oracle: Oracle;
  private readonly builder: CaseBuilder;
  private readonly corpus: Case[];
  private readonly features = new Set<string>();
  private readonly seen = new Set<string>();
  private readonly genArb: fc.Arbitrary<CasePlan>;
  private stopped = false;
  private readonly coverage: StfCoverage | null;
  readonly stats: EngineStats;

  constructor(private readonly opts: EngineOptions) {
    this.oracle = new Oracle(opts.impls);
    this.builder = new CaseBuilder(opts.profile);
    this.corpus = [...(opts.corpus ?? [])].filter((c) => c.profile === opts.profile);
    this.genArb = casePlanArb(opts.profile, undefined, { preStates: opts.preStates });
    this.stats = { worker: opts.worker ?? 0, cases: 0, execs: 0, checkpoints: 0, findings: 0, corpusSize: this.corpus.length, genMs: 0, implMs: Object.fromEntries(opts.impls.map((i) => [i.name, 0])), compareMs: 0, shrinkMs: 0, elapsedMs: 0, outcomes: {}, coverageBlocks: 0 };
    this.coverage = opts.coverage ? new StfCoverage() : null;
  }

  /** Asks the loop to finish after the current case (e.g. on SIGINT). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * The in-process TS implementation running the real TS STF (as listed, maybe the registry's lazy
   * wrapper), whose run the builder's chain view records (a test's mutant STF is run by the oracle
   * as before, so its case stream is unchanged).
   */
  private tsImpl: Implementation | null = null;
  /**
   * States the TS implementation reached, shared by the builder's chain view and the oracle's runs
   * (impls/adapters/ts-state-memo.ts): mutated cases and shrinking repeat prefixes of corpus cases.
   */
  private memo: TsStateMemo | null = null;

  /** Finds the in-process TS implementation running the real STF (loading a lazy one to look). */
  private async findTsImplementation(): Promise<void> {
    for (const impl of this.opts.impls) {
      // (an adapter that fails to load is not the TS one; its first call reports the failure as before)
      const adapter = (await impl.adapter?.().catch(() => null)) ?? impl;
      if (adapter instanceof InProcessTsImplementation && adapter.stf === tsStf) {
        this.tsImpl = impl;
        this.memo = new TsStateMemo(tsStf, this.opts.profile === 'small' ? 2048 : 64);
        adapter.useMemo(this.memo);
        return;
      }
    }
  }

  /** A case, and for a generated one the TS implementation's run recorded while building it. */
  private build(d: Drawn['kind'], plan: CasePlan | MutationPlan): { c: Case; recorded: RecordedRun | null } {
    if (d === 'mut') return { c: mutateCase(this.corpus, plan as MutationPlan), recorded: null };
    if (!this.tsImpl) return { c: this.builder.build(plan as CasePlan), recorded: null };
    const { case: c, view } = this.builder.buildWithView(plan as CasePlan, undefined, this.memo);
    return { c, recorded: view.recordedFor(this.tsImpl, c.checkpoints.length) };
  }

  private account(r: CaseResult) {
    this.stats.execs++;
    this.stats.checkpoints += r.checkpointsRun;
    this.opts.impls.forEach((impl, k) => (this.stats.implMs[impl.name] += r.implMs[k]));
    this.stats.compareMs += r.compareMs;
  }

  async run(): Promise<EngineStats> {
    const o = this.opts;
    const started = performance.now();
    const deadline = Math.min(o.deadline ?? Infinity, o.durationMs !== undefined ? Date.now() + o.durationMs : Infinity);
    const mrng = new fc.Random(xoroshiro128plus(mix(o.seed, o.worker ?? 0)));
    const mutationRate = o.mutationRate ?? 0.3;
    let lastProgress = started;
    await this.findTsImplementation();
    await this.coverage?.start();
    for (let it = 0; !this.stopped; it++) {
      if (o.runs !== undefined && it >= o.runs) break;
      if (Date.now() >= deadline) break;

      // Coverage counts from before the build: the builder's chain view is the TS implementation's run.
      await this.coverage?.reset();
      const t0 = performance.now();
      // fast-check's runner varies bias over a run too: strong bias finds edges, none finds the rest.
      const bias = [2, 4, 8, undefined][it % 4];
      const useMutation = this.corpus.length > 0 && mrng.nextInt(0, 999) < mutationRate * 1000;
      const drawn: Drawn = useMutation ? { kind: 'mut', value: mutationPlanArb.generate(mrng, bias) } : { kind: 'gen', value: this.genArb.generate(mrng, bias) };
      const { c, recorded } = this.build(drawn.kind, drawn.value.value);
      this.stats.genMs += performance.now() - t0 - (recorded ? recorded.genesisMs + recorded.results.reduce((n, x) => n + x.elapsedMs, 0) : 0);

      const r = await this.oracle.run(c, recorded);
      const newBlocks = (await this.coverage?.novel()) ?? false;
      this.stats.coverageBlocks = this.coverage?.blocks ?? 0;
      this.stats.cases++;
      this.account(r);
      for (const out of r.outcomes) {
        const key = out === null ? 'none' : out.status === 'accepted' ? 'accepted' : out.code;
        this.stats.outcomes[key] = (this.stats.outcomes[key] ?? 0) + 1;
      }
      let joined = false;
      if (r.finding) {
        const signature = findingSignature(r.finding);
        if (!this.seen.has(signature)) {
          this.seen.add(signature);
          this.stats.findings++;
          const found = await this.shrink(drawn, c, r, signature);
          o.onFinding?.({ ...found, signature, originalCheckpoints: r.checkpointsRun, iteration: it, worker: o.worker ?? 0, execsToFind: it + 1, msToFind: t0 - started + (performance.now() - t0) - found.shrinkMs });
          if (o.stopOnFinding) break;
        }
      } else {
        const features = this.newFeatures(c, r);
        if (newBlocks && features.length === 0) features.push('coverage');
        if (features.length > 0 && this.corpus.length < (o.maxCorpus ?? 2000)) {
          this.corpus.push(c);
          this.stats.corpusSize = this.corpus.length;
          joined = true;
          o.onNovel?.(c, features);
        }
      }
      // only corpus cases are mutated later: the states this case reached are worth keeping then
      this.memo?.settle(joined);
      const now = performance.now();
      if (o.onProgress && now - lastProgress >= (o.progressEveryMs ?? 500)) {
        lastProgress = now;
        this.stats.elapsedMs = now - started;
        o.onProgress({ ...this.stats, implMs: { ...this.stats.implMs }, outcomes: { ...this.stats.outcomes } });
      }
    }
    this.stats.elapsedMs = performance.now() - started;
    await this.coverage?.stop();
    return this.stats;
  }

  /**
   * The behaviour this case shows that this worker had not seen (empty: nothing new): an outcome
   * code, a code after an accepted checkpoint, or a tree at or near full.
   */
  private newFeatures(c: Case, r: CaseResult): string[] {
    const heights = TREE_HEIGHTS[c.profile];
    const z = PROFILE_SIZES[c.profile];
    const fresh: string[] = [];
    let prev = 'genesis';
    r.outcomes.forEach((out, i) => {
      const code = out === null ? 'none' : out.status === 'accepted' ? 'ok' : out.code;
      fresh.push(code, `${prev}>${code}`, `${code}#${Math.min(i, 8)}`);
      if (out?.status === 'accepted') {
        const fill = (name: string, next: bigint, height: number, step: number) => {
          const room = (1n << BigInt(height)) - next;
          if (room === 0n) fresh.push(`${name}:full`);
          else if (room <= BigInt(step)) fresh.push(`${name}:one-batch-left`);
        };
        fill('l1ToL2', out.state[1], heights.l1ToL2, z.l1ToL2MsgsPerCheckpoint);
        fill('noteHash', out.state[3], heights.noteHash, z.maxNoteHashesPerTx);
        fill('nullifier', out.state[5], heights.nullifier, z.maxNullifiersPerTx);
        fill('publicData', out.state[7], heights.publicData, 1);
        fill('archive', out.archive[1], heights.archive, 1);
        fresh.push(`blocks:${out.blockHeaderHashes.length}`);
      }
      prev = code;
    });
    const novel: string[] = [];
    for (const f of fresh) if (!this.features.has(f)) (this.features.add(f), novel.push(f));
    return novel;
  }

  /**
   * Greedy shrinking: take the first smaller plan fast-check proposes that still shows the same
   * finding, repeat until none does or the budget is spent; then drop checkpoints the finding
   * does not need (after it, then one by one before it).
   */
  private async shrink(drawn: Drawn, c: Case, r: CaseResult, signature: string) {
    const t0 = performance.now();
    const budget = this.opts.shrinkBudget ?? 300;
    const until = t0 + (this.opts.shrinkTimeMs ?? 30_000);
    let attempts = 0;
    let best = { c, r };
    const tries = async ({ c: candidate, recorded }: { c: Case; recorded: RecordedRun | null }): Promise<boolean> => {
      attempts++;
      const res = await this.oracle.run(candidate, recorded);
      this.account(res);
      // Same finding, and no later in the sequence than the best so far: never a longer reproducer.
      if (res.finding && findingSignature(res.finding) === signature && res.checkpointsRun <= best.r.checkpointsRun) {
        best = { c: candidate, r: res };
        return true;
      }
      return false;
    };

    const arb = (drawn.kind === 'gen' ? this.genArb : mutationPlanArb) as fc.Arbitrary<CasePlan | MutationPlan>;
    let value: fc.Value<CasePlan | MutationPlan> = drawn.value;
    outer: while (attempts < budget) {
      for (const candidate of arb.shrink(value.value, value.context)) {
        if (attempts >= budget || performance.now() > until) break outer;
        if (await tries(this.build(drawn.kind, candidate.value))) {
          value = candidate;
          continue outer;
        }
      }
      break;
    }

    // Case-level pass: the checkpoints after the divergent one never matter.
    const cut = (x: Case, n: number): Case => ({ ...x, checkpoints: x.checkpoints.slice(0, n) });
    // (A case keeps one checkpoint even when the finding is at restore, before any: the format needs one.)
    const keep = Math.max(1, best.r.checkpointsRun);
    if (best.c.checkpoints.length > keep) best = { c: cut(best.c, keep), r: best.r };
    // Then each earlier checkpoint, once; this pass has its own small budget (one try each).
    for (let i = best.c.checkpoints.length - 2; i >= 0 && performance.now() <= until; i--) {
      if (i >= best.c.checkpoints.length - 1) continue;
      await tries({ c: { ...best.c, checkpoints: best.c.checkpoints.filter((_, k) => k !== i) }, recorded: null });
    }
    const shrinkMs = performance.now() - t0;
    this.stats.shrinkMs += shrinkMs;
    // Where a root divergence starts (first tx, tree, leaf), on the shrunk reproducer.
    const finding = await this.oracle.localize(best.c, best.r.finding!);
    return { finding, reproducer: best.c, outcomes: best.r.outcomes, shrinkAttempts: attempts, shrinkMs };
  }

  async close(): Promise<void> {
    await this.oracle.close();
  }
}
