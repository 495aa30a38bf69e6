// Adapter: the TypeScript STF, called in process. Bytes are decoded through difftower's schemas
// (a decode failure is the spec's E_MALFORMED_INPUT outcome), then handed to impls/ts.

import { DecodeError, decodeChainState, decodeCheckpoint, encodeChainState } from '../../core/codec.js';
import type { Outcome } from '../../core/schema.js';
import * as tsStf from '../ts/src/index.js';
import type { Outcome as TsOutcome } from '../ts/src/index.js';
import type { CallResult, GenesisParams, Implementation } from '../implementation.js';
import { genesisTrail, nextTrail, restoreTrail, type Trail, type TsStateMemo } from './ts-state-memo.js';

export function toCanonicalOutcome(o: TsOutcome): Outcome {
  if (o.status === 'rejected') return { v: 1, status: 'rejected', code: o.code, message: o.message };
  const s = o.state;
  return {
    v: 1,
    status: 'accepted',
    state: [
      s.l1ToL2.root, BigInt(s.l1ToL2.nextIndex), s.noteHash.root, BigInt(s.noteHash.nextIndex),
      s.nullifier.root, BigInt(s.nullifier.nextIndex), s.publicData.root, BigInt(s.publicData.nextIndex),
    ],
    archive: [o.archive.root, BigInt(o.archive.nextIndex)],
    blockHeaderHashes: o.blockHeaderHashes,
    blobFields: o.blobFields,
  };
}

/** The TypeScript STF's module surface; tests pass a deliberately faulty copy (fuzz/test/mutants.ts). */
export type TsStfModule = Pick<typeof tsStf, 'ChainState' | 'fromStateFile' | 'toStateFile'>;

/**
 * One checkpoint's bytes through the TypeScript STF, as this adapter answers them: decoded through
 * the schemas (a decode failure is E_MALFORMED_INPUT), applied, any other exception a crash. The
 * fuzz builder's chain view calls it too, so its run *is* this implementation's run.
 */
export function applyCheckpointBytes(state: tsStf.ChainState, checkpoint: Uint8Array): CallResult {
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  try {
    let outcome: Outcome;
    try {
      outcome = toCanonicalOutcome(state.apply(decodeCheckpoint(checkpoint)));
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      outcome = { v: 1, status: 'rejected', code: 'E_MALFORMED_INPUT', message: err.message };
    }
    return { kind: 'outcome', outcome, elapsedMs: elapsed() };
  } catch (err) {
    // An untyped exception inside the implementation is a crash of that implementation.
    return { kind: 'crash', message: String((err as Error)?.stack ?? err), elapsedMs: elapsed() };
  }
}

/**
 * The TS STF run the way this adapter runs it, synchronously: the state, and with a memo (fuzzing)
 * the trail that reached it, so that a state reached the same way before is copied instead of
 * computed again (ts-state-memo.ts). The fuzz builder's chain view runs one too.
 */
export class TsRun {
  state: tsStf.ChainState | null = null;
  private trail: Trail | null = null;
  /** The memo's copy of the current state, if it holds one (a rejected checkpoint changes nothing). */
  private stored: tsStf.ChainState | null = null;

  constructor(
    readonly stf: TsStfModule = tsStf,
    public memo: TsStateMemo | null = null,
  ) {}

  private usableMemo(): TsStateMemo | null {
    return this.memo && this.memo.stf === this.stf ? this.memo : null;
  }

  genesis(p: GenesisParams): void {
    this.state = this.stf.ChainState.genesis(p.profile, { chainId: p.chainId, version: p.version });
    this.trail = this.usableMemo() ? genesisTrail(p) : null;
    this.stored = null;
  }

  /** Restores a state file's bytes; throws the decoder's or the STF's error for one it refuses. */
  restore(bytes: Uint8Array): void {
    const memo = this.usableMemo();
    const trail = memo ? restoreTrail(bytes) : null;
    this.state = this.trail = this.stored = null;
    const hit = trail !== null ? memo!.get(trail) : undefined;
    if (hit) {
      this.state = hit.state.clone();
      this.stored = hit.state;
    } else {
      this.state = this.stf.fromStateFile(decodeChainState(bytes));
      if (trail !== null) memo!.set(trail, { state: (this.stored = this.state.clone()) });
    }
    this.trail = trail;
  }

  /** One checkpoint's bytes (after genesis or restore). */
  apply(bytes: Uint8Array): CallResult {
    if (!this.state) return { kind: 'protocol-error', message: 'apply before genesis or restore', elapsedMs: 0 };
    const memo = this.usableMemo();
    if (!memo || this.trail === null) return applyCheckpointBytes(this.state, bytes);
    const t0 = performance.now();
    const trail = nextTrail(this.trail, bytes);
    const hit = memo.get(trail);
    if (hit?.result) {
      this.state = hit.state.clone();
      this.stored = hit.state;
      this.trail = trail;
      return { ...hit.result, elapsedMs: performance.now() - t0 };
    }
    const result = applyCheckpointBytes(this.state, bytes);
    if (result.kind !== 'outcome') {
      // after a crash the state is unknown: nothing more is recorded for this run
      this.trail = this.stored = null;
      return result;
    }
    if (result.outcome.status === 'accepted' || !this.stored) this.stored = this.state.clone();
    memo.set(trail, { state: this.stored, result });
    this.trail = trail;
    return result;
  }
}

export class InProcessTsImplementation implements Implementation {
  readonly inProcess = true;
  private readonly run: TsRun;

  constructor(
    readonly name = 'ts',
    /** The STF module this adapter runs (the real one unless a test passes a mutant). */
    readonly stf: TsStfModule = tsStf,
  ) {
    this.run = new TsRun(stf);
  }

  /** States remembered across runs (the fuzz engine's; see ts-state-memo.ts), or null for none. */
  useMemo(memo: TsStateMemo | null): void {
    this.run.memo = memo;
  }

  async genesis(p: GenesisParams) {
    const t0 = performance.now();
    this.run.genesis(p);
    return { kind: 'ok' as const, elapsedMs: performance.now() - t0 };
  }

  async apply(checkpoint: Uint8Array): Promise<CallResult> {
    return this.run.apply(checkpoint);
  }

  async snapshot(): Promise<Uint8Array | CallResult> {
    if (!this.run.state) return { kind: 'protocol-error', message: 'snapshot before genesis or restore', elapsedMs: 0 };
    return encodeChainState(this.stf.toStateFile(this.run.state));
  }

  async restore(state: Uint8Array) {
    const t0 = performance.now();
    try {
      this.run.restore(state);
      return { kind: 'ok' as const, elapsedMs: performance.now() - t0 };
    } catch (err) {
      return { kind: 'protocol-error' as const, message: `restore: ${(err as Error).message}`, elapsedMs: performance.now() - t0 };
    }
  }

  async close(): Promise<void> {
    this.run.state = null;
  }
}
