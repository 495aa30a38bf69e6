// The Noir STF behind difftower's Implementation interface: the checkpoint is turned into the
// circuit's statement and hints (witness.ts), the ACVM executes the circuit, and the circuit's
// return values are the outcome. No proof is made here (see prover.ts): execution alone decides.

import { DecodeError, decodeChainState, decodeCheckpoint, encodeChainState } from '../../../core/codec.js';
import type { Checkpoint, Outcome } from '../../../core/schema.js';
import type { CallResult, GenesisParams, Implementation, OutcomeCoverage } from '../../implementation.js';
import { HintError } from './blob.js';
import { execute, loadCircuit, type Circuit } from './circuit.js';
import { ChainModel, StateFileError } from './model.js';
import { P } from './params.js';
import { initPoseidon } from './poseidon.js';
import { witnessForBlob, witnessForBlocks, type LeafChoice, type Witness } from './witness.js';

/** Builds the witness for a decoded checkpoint on a model (the model itself is not changed). */
export function witnessFor(model: ChainModel, cp: Checkpoint, choose?: LeafChoice): Witness {
  return cp.form === 'blocks'
    ? witnessForBlocks(model, cp.header, cp.l1ToL2Messages, cp.blocks.map((b) => ({ blockNumber: b.blockNumber, totalManaUsed: b.totalManaUsed, txs: b.txs })), choose)
    : witnessForBlob(model, cp.header, cp.l1ToL2Messages, cp.blobFields, choose);
}

const rejected = (code: string, message: string): Outcome => ({ v: 1, status: 'rejected', code, message });

export class NoirImplementation implements Implementation {
  readonly name = 'noir';
  /** The circuit proves "valid with this post-state": no error codes, header hashes or blob fields. */
  readonly coverage: OutcomeCoverage = { errorCode: false, blockHeaderHashes: false, blobFields: false };
  private model: ChainModel | null = null;
  private readonly circuit: Circuit;

  constructor(artifactPath?: string) {
    this.circuit = loadCircuit(artifactPath);
  }

  async genesis(p: GenesisParams): Promise<CallResult | { kind: 'ok'; elapsedMs: number }> {
    const t0 = performance.now();
    if (p.profile !== 'small') {
      return { kind: 'protocol-error', message: "the noir implementation proves the 'small' profile only (spec §9)", elapsedMs: 0 };
    }
    try {
      await initPoseidon();
      this.model = ChainModel.genesis(p.chainId, p.version);
      return { kind: 'ok', elapsedMs: performance.now() - t0 };
    } catch (err) {
      return { kind: 'crash', message: String((err as Error)?.stack ?? err), elapsedMs: performance.now() - t0 };
    }
  }

  async apply(bytes: Uint8Array): Promise<CallResult> {
    const t0 = performance.now();
    const elapsed = () => performance.now() - t0;
    const model = this.model;
    if (!model) return { kind: 'protocol-error', message: 'apply before genesis or restore', elapsedMs: 0 };
    try {
      const outcome = await this.run(model, bytes);
      return { kind: 'outcome', outcome, elapsedMs: elapsed() };
    } catch (err) {
      return { kind: 'crash', message: String((err as Error)?.stack ?? err), elapsedMs: elapsed() };
    }
  }

  private async run(model: ChainModel, bytes: Uint8Array): Promise<Outcome> {
    let cp: Checkpoint;
    try {
      cp = decodeCheckpoint(bytes);
    } catch (err) {
      if (err instanceof DecodeError) return rejected('E_MALFORMED_INPUT', err.message);
      throw err;
    }
    if (cp.profile !== 'small') return rejected('E_MALFORMED_INPUT', `checkpoint for profile ${cp.profile}, chain is small`);
    // A value >= p cannot be a field element of the statement (spec §9): no proof can exist.
    // (Found by the fuzzer: it used to reach bb.js's hashing and crash the hint generator.)
    if (hasValueOutsideField(cp)) return rejected('E_UNSATISFIABLE', 'a field element of the input is not below the modulus');
    let w: Witness;
    try {
      w = witnessFor(model, cp);
    } catch (err) {
      if (err instanceof HintError) return rejected('E_UNSATISFIABLE', `no witness: ${err.message}`);
      throw err;
    }
    const r = await execute(this.circuit, w.inputs);
    if (!r.ok) return rejected('E_UNSATISFIABLE', `the circuit is unsatisfiable: ${r.message}`);
    // The circuit's outputs are the answer; the model only made the hints. They must agree, or
    // the next checkpoint's hints would come from a wrong model.
    if (r.outputs.some((v, i) => v !== w.outputs[i])) throw new Error(`hint model and circuit disagree: ${r.outputs} vs ${w.outputs}`);
    this.model = w.post;
    const o = r.outputs;
    return {
      v: 1,
      status: 'accepted',
      state: [o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10]],
      archive: [o[11], o[12]],
      blockHeaderHashes: [],
      blobFields: [],
    };
  }

  async snapshot(): Promise<Uint8Array | CallResult> {
    if (!this.model) return { kind: 'protocol-error', message: 'snapshot before genesis or restore', elapsedMs: 0 };
    return encodeChainState(this.model.toStateFile());
  }

  async restore(state: Uint8Array): Promise<CallResult | { kind: 'ok'; elapsedMs: number }> {
    const t0 = performance.now();
    try {
      await initPoseidon();
      this.model = ChainModel.fromStateFile(decodeChainState(state));
      return { kind: 'ok', elapsedMs: performance.now() - t0 };
    } catch (err) {
      const typed = err instanceof DecodeError || err instanceof StateFileError;
      return { kind: typed ? 'protocol-error' : 'crash', message: `restore: ${(err as Error).message}`, elapsedMs: performance.now() - t0 };
    }
  }

  async close(): Promise<void> {
    this.model = null;
  }
}

function hasValueOutsideField(v: unknown): boolean {
  if (typeof v === 'bigint') return v >= P;
  if (Array.isArray(v)) return v.some(hasValueOutsideField);
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) return Object.values(v).some(hasValueOutsideField);
  return false;
}
