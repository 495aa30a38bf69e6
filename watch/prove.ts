// Proofs for evidence: the Noir circuit (impls/noir) proves "this pre-state with this checkpoint
// yields this post-state" (spec §9) with UltraHonk, verifier target evm, so the same proof verifies
// off-chain (bb.js) and in the rollup's HonkVerifier.

import { toHex, type Hex } from 'viem';
import { decodeChainState, decodeCheckpoint } from '../core/codec.js';
import { HintError } from '../impls/noir/src/blob.js';
import { execute, loadCircuit } from '../impls/noir/src/circuit.js';
import { witnessFor } from '../impls/noir/src/implementation.js';
import { ChainModel } from '../impls/noir/src/model.js';
import { initPoseidon } from '../impls/noir/src/poseidon.js';
import { circuitId, prove, verify } from '../impls/noir/src/prover.js';
import { toFields } from '../contracts/ts/statement.js';

export interface EvidenceProof {
  circuit: string;
  statement: Hex[];
  proof: Hex;
  proveMs: number;
}

export class ProofUnavailable extends Error {}

/** Proves the checkpoint on the pre-state; throws ProofUnavailable when the circuit has no witness. */
export async function proveTransition(preStateFile: Uint8Array, checkpointBytes: Uint8Array): Promise<EvidenceProof> {
  const t0 = performance.now();
  await initPoseidon();
  const model = ChainModel.fromStateFile(decodeChainState(preStateFile));
  const circuit = loadCircuit();
  let inputs;
  try {
    inputs = witnessFor(model, decodeCheckpoint(checkpointBytes)).inputs;
  } catch (err) {
    if (err instanceof HintError) throw new ProofUnavailable(`no witness: ${err.message}`);
    throw err;
  }
  const r = await execute(circuit, inputs);
  if (!r.ok) throw new ProofUnavailable(`the circuit is unsatisfiable: ${r.message}`);
  const p = await prove(circuit, r.witness);
  return { circuit: circuitId(circuit), statement: toFields(p.publicInputs), proof: toHex(p.proof), proveMs: performance.now() - t0 };
}

/** Off-chain verification with bb.js against the committed circuit. */
export async function verifyTransitionProof(p: { circuit: string; statement: readonly Hex[]; proof: Hex }): Promise<{ ok: boolean; reason: string }> {
  const circuit = loadCircuit();
  const id = circuitId(circuit);
  if (p.circuit !== id) return { ok: false, reason: `the proof is for circuit ${p.circuit}, the committed circuit is ${id}` };
  const ok = await verify(circuit, { publicInputs: p.statement.map((x) => BigInt(x)), proof: new Uint8Array(Buffer.from(p.proof.slice(2), 'hex')) });
  return { ok, reason: ok ? 'the UltraHonk proof verifies (bb.js, evm target)' : 'the proof does not verify' };
}
