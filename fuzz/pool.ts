// A fuzz run across workers: one FuzzEngine per worker thread (or in this thread for one worker),
// each on its own stream (seed, worker index) and its share of the runs, all until the same
// deadline. The main thread merges progress, deduplicates findings across workers by signature,
// and is the single judge of novelty: a case a worker found new is passed on (stored) only if it
// shows behaviour no worker's case passed on before, so workers never store each other's finds
// again. It hands those cases and the findings to the caller as they arrive.

import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../core/worker.js';
import type { Case } from '../corpus/case.js';
import { makeImplementations } from '../impls/registry.js';
import { FuzzEngine, type EngineFinding, type EngineOptions, type EngineStats } from './engine.js';

export interface FuzzRunOptions {
  profile: 'aztec' | 'small';
  impls: string;
  seed: bigint;
  workers: number;
  /** Total cases over all workers (undefined: until the deadline). */
  runs?: number;
  deadline?: number;
  /** Per worker: stop this long after its loop starts. */
  durationMs?: number;
  timeoutMs: number;
  corpus: Case[];
  shrinkBudget?: number;
  stopOnFinding?: boolean;
  /** Run even a single worker in a worker thread, keeping this thread free (a cluster worker's
   * Redis lock renewal must not wait behind the in-process implementation). */
  threads?: boolean;
  coverage?: boolean;
  preStates?: boolean;
  onProgress?: (total: EngineStats, perWorker: EngineStats[]) => void;
  onNovel?: (c: Case) => void;
  /** Called once per distinct finding (first worker to report a signature wins). */
  onFinding?: (f: EngineFinding) => void;
}

export interface WorkerTask {
  profile: 'aztec' | 'small';
  impls: string;
  seed: bigint;
  worker: number;
  runs?: number;
  deadline?: number;
  durationMs?: number;
  timeoutMs: number;
  corpus: Case[];
  shrinkBudget?: number;
  stopOnFinding?: boolean;
  coverage?: boolean;
  preStates?: boolean;
}

export type WorkerMessage =
  | { type: 'progress'; stats: EngineStats }
  | { type: 'done'; stats: EngineStats }
  | { type: 'novel'; case: Case; features: string[] }
  | { type: 'finding'; finding: EngineFinding }
  | { type: 'error'; message: string };

/** The engine for one worker's task (in a worker thread or, for one worker, in this one). */
export function engineFor(task: WorkerTask, hooks: Pick<EngineOptions, 'onProgress' | 'onNovel' | 'onFinding'>): FuzzEngine {
  return new FuzzEngine({
    profile: task.profile, seed: task.seed, worker: task.worker, runs: task.runs, deadline: task.deadline, durationMs: task.durationMs,
    impls: makeImplementations(task.impls, task.timeoutMs, task.profile), corpus: task.corpus, shrinkBudget: task.shrinkBudget,
    stopOnFinding: task.stopOnFinding, coverage: task.coverage, preStates: task.preStates, progressEveryMs: 250, ...hooks,
  });
}

export function sumStats(all: EngineStats[]): EngineStats {
  const total: EngineStats = { worker: -1, cases: 0, execs: 0, checkpoints: 0, findings: 0, corpusSize: 0, genMs: 0, implMs: {}, compareMs: 0, shrinkMs: 0, elapsedMs: 0, outcomes: {}, coverageBlocks: 0 };
  for (const s of all) {
    total.cases += s.cases;
    total.execs += s.execs;
    total.checkpoints += s.checkpoints;
    total.corpusSize += s.corpusSize;
    total.genMs += s.genMs;
    total.compareMs += s.compareMs;
    total.shrinkMs += s.shrinkMs;
    total.elapsedMs = Math.max(total.elapsedMs, s.elapsedMs);
    total.coverageBlocks += s.coverageBlocks ?? 0;
    for (const [k, v] of Object.entries(s.implMs)) total.implMs[k] = (total.implMs[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.outcomes ?? {})) total.outcomes[k] = (total.outcomes[k] ?? 0) + v;
  }
  return total;
}

/** Splits `runs` as evenly as possible, the remainder to the first workers. */
export function shareOf(runs: number | undefined, workers: number, w: number): number | undefined {
  if (runs === undefined) return undefined;
  return Math.floor(runs / workers) + (w < runs % workers ? 1 : 0);
}

