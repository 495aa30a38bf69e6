// An in-process implementation (ts, noir) run in a worker thread with a time limit per call: the
// watchtower's implementations all get one (rust runs in its own worker, cmd: in a subprocess,
// both with their adapters' limits). On overrun the worker is terminated and the call is a
// `timeout` outcome; the next call starts a fresh worker (the judge restores the pre-state before
// every checkpoint, and the last genesis is replayed first).

import { startModuleWorker } from '../core/worker.js';
import { type CallFailure, WorkerCalls } from '../impls/adapters/worker-calls.js';
import type { CallResult, GenesisParams, Implementation, OutcomeCoverage } from '../impls/implementation.js';

export class ThreadedImplementation implements Implementation {
  private readonly worker: WorkerCalls<{ value?: unknown; error?: string }>;
  private lastGenesis: GenesisParams | null = null;

  constructor(
    readonly name: 'ts' | 'noir',
    readonly timeoutMs: number,
    readonly coverage?: OutcomeCoverage,
  ) {
    this.worker = new WorkerCalls({ label: name, spawn: () => startModuleWorker(import.meta.url, 'impl-worker', { name }), startProblem: 'worker did not start' });
  }

  private async call(op: string, args: unknown[]): Promise<{ value: unknown } | CallFailure> {
    if (!this.worker.running) {
      // a fresh worker (the first, or after a timeout or crash) replays the last genesis first
      this.worker.start();
      if (this.lastGenesis && op !== 'genesis') {
        const g = await this.call('genesis', [this.lastGenesis]);
        if ('kind' in g) return g;
      }
    }
    const r = await this.worker.call(op, args, this.timeoutMs);
    if ('kind' in r) return r;
    if (r.reply.error !== undefined) return { kind: 'crash', message: `${this.name}: ${r.reply.error.slice(0, 500)}`, elapsedMs: r.elapsedMs };
    return { value: r.reply.value };
  }

  async genesis(p: GenesisParams) {
    this.lastGenesis = p;
    const r = await this.call('genesis', [p]);
    return 'kind' in r ? r : (r.value as CallResult | { kind: 'ok'; elapsedMs: number });
  }

  async restore(state: Uint8Array) {
    const r = await this.call('restore', [state]);
    return 'kind' in r ? r : (r.value as CallResult | { kind: 'ok'; elapsedMs: number });
  }

  async apply(checkpoint: Uint8Array): Promise<CallResult> {
    const r = await this.call('apply', [checkpoint]);
    return 'kind' in r ? r : (r.value as CallResult);
  }

  async snapshot(): Promise<Uint8Array | CallResult> {
    const r = await this.call('snapshot', []);
    return 'kind' in r ? r : (r.value as Uint8Array | CallResult);
  }

  async close(): Promise<void> {
    await this.worker.stop();
  }
}
