// Adapter: the TypeScript STF, called in process. Bytes are decoded through difftower's schemas
// (a decode failure is the spec's E_MALFORMED_INPUT outcome), then handed to impls/ts.

import { DecodeError, decodeChainState, decodeCheckpoint, encodeChainState } from '../../core/codec.js';
import type { Outcome } from '../../core/schema.js';
import * as tsStf from '../ts/src/index.js';
import type { Outcome as TsOutcome } from '../ts/src/index.js';
import type { CallResult, GenesisParams, Implementation } from '../implementation.js';

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

export class InProcessTsImplementation implements Implementation {
  readonly inProcess = true;
  private state: tsStf.ChainState | null = null;

  constructor(
    readonly name = 'ts',
    /** The STF module this adapter runs (the real one unless a test passes a mutant). */
    readonly stf: TsStfModule = tsStf,
  ) {}

  async genesis(p: GenesisParams) {
    const t0 = performance.now();
    this.state = this.stf.ChainState.genesis(p.profile, { chainId: p.chainId, version: p.version });
    return { kind: 'ok' as const, elapsedMs: performance.now() - t0 };
  }

  async apply(checkpoint: Uint8Array): Promise<CallResult> {
    if (!this.state) return { kind: 'protocol-error', message: 'apply before genesis or restore', elapsedMs: 0 };
    return applyCheckpointBytes(this.state, checkpoint);
  }

  async snapshot(): Promise<Uint8Array | CallResult> {
    if (!this.state) return { kind: 'protocol-error', message: 'snapshot before genesis or restore', elapsedMs: 0 };
    return encodeChainState(this.stf.toStateFile(this.state));
  }

  async restore(state: Uint8Array) {
    const t0 = performance.now();
    try {
      this.state = this.stf.fromStateFile(decodeChainState(state));
      return { kind: 'ok' as const, elapsedMs: performance.now() - t0 };
    } catch (err) {
      return { kind: 'protocol-error' as const, message: `restore: ${(err as Error).message}`, elapsedMs: performance.now() - t0 };
    }
  }

  async close(): Promise<void> {
    this.state = null;
  }
}
