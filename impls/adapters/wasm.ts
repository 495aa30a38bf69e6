// Adapter: an STF shipped as a WebAssembly component (the WIT world in wit/stf.wit), transpiled by
// jco and run in a worker thread. A trap or an out-of-memory inside the component is a `crash`,
// an endless loop a `timeout` (the worker is terminated); the host and other implementations go on.

import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { decodeOutcome, DecodeError } from '../../core/codec.js';
import { startModuleWorker } from '../../core/worker.js';
import { frToBytes } from '../../core/schema.js';
import type { CallResult, GenesisParams, Implementation } from '../implementation.js';
import { type CallFailure, WorkerCalls } from './worker-calls.js';

export interface WasmOptions {
  timeoutMs?: number;
}

type Reply = { ok: true; value: unknown } | { ok: false; error: string; trap: boolean };


/** File URL of the module; a `?query` suffix is kept (tests use it to pick a fixture's behaviour). */
function moduleUrl(path: string): string {
  const [file, query] = path.split('?');
  return pathToFileURL(file).href + (query ? `?${query}` : '');
}

export class WasmImplementation implements Implementation {
  private readonly worker: WorkerCalls<Reply>;
  /** The first failure of the current instance: every call gets it until genesis/restore replaces it. */
  private broken: CallFailure | null = null;
  private readonly timeoutMs: number;

  /** `modulePath`: the jco-transpiled module (e.g. dist/rust-wasm/stf.js). */
  constructor(
    readonly name: string,
    private readonly modulePath: string,
    opts: WasmOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    if (!existsSync(modulePath.split('?')[0])) throw new Error(`${name}: ${modulePath} is missing; run \`npm run build\` to transpile the component`);
    this.worker = new WorkerCalls<Reply>({
      label: name,
      spawn: () => startModuleWorker(import.meta.url, 'wasm-worker', { modulePath: moduleUrl(this.modulePath) }),
      startProblem: 'cannot instantiate the component',
      onFail: (f) => void (this.broken ??= f),
    });
  }

  private start(): void {
    this.broken = null;
    this.worker.start();
  }

  private async call(op: string, args: unknown[]): Promise<{ value: unknown; elapsedMs: number } | CallFailure | { error: string; elapsedMs: number }> {
    if (this.broken) return this.broken;
    const r = await this.worker.call(op, args, this.timeoutMs);
    if ('kind' in r) return this.broken ?? r;
    const { reply, elapsedMs } = r;
    if (reply.ok) return { value: reply.value, elapsedMs };
    if (reply.trap) {
      // A trapped instance is not safe to call again: it is replaced at the next genesis/restore.
      this.worker.fail({ kind: 'crash', message: `${this.name}: trap: ${reply.error}`, elapsedMs });
      return this.broken!;
    }
    return { error: reply.error, elapsedMs };
  }

  async genesis(p: GenesisParams) {
    // The component resets its chain on genesis/restore; only a failed instance is replaced
    // (starting a worker and compiling the module costs a few hundred ms).
    if (this.broken || !this.worker.running) this.start();
    const r = await this.call('genesis', [p.profile, frToBytes(p.chainId), frToBytes(p.version)]);
    if ('kind' in r) return r;
    if ('error' in r) return { kind: 'protocol-error' as const, message: `genesis: ${r.error}`, elapsedMs: r.elapsedMs };
    return { kind: 'ok' as const, elapsedMs: r.elapsedMs };
  }

  async restore(state: Uint8Array) {
    if (this.broken || !this.worker.running) this.start();
    const r = await this.call('restore', [state]);
    if ('kind' in r) return r;
    if ('error' in r) return { kind: 'protocol-error' as const, message: `restore: ${r.error}`, elapsedMs: r.elapsedMs };
    return { kind: 'ok' as const, elapsedMs: r.elapsedMs };
  }

  async apply(checkpoint: Uint8Array): Promise<CallResult> {
    const r = await this.call('apply', [checkpoint]);
    if ('kind' in r) return r;
    if ('error' in r) return { kind: 'protocol-error', message: `apply: ${r.error}`, elapsedMs: r.elapsedMs };
    if (!(r.value instanceof Uint8Array)) return { kind: 'protocol-error', message: 'apply returned no bytes', elapsedMs: r.elapsedMs };
    try {
      return { kind: 'outcome', outcome: decodeOutcome(r.value), elapsedMs: r.elapsedMs };
    } catch (err) {
      if (err instanceof DecodeError) return { kind: 'protocol-error', message: err.message, elapsedMs: r.elapsedMs };
      throw err;
    }
  }

  async snapshot(): Promise<Uint8Array | CallResult> {
    const r = await this.call('snapshot', []);
    if ('kind' in r) return r;
    if ('error' in r) return { kind: 'protocol-error', message: `snapshot: ${r.error}`, elapsedMs: r.elapsedMs };
    return r.value as Uint8Array;
  }

  /** Benchmark hook: many Poseidon2 hashes in one call (only components built with the bench world). */
  async poseidon2HashMany(inputs: Uint8Array, arity: number): Promise<Uint8Array> {
    const r = await this.call('poseidon2HashMany', [inputs, arity]);
    if ('kind' in r) throw new Error(`${this.name}: ${r.kind}`);
    if ('error' in r) throw new Error(r.error);
    return r.value as Uint8Array;
  }

  async close(): Promise<void> {
    await this.worker.stop();
  }
}
