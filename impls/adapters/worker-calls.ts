// Calls into a worker thread with a time limit per call: the request/reply plumbing shared by the
// adapters that run an implementation in a worker (the WebAssembly component, impls/adapters/wasm.ts;
// the watchtower's ts and noir, watch/threaded.ts). A call that overruns its limit terminates the
// worker and is a `timeout`; a worker that dies or throws is a `crash` for every call in flight. What
// a reply means, and when to start a fresh worker, stays with the adapter.

import type { Worker } from 'node:worker_threads';
import type { CallResult } from '../implementation.js';

/** A call that got no reply: the worker crashed, timed out or could not start. */
export type CallFailure = Exclude<CallResult, { kind: 'outcome' }>;

export interface WorkerCallsOptions {
  /** Prefix of failure messages (the implementation's name). */
  label: string;
  /** Starts the worker; it posts `{ ready: true }` once it can take calls. */
  spawn: () => Worker;
  /** What a worker that never became ready is called in the failure message. */
  startProblem: string;
  /** Told of every failure (the adapter may remember the first). */
  onFail?: (f: CallFailure) => void;
}

export class WorkerCalls<Reply extends object> {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply | CallFailure) => void>();

  constructor(private readonly o: WorkerCallsOptions) {}

  get running(): boolean {
    return this.worker !== null;
  }

  /** Starts a fresh worker (terminating the current one, if any). */
  start(): void {
    void this.stop();
    const worker = this.o.spawn();
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', (m: { ready?: boolean }) => (m.ready ? resolve() : reject(new Error('worker did not start'))));
      worker.once('error', reject);
    });
    this.ready.catch(() => {}); // reported through the first call
    worker.on('message', (m: { id?: number } & Reply) => {
      if (m.id === undefined) return;
      const done = this.pending.get(m.id);
      this.pending.delete(m.id);
      done?.(m);
    });
    const gone = (message: string) => {
      if (worker !== this.worker) return;
      this.fail({ kind: 'crash', message: `${this.o.label}: ${message}`, elapsedMs: 0 });
    };
    worker.on('error', (err) => gone(`worker error: ${err.message}`));
    worker.on('exit', (code) => gone(`worker exited with code ${code}`));
  }

  /** Terminates the worker (resolves once it is gone). */
  stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    return w ? w.terminate().then(() => {}) : Promise.resolve();
  }

  /** Ends the worker and answers every call in flight with `f`. */
  fail(f: CallFailure): void {
    this.o.onFail?.(f);
    void this.stop();
    for (const done of this.pending.values()) done(f);
    this.pending.clear();
  }

  /** Sends `{ id, op, args }` and waits for the reply with that id, at most `timeoutMs` once the worker is ready. */
  async call(op: string, args: unknown[], timeoutMs: number): Promise<{ reply: Reply; elapsedMs: number } | CallFailure> {
    if (!this.worker) this.start();
    const worker = this.worker!;
    const t0 = performance.now();
    try {
      await this.ready;
    } catch (err) {
      const f: CallFailure = { kind: 'crash', message: `${this.o.label}: ${this.o.startProblem}: ${(err as Error).message}`, elapsedMs: 0 };
      this.fail(f);
      return f;
    }
    if (this.worker !== worker) return { kind: 'crash', message: `${this.o.label}: the worker stopped before the call`, elapsedMs: 0 };
    const id = this.nextId++;
    const reply = await new Promise<Reply | CallFailure>((resolve) => {
      const timer = setTimeout(() => this.fail({ kind: 'timeout', limitMs: timeoutMs, elapsedMs: performance.now() - t0 }), timeoutMs);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      worker.postMessage({ id, op, args });
    });
    return 'kind' in reply ? (reply as CallFailure) : { reply: reply as Reply, elapsedMs: performance.now() - t0 };
  }
}
