// Proof commands of the Noir implementation: prove a checkpoint on a state (UltraHonk, bb.js),
// verify proof files, and flag self-contradicting pairs among them (oracle/contradiction.ts).

import { writeFileSync } from 'node:fs';
import { DecodeError, decodeChainState, decodeCheckpoint } from '../../core/codec.js';
import { HintError } from '../../impls/noir/src/blob.js';
import { execute, loadCircuit } from '../../impls/noir/src/circuit.js';
import { CrsError } from '../../impls/noir/src/crs.js';
import { witnessFor } from '../../impls/noir/src/implementation.js';
import { ChainModel, StateFileError } from '../../impls/noir/src/model.js';
import { initPoseidon } from '../../impls/noir/src/poseidon.js';
import { decodeProofFile, encodeProofFile } from '../../impls/noir/src/proof-file.js';
import { circuitId, closeBarretenberg, prove as proveWitness, verify } from '../../impls/noir/src/prover.js';
import { findContradictions } from '../../oracle/contradiction.js';
import { decodeFile } from '../input.js';
import { checkOutputFile, EnvironmentError, EXIT, hex32, parseCommand, UsageError } from '../shared.js';
import { PROVE, VERIFY_PROOF } from './index.js';

/** Runs a bb-using body, mapping a reference-string or backend failure to exit 4. */
export async function withProver<T>(crs: string | undefined, body: () => Promise<T>): Promise<T> {
  if (crs) process.env.DIFFTOWER_CRS = crs;
  try {
    return await body();
  } catch (err) {
    if (err instanceof CrsError) throw new EnvironmentError(err.message);
    if (err instanceof DecodeError || err instanceof UsageError) throw err;
    throw new EnvironmentError(`proving backend (bb.js): ${(err as Error).message}`);
  } finally {
    await closeBarretenberg();
  }
}

export function loadModel(path: string): ChainModel {
  const file = decodeFile(path, 'state', decodeChainState);
  try {
    return ChainModel.fromStateFile(file);
  } catch (err) {
    if (err instanceof StateFileError) throw new DecodeError('state', `${path}: ${err.message}`);
    throw err;
  }
}

export async function prove(args: string[]): Promise<number> {
  const { values } = parseCommand(PROVE, args);
  if (!values.state || !values.checkpoint || !values.out) throw new UsageError('prove needs --state STATE --checkpoint FILE --out PROOF');
  checkOutputFile(values.out, '--out');
  await initPoseidon();
  const model = loadModel(values.state);
  const cp = decodeFile(values.checkpoint, 'checkpoint', decodeCheckpoint);
  if (cp.profile !== 'small') throw new DecodeError('checkpoint', 'the circuit proves the small profile only');
  const circuit = loadCircuit(values.circuit);
  let witness;
  try {
    witness = witnessFor(model, cp);
  } catch (err) {
    if (!(err instanceof HintError)) throw err;
    console.log(JSON.stringify({ status: 'rejected', reason: `no witness: ${err.message}` }));
    return EXIT.finding;
  }
  const r = await execute(circuit, witness.inputs);
  if (!r.ok) {
    console.log(JSON.stringify({ status: 'rejected', reason: `the circuit is unsatisfiable: ${r.message}` }));
    return EXIT.finding;
  }
  const proof = await withProver(values.crs, () => proveWitness(circuit, r.witness));
  writeFileSync(values.out, encodeProofFile({ ...proof, circuit: circuitId(circuit) }));
  console.log(JSON.stringify({ status: 'proved', out: values.out, circuit: circuitId(circuit), postState: proof.publicInputs.slice(123).map(hex32) }, null, 2));
  return EXIT.ok;
}

export async function verifyProof(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(VERIFY_PROOF, args);
  if (positionals.length === 0) throw new UsageError('verify-proof needs at least one PROOF file');
  const files = positionals.map((path) => ({ path, file: decodeFile(path, 'proof', (b) => decodeProofFile(new TextDecoder().decode(b))) }));
  const circuit = loadCircuit(values.circuit);
  const id = circuitId(circuit);
  const results = await withProver(values.crs, async () => {
    const out = [];
    for (const { path, file } of files) {
      const valid = file.circuit === id && (await verify(circuit, file));
      out.push({ path, valid, reason: file.circuit === id ? undefined : `made for circuit ${file.circuit}, not ${id}`, publicInputs: file.publicInputs });
    }
    return out;
  });
  const contradictions = findContradictions(results.map((r) => ({ source: r.path, publicInputs: r.publicInputs, valid: r.valid })));
  console.log(JSON.stringify({ circuit: id, proofs: results.map(({ path, valid, reason }) => ({ path, valid, ...(reason ? { reason } : {}) })), contradictions }, null, 2));
  return results.every((r) => r.valid) && contradictions.length === 0 ? EXIT.ok : EXIT.finding;
}
