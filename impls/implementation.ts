// The one interface through which difftower runs any STF implementation: ours (TypeScript in
// process, Rust as a WebAssembly component) or a client team's (a subprocess speaking the framed
// msgpack protocol of impls/PROTOCOL.md). Inputs and outputs are canonical msgpack bytes (spec §8),
// so every implementation decodes for itself and nothing is shared between them.

import type { Outcome } from '../core/schema.js';

export type Profile = 'aztec' | 'small';

export interface GenesisParams {
  profile: Profile;
  chainId: bigint;
  version: bigint;
}

/**
 * What one call produced. `outcome` is the implementation's answer (accepted or rejected, spec
 * §4.4). The other kinds are the implementation failing to answer: it crashed (trap, panic, exit,
 * out of memory), overran its time limit, or broke the protocol. Those are findings about that
 * implementation, never exceptions in the host.
 */
export type CallResult =
  | { kind: 'outcome'; outcome: Outcome; elapsedMs: number }
  | { kind: 'crash'; message: string; elapsedMs: number }
  | { kind: 'timeout'; limitMs: number; elapsedMs: number }
  | { kind: 'protocol-error'; message: string; elapsedMs: number };

/**
 * Which parts of an outcome an implementation stands behind. A proving implementation, for one,
 * knows only "valid with this post-state" or "unsatisfiable": it has no error codes, and its
 * statement (spec §9) carries roots, not header hashes or blob fields. The oracle compares only
 * what both sides cover. Absent means everything.
 */
export interface OutcomeCoverage {
  errorCode: boolean;
  blockHeaderHashes: boolean;
  blobFields: boolean;
  /**
   * false: a *trusting* implementation (spec §10). Like a production node behind the circuits, it
   * has no validity rules and applies whatever it is given. It is handed only checkpoints that the
   * implementations with validity rules accept, and compared on those in full; a rejection, crash
   * or timeout there is a finding. Absent means true.
   */
  validityRules?: boolean;
}

export const FULL_COVERAGE: OutcomeCoverage = { errorCode: true, blockHeaderHashes: true, blobFields: true };

/** A trusting implementation: no validity rules (spec §10). */
export const isTrusting = (impl: Pick<Implementation, 'coverage'>): boolean => impl.coverage?.validityRules === false;

export interface Implementation {
  readonly name: string;
  readonly coverage?: OutcomeCoverage;
  /** Runs on the caller's thread: the oracle starts the others first so they overlap with it. */
  readonly inProcess?: boolean;
  /** Resets the implementation to the genesis state of a chain. */
  genesis(params: GenesisParams): Promise<CallResult | { kind: 'ok'; elapsedMs: number }>;
  /** Applies one checkpoint (canonical msgpack) to the current state. */
  apply(checkpoint: Uint8Array): Promise<CallResult>;
  /** The current state as a canonical state file (spec §8). */
  snapshot(): Promise<Uint8Array | CallResult>;
  /** Replaces the current state with a canonical state file. */
  restore(state: Uint8Array): Promise<CallResult | { kind: 'ok'; elapsedMs: number }>;
  close(): Promise<void>;
  /**
   * For a wrapper that loads its adapter on first use (impls/registry.ts): the adapter, loaded.
   * Callers that treat a particular adapter specially (the fuzz engine and the in-process TS
   * implementation) look through the wrapper with it.
   */
  adapter?(): Promise<Implementation>;
}