/**
 * The run-wide novelty judge: a case is new if it shows at least one behaviour (feature) no case
 * accepted before showed. Workers judge against their own history first (that decides what they
 * mutate); the main thread judges again against everyone's, so each behaviour is stored once.
 */
export class NoveltyJudge {
  private readonly features = new Set<string>();

  judge(features: readonly string[]): boolean {
    let novel = false;
    for (const f of features) if (!this.features.has(f)) (this.features.add(f), (novel = true));
    return novel;
  }
}

export class FuzzRun {
  private readonly workers: Worker[] = [];
  private engine: FuzzEngine | null = null;
  private readonly seen = new Set<string>();
  /** Behaviour shown by the cases passed on so far, over all workers (NoveltyJudge). */
  private readonly novelty = new NoveltyJudge();
  private stopped = false;

  constructor(private readonly opts: FuzzRunOptions) {}

  stop(): void {
    this.stopped = true;
    this.engine?.stop();
    for (const w of this.workers) w.postMessage({ type: 'stop' });
  }

  private accept(f: EngineFinding): void {
    if (this.seen.has(f.signature)) return;
    this.seen.add(f.signature);
    this.opts.onFinding?.(f);
    if (this.opts.stopOnFinding) this.stop();
  }

  /** Runs to completion; resolves with the merged statistics and the number of distinct findings. */
  async run(): Promise<{ stats: EngineStats; findings: number }> {
    const o = this.opts;
    const stats: EngineStats[] = Array.from({ length: o.workers }, (_, w) => ({ worker: w, cases: 0, execs: 0, checkpoints: 0, findings: 0, corpusSize: o.corpus.length, genMs: 0, implMs: {}, compareMs: 0, shrinkMs: 0, elapsedMs: 0, outcomes: {}, coverageBlocks: 0 }));
    const progress = () => o.onProgress?.(sumStats(stats), stats);
    const taskFor = (w: number): WorkerTask => ({ profile: o.profile, impls: o.impls, seed: o.seed, worker: w, runs: shareOf(o.runs, o.workers, w), deadline: o.deadline, durationMs: o.durationMs, timeoutMs: o.timeoutMs, corpus: o.corpus, shrinkBudget: o.shrinkBudget, stopOnFinding: o.stopOnFinding, coverage: o.coverage, preStates: o.preStates });

    // Coverage guidance needs a thread where the STF has not run before the profiler starts (V8
    // reports no blocks for code compiled earlier): with it, even one worker gets its own thread.
    if (o.workers === 1 && !o.coverage && !o.threads) {
      this.engine = engineFor(taskFor(0), {
        onProgress: (s) => ((stats[0] = s), progress()),
        onNovel: (c, features) => this.novelty.judge(features) && o.onNovel?.(c),
        onFinding: (f) => this.accept(f),
      });
      try {
        stats[0] = await this.engine.run();
      } finally {
        await this.engine.close();
      }
      return { stats: sumStats(stats), findings: this.seen.size };
    }

    const errors: string[] = [];
    await Promise.all(
      Array.from({ length: o.workers }, (_, w) => {
        const worker = startModuleWorker(import.meta.url, 'worker', taskFor(w));
        this.workers.push(worker);
        if (this.stopped) worker.postMessage({ type: 'stop' });
        return new Promise<void>((resolve) => {
          worker.on('message', (m: WorkerMessage) => {
            if (m.type === 'progress' || m.type === 'done') (stats[w] = m.stats), progress();
            else if (m.type === 'novel' && this.novelty.judge(m.features)) o.onNovel?.(m.case);
            else if (m.type === 'finding') this.accept(m.finding);
            else if (m.type === 'error') errors.push(`worker ${w}: ${m.message}`);
            if (m.type === 'done' || m.type === 'error') void worker.terminate();
          });
          worker.on('error', (err) => errors.push(`worker ${w}: ${err.message}`));
          worker.on('exit', () => resolve());
        });
      }),
    );
    if (errors.length) throw new Error(`fuzz worker failed:\n${errors.join('\n')}`);
    return { stats: sumStats(stats), findings: this.seen.size };
  }
}
