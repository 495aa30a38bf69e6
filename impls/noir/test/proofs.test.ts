// Proofs of the Noir circuit: one UltraHonk proof of a generated `small` checkpoint is made once
// for the file; it verifies off-chain (bb.js) and on a local anvil (the generated HonkVerifier),
// and a tampered proof or public input does not. Also: the proof file format and the
// self-contradiction oracle.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeError } from '../../../core/codec.js';
import { CheckpointGenerator } from '../../../core/generate.js';
import { startAnvil, type AnvilHandle } from '../../../contracts/ts/anvil.js';
import { findContradictions } from '../../../oracle/contradiction.js';
import { execute, loadCircuit } from '../src/circuit.js';
import { deployHonkVerifier, loadVerifierArtifact, type DeployedVerifier } from '../src/honk-verifier.js';
import { witnessFor } from '../src/implementation.js';
import { ChainModel } from '../src/model.js';
import { initPoseidon } from '../src/poseidon.js';
import { decodeProofFile, encodeProofFile } from '../src/proof-file.js';
import { circuitId, closeBarretenberg, prove, verify, type Proof } from '../src/prover.js';
import { SIZES, STATEMENT } from '../src/params.js';

const circuit = loadCircuit();
let proof: Proof;
let expectedOutputs: bigint[];

beforeAll(async () => {
  await initPoseidon();
  const pre = ChainModel.genesis(31337n, 1n);
  const cp = new CheckpointGenerator({ profile: 'small', seed: 2, maxTxs: SIZES.maxTxsPerBlock, maximal: true }).next();
  const w = witnessFor(pre, cp);
  const r = await execute(circuit, w.inputs);
  if (!r.ok) throw new Error(r.message);
  expectedOutputs = r.outputs;
  proof = await prove(circuit, r.witness);
});

afterAll(async () => {
  await closeBarretenberg();
});

const tamperedProof = (p: Proof): Proof => {
  const bytes = new Uint8Array(p.proof);
  bytes[32 * 20 + 31] ^= 1; // one bit of a commitment coordinate
  return { ...p, proof: bytes };
};
const tamperedInput = (p: Proof, i: number): Proof => ({ ...p, publicInputs: p.publicInputs.map((v, k) => (k === i ? v + 1n : v)) });

describe('noir proofs off-chain (bb.js)', () => {
  it('the statement is spec §9: 123 inputs then the 13 outputs', () => {
    expect(proof.publicInputs).toHaveLength(STATEMENT.total);
    expect(proof.publicInputs.slice(STATEMENT.inputs)).toEqual(expectedOutputs);
    expect(proof.publicInputs.slice(0, 2)).toEqual([31337n, 1n]);
  });

  it('verifies; a tampered proof, input or output does not', async () => {
    expect(await verify(circuit, proof)).toBe(true);
    expect(await verify(circuit, tamperedProof(proof))).toBe(false);
    expect(await verify(circuit, tamperedInput(proof, 30))).toBe(false); // a blob field
    expect(await verify(circuit, tamperedInput(proof, 134))).toBe(false); // the archive root
    expect(await verify(circuit, { ...proof, proof: proof.proof.subarray(0, 64) })).toBe(false);
  });

  it('proof files round-trip; malformed ones are typed decode errors', () => {
    const file = { ...proof, circuit: circuitId(circuit) };
    const back = decodeProofFile(encodeProofFile(file));
    expect(back.publicInputs).toEqual(proof.publicInputs);
    expect(Buffer.from(back.proof).equals(Buffer.from(proof.proof))).toBe(true);
    expect(() => decodeProofFile('{"v":1}')).toThrow(DecodeError);
    expect(() => decodeProofFile('not json')).toThrow(DecodeError);
    const short = JSON.parse(encodeProofFile(file));
    short.publicInputs.pop();
    expect(() => decodeProofFile(JSON.stringify(short))).toThrow(DecodeError);
  });
});

describe('self-contradiction oracle', () => {
  const inputs = Array.from({ length: STATEMENT.inputs }, (_, i) => BigInt(i));
  const stmt = (out: bigint) => [...inputs, ...Array.from({ length: STATEMENT.outputs }, () => out)];
  it('flags two valid proofs with identical inputs and different outputs, nothing else', () => {
    expect(findContradictions([{ source: 'a', publicInputs: stmt(1n), valid: true }, { source: 'b', publicInputs: stmt(2n), valid: true }])).toEqual([
      { a: 'a', b: 'b', positions: Array.from({ length: 13 }, (_, i) => 123 + i) },
    ]);
    expect(findContradictions([{ source: 'a', publicInputs: stmt(1n), valid: true }, { source: 'b', publicInputs: stmt(2n), valid: false }])).toEqual([]);
    expect(findContradictions([{ source: 'a', publicInputs: stmt(1n), valid: true }, { source: 'b', publicInputs: stmt(1n), valid: true }])).toEqual([]);
    const otherInputs = stmt(2n);
    otherInputs[5] = 99n;
    expect(findContradictions([{ source: 'a', publicInputs: stmt(1n), valid: true }, { source: 'b', publicInputs: otherInputs, valid: true }])).toEqual([]);
  });
});

describe('noir proofs on-chain (HonkVerifier on anvil)', () => {
  let anvil: AnvilHandle;
  let verifier: DeployedVerifier;
  beforeAll(async () => {
    anvil = await startAnvil({ hardfork: 'prague' });
    verifier = await deployHonkVerifier(anvil.rpcUrl);
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('was generated for this circuit', () => {
    expect(loadVerifierArtifact().circuit).toBe(circuitId(circuit));
  });

  it('accepts the proof difftower made, rejects a tampered proof and a tampered public input', async () => {
    const ok = await verifier.verify(proof);
    expect(ok.ok).toBe(true);
    if (ok.ok) console.log(`HonkVerifier.verify gas (prague): ${ok.gas}`);
    expect((await verifier.verify(tamperedProof(proof))).ok).toBe(false);
    expect((await verifier.verify(tamperedInput(proof, 124))).ok).toBe(false);
  });
});
