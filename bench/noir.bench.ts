// Benchmarks of the Noir implementation (`small` profile): gate count, hint generation, ACVM
// execution per checkpoint, UltraHonk proving and verification (bb.js), and on-chain verification
// gas of the generated HonkVerifier on anvil. Run on its own: npx tsx bench/noir.bench.ts

import { Bench } from 'tinybench';
import { CheckpointGenerator } from '../core/generate.js';
import type { Checkpoint } from '../core/schema.js';
import { startAnvil } from '../contracts/ts/anvil.js';
import { execute, loadCircuit } from '../impls/noir/src/circuit.js';
import { deployHonkVerifier } from '../impls/noir/src/honk-verifier.js';
import { witnessFor } from '../impls/noir/src/implementation.js';
import { ChainModel } from '../impls/noir/src/model.js';
import { initPoseidon } from '../impls/noir/src/poseidon.js';
import { barretenberg, bytecodeOf, closeBarretenberg, EVM_SETTINGS, prove, verificationKey, verify } from '../impls/noir/src/prover.js';
import { SIZES } from '../impls/noir/src/params.js';

await initPoseidon();
const circuit = loadCircuit();

// A chain of maximal checkpoints (every hint kind used), with the state before each.
const gen = new CheckpointGenerator({ profile: 'small', seed: 5, maxTxs: SIZES.maxTxsPerBlock, maximal: true });
const cases: { pre: ChainModel; cp: Checkpoint }[] = [];
let model = ChainModel.genesis(31337n, 1n);
for (let i = 0; i < 6; i++) {
  const cp = gen.next();
  const w = witnessFor(model, cp);
  cases.push({ pre: model, cp });
  model = w.post;
}
const witnesses = cases.map(({ pre, cp }) => witnessFor(pre, cp));

const bb = await barretenberg();
const stats = await bb.circuitStats({ circuit: { name: 'stf', bytecode: bytecodeOf(circuit), verificationKey: new Uint8Array(0) }, includeGatesPerOpcode: false, settings: EVM_SETTINGS });
console.log(`gates: ${stats.numGates} (dyadic ${stats.numGatesDyadic} = 2^${Math.log2(stats.numGatesDyadic)}), ACIR opcodes: ${stats.numAcirOpcodes}`);
await verificationKey(circuit);

const first = await execute(circuit, witnesses[0].inputs);
if (!first.ok) throw new Error(first.message);
const proof = await prove(circuit, first.witness);

let k = 0;
const bench = new Bench({ time: 2000, iterations: 5 });
bench
  .add('hint generation (witnessFor), per checkpoint', () => {
    const c = cases[k++ % cases.length];
    witnessFor(c.pre, c.cp);
  })
  .add('ACVM execution (noir_js), per checkpoint', async () => {
    const r = await execute(circuit, witnesses[k++ % witnesses.length].inputs);
    if (!r.ok) throw new Error(r.message);
  })
  .add('verification (bb.js, UltraHonk evm)', async () => {
    if (!(await verify(circuit, proof))) throw new Error('proof does not verify');
  });
await bench.run();

const proving = new Bench({ time: 0, iterations: 3 });
proving.add('proving (bb.js, UltraHonk evm), per checkpoint', async () => {
  await prove(circuit, first.witness);
});
await proving.run();
console.table([...bench.table(), ...proving.table()]);

const anvil = await startAnvil({ hardfork: 'prague' });
try {
  const v = await deployHonkVerifier(anvil.rpcUrl);
  const r = await v.verify(proof);
  console.log(r.ok ? `on-chain verify gas (anvil, prague, eth_estimateGas incl. 21000 base + calldata): ${r.gas}` : `on-chain verify failed: ${r.error}`);
} finally {
  await anvil.stop();
  await closeBarretenberg();
}
