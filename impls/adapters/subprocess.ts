// Adapter: an implementation running as a separate program (impls/PROTOCOL.md). The process is
// isolated: if it dies, hangs or answers garbage, the call becomes a typed result (crash, timeout,
// protocol-error) and the process is killed; the host carries on.

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { decodeOutcome, DecodeError } from '../../core/codec.js';
import { frToBytes } from '../../core/schema.js';
import type { CallResult, GenesisParams, Implementation } from '../implementation.js';
import { encodeFrame, FrameReader } from './framing.js';

export interface SubprocessOptions {
  /** Time limit of one call, in milliseconds. */
  timeoutMs?: number;
  /**
   * Extra time the first call after a (re)start may take, for the program to load (an
   * interpreter, a native library): start-up is not the implementation's answer time, and on a
   * busy machine it is many times its idle duration. Default 60 s.
   */
  startupMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

type Reply = { ok: true; [k: string]: unknown } | { ok: false; error: string };
type Failure = Exclude<CallResult, { kind: 'outcome' }>;

const STDERR_TAIL = 4096;

export class SubprocessImplementation implements Implementation {
  private proc: ChildProcessWithoutNullStreams | null = null;
  private reader = new FrameReader();
  private waiting: ((r: { reply: Reply } | Failure) => void) | null = null;
  private stderrTail = '';
  /** Why the process is unusable until the next genesis/restore, if it is. */
  private broken: Failure | null = null;
  private readonly timeoutMs: number;
  private readonly startupMs: number;
  /** The next call is the first since the process started: it gets the start-up allowance. */
  private justStarted = false;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[] = [],
    private readonly opts: SubprocessOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.startupMs = opts.startupMs ?? 60_000;
  }

  /** The running process's id (benchmarks read its CPU time from /proc), if one is running. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  private start(): void {
    this.kill();
    this.reader = new FrameReader();
    this.stderrTail = '';
    this.broken = null;
    const proc = spawn(this.command, this.args, { cwd: this.opts.cwd, env: this.opts.env ?? process.env, stdio: 'pipe' });
    this.proc = proc;
    this.justStarted = true;
    proc.stdout.on('data', (chunk: Buffer) => {
      if (proc !== this.proc) return;
      let frame: unknown;
      try {
        this.reader.push(chunk);
        frame = this.reader.next();
      } catch (err) {
        this.settle({ kind: 'protocol-error', message: (err as Error).message, elapsedMs: 0 });
        return;
      }
      if (frame === undefined) return;
      if (!isReply(frame)) {
        this.settle({ kind: 'protocol-error', message: 'reply is not a map with a boolean "ok"', elapsedMs: 0 });
        return;
      }
      this.settle({ reply: frame });
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    const onGone = (why: string) => {
      if (proc !== this.proc) return;
      this.proc = null;
      this.settle({ kind: 'crash', message: `${this.name}: ${why}${this.stderrTail ? `; stderr: ${this.stderrTail.trim()}` : ''}`, elapsedMs: 0 });
    };
    proc.on('exit', (code, signal) => onGone(signal ? `killed by ${signal}` : `exited with code ${code}`));
    proc.on('error', (err) => onGone(`could not run '${this.command}': ${err.message}`));
    proc.stdin.on('error', () => {}); // EPIPE after the child died; reported through 'exit'.
  }

  private settle(r: { reply: Reply } | Failure): void {
    const w = this.waiting;
    this.waiting = null;
    if (!('reply' in r)) {
      this.broken ??= r;
      this.kill();
    }
    w?.(r);
  }

  private kill(): void {
    const p = this.proc;
    this.proc = null;
    if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }

  /** One request/reply round trip under the time limit. */
  private call(request: Record<string, unknown>): Promise<{ reply: Reply; elapsedMs: number } | Failure> {
    if (this.broken) return Promise.resolve(this.broken);
    if (!this.proc) this.start();
    const t0 = performance.now();
    const limitMs = this.timeoutMs + (this.justStarted ? this.startupMs : 0);
    this.justStarted = false;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.settle({ kind: 'timeout', limitMs, elapsedMs: performance.now() - t0 });
      }, limitMs);
      this.waiting = (r) => {
        clearTimeout(timer);
        const elapsedMs = performance.now() - t0;
        resolve('reply' in r ? { reply: r.reply, elapsedMs } : { ...r, elapsedMs });
      };
      this.proc!.stdin.write(encodeFrame(request));
    });
  }

  private async simple(request: Record<string, unknown>): Promise<Failure | { kind: 'ok'; elapsedMs: number }> {
    const r = await this.call(request);
    if (!('reply' in r)) return r;
    if (!r.reply.ok) return { kind: 'protocol-error', message: `${request.op}: ${r.reply.error}`, elapsedMs: r.elapsedMs };
    return { kind: 'ok', elapsedMs: r.elapsedMs };
  }

  async genesis(p: GenesisParams) {
    // The process is reused while healthy (genesis resets its state, PROTOCOL.md): starting a
    // program per case would cost more than the case. After a failure it is replaced.
    if (!this.proc || this.broken) this.start();
    return this.simple({ op: 'genesis', profile: p.profile, chainId: frToBytes(p.chainId), version: frToBytes(p.version) });
  }

  async restore(state: Uint8Array) {
    if (!this.proc || this.broken) this.start();
    return this.simple({ op: 'restore', state });
  }

  async apply(checkpoint: Uint8Array): Promise<CallResult> {
    const r = await this.call({ op: 'apply', checkpoint });
    if (!('reply' in r)) return r;
    const { reply, elapsedMs } = r;
    if (!reply.ok) return { kind: 'protocol-error', message: `apply: ${reply.error}`, elapsedMs };
    if (!(reply.outcome instanceof Uint8Array)) return { kind: 'protocol-error', message: 'apply reply has no binary "outcome"', elapsedMs };
    try {
      return { kind: 'outcome', outcome: decodeOutcome(reply.outcome), elapsedMs };
    } catch (err) {
      if (err instanceof DecodeError) return { kind: 'protocol-error', message: err.message, elapsedMs };
      throw err;
    }
  }

  async snapshot(): Promise<Uint8Array | CallResult> {
    const r = await this.call({ op: 'snapshot' });
    if (!('reply' in r)) return r;
    if (!r.reply.ok) return { kind: 'protocol-error', message: `snapshot: ${r.reply.error}`, elapsedMs: r.elapsedMs };
    if (!(r.reply.state instanceof Uint8Array)) return { kind: 'protocol-error', message: 'snapshot reply has no binary "state"', elapsedMs: r.elapsedMs };
    return r.reply.state;
  }

  async close(): Promise<void> {
    this.kill();
  }
}

function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && typeof (x as { ok?: unknown }).ok === 'boolean';
}
