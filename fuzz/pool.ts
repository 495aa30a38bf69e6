// A fuzz run across workers: one FuzzEngine per worker thread (or in this thread for one worker),
// each on its own stream (seed, worker index) and its share of the runs, all until the same
// deadline. The main thread merges progress, deduplicates findings across workers by signature,
// and hands new corpus cases and findings to the caller as they arrive.

import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../core/worker.js';
import type { Case } from '../corpus/case.js';
import { makeImplementations } from '../cli/implementations.js';
import { FuzzEngine, type EngineFinding, type EngineOptions, type EngineStats } from './engine.js';

export interface FuzzRunOptions {
  profile: 'aztec' | 'small';
  impls: string;
  seed: bigint;
  workers: number;
  /** Total cases over all workers (undefined: until the deadline). */
  runs?: number;
  deadline?: number;
  timeoutMs: number;
  corpus: Case[];
  shrinkBudget?: number;
  stopOnFinding?: boolean;
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
  timeoutMs: number;
  corpus: Case[];
  shrinkBudget?: number;
  stopOnFinding?: boolean;
}

export type WorkerMessage =
  | { type: 'progress'; stats: EngineStats }
  | { type: 'done'; stats: EngineStats }
  | { type: 'novel'; case: Case }
  | { type: 'finding'; finding: EngineFinding }
  | { type: 'error'; message: string };

/** The engine for one worker's task (in a worker thread or, for one worker, in this one). */
export function engineFor(task: WorkerTask, hooks: Pick<EngineOptions, 'onProgress' | 'onNovel' | 'onFinding'>): FuzzEngine {
  return new FuzzEngine({
    profile: task.profile, seed: task.seed, worker: task.worker, runs: task.runs, deadline: task.deadline,
    impls: makeImplementations(task.impls, task.timeoutMs, task.profile), corpus: task.corpus, shrinkBudget: task.shrinkBudget,
    stopOnFinding: task.stopOnFinding, progressEveryMs: 250, ...hooks,
  });
}

export function sumStats(all: EngineStats[]): EngineStats {
  const total: EngineStats = { worker: -1, cases: 0, execs: 0, checkpoints: 0, findings: 0, corpusSize: 0, genMs: 0, implMs: {}, compareMs: 0, shrinkMs: 0, elapsedMs: 0 };
  for (const s of all) {
    total.cases += s.cases;
    total.execs += s.execs;
    total.checkpoints += s.checkpoints;
    total.corpusSize += s.corpusSize;
    total.genMs += s.genMs;
    total.compareMs += s.compareMs;
    total.shrinkMs += s.shrinkMs;
    total.elapsedMs = Math.max(total.elapsedMs, s.elapsedMs);
    for (const [k, v] of Object.entries(s.implMs)) total.implMs[k] = (total.implMs[k] ?? 0) + v;
  }
  return total;
}

/** Splits `runs` as evenly as possible, the remainder to the first workers. */
export function shareOf(runs: number | undefined, workers: number, w: number): number | undefined {
  if (runs === undefined) return undefined;
  return Math.floor(runs / workers) + (w < runs % workers ? 1 : 0);
}

export class FuzzRun {
  private readonly workers: Worker[] = [];
  private engine: FuzzEngine | null = null;
  private readonly seen = new Set<string>();
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
    const stats: EngineStats[] = Array.from({ length: o.workers }, (_, w) => ({ worker: w, cases: 0, execs: 0, checkpoints: 0, findings: 0, corpusSize: o.corpus.length, genMs: 0, implMs: {}, compareMs: 0, shrinkMs: 0, elapsedMs: 0 }));
    const progress = () => o.onProgress?.(sumStats(stats), stats);
    const taskFor = (w: number): WorkerTask => ({ profile: o.profile, impls: o.impls, seed: o.seed, worker: w, runs: shareOf(o.runs, o.workers, w), deadline: o.deadline, timeoutMs: o.timeoutMs, corpus: o.corpus, shrinkBudget: o.shrinkBudget, stopOnFinding: o.stopOnFinding });

    if (o.workers === 1) {
      this.engine = engineFor(taskFor(0), {
        onProgress: (s) => ((stats[0] = s), progress()),
        onNovel: o.onNovel,
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
            else if (m.type === 'novel') o.onNovel?.(m.case);
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
