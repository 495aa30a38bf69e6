// An in-process implementation (ts, noir) run in a worker thread with a time limit per call: the
// watchtower's implementations all get one (rust runs in its own worker, cmd: in a subprocess,
// both with their adapters' limits). On overrun the worker is terminated and the call is a
// `timeout` outcome; the next call starts a fresh worker (the judge restores the pre-state before
// every checkpoint, and the last genesis is replayed first).

import { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../core/worker.js';
import type { CallResult, GenesisParams, Implementation, OutcomeCoverage } from '../impls/implementation.js';

type Failure = Exclude<CallResult, { kind: 'outcome' }>;

export class ThreadedImplementation implements Implementation {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (r: { value?: unknown; error?: string } | Failure) => void>();
  private lastGenesis: GenesisParams | null = null;

  constructor(
    readonly name: 'ts' | 'noir',
    readonly timeoutMs: number,
    readonly coverage?: OutcomeCoverage,
  ) {}

  private start(): void {
    const worker = startModuleWorker(import.meta.url, 'impl-worker', { name: this.name });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', (m: { ready?: boolean }) => (m.ready ? resolve() : reject(new Error('worker did not start'))));
      worker.once('error', reject);
    });
    this.ready.catch(() => {});
    worker.on('message', (m: { id?: number; value?: unknown; error?: string }) => {
      if (m.id === undefined) return;
      const done = this.pending.get(m.id);
      this.pending.delete(m.id);
      done?.(m);
    });
    const gone = (message: string) => {
      if (worker !== this.worker) return;
      this.fail({ kind: 'crash', message: `${this.name}: ${message}`, elapsedMs: 0 });
    };
    worker.on('error', (err) => gone(`worker error: ${err.message}`));
    worker.on('exit', (code) => gone(`worker exited with code ${code}`));
  }

  private fail(f: Failure): void {
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
    for (const done of this.pending.values()) done(f);
    this.pending.clear();
  }

  private async call(op: string, args: unknown[]): Promise<{ value: unknown } | Failure> {
    if (!this.worker) {
      this.start();
      if (this.lastGenesis && op !== 'genesis') {
        const g = await this.call('genesis', [this.lastGenesis]);
        if ('kind' in g) return g;
      }
    }
    const t0 = performance.now();
    try {
      await this.ready;
    } catch (err) {
      this.fail({ kind: 'crash', message: `${this.name}: worker did not start: ${(err as Error).message}`, elapsedMs: 0 });
      return { kind: 'crash', message: `${this.name}: worker did not start: ${(err as Error).message}`, elapsedMs: 0 };
    }
    const id = this.nextId++;
    const reply = await new Promise<{ value?: unknown; error?: string } | Failure>((resolve) => {
      const timer = setTimeout(() => this.fail({ kind: 'timeout', limitMs: this.timeoutMs, elapsedMs: performance.now() - t0 }), this.timeoutMs);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.worker!.postMessage({ id, op, args });
    });
    if ('kind' in reply) return reply;
    if (reply.error !== undefined) return { kind: 'crash', message: `${this.name}: ${reply.error.slice(0, 500)}`, elapsedMs: performance.now() - t0 };
    return { value: reply.value };
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
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }
}
