// Prints the Noir circuit's gate count (bb.js circuitStats), without the full Noir benchmark.
//   npx tsx bench/noir-gates.ts
import { loadCircuit } from '../impls/noir/src/circuit.js';
import { barretenberg, bytecodeOf, closeBarretenberg, EVM_SETTINGS } from '../impls/noir/src/prover.js';

const bb = await barretenberg();
const stats = await bb.circuitStats({ circuit: { name: 'stf', bytecode: bytecodeOf(loadCircuit()), verificationKey: new Uint8Array(0) }, includeGatesPerOpcode: false, settings: EVM_SETTINGS });
console.log(`gates: ${stats.numGates} (dyadic ${stats.numGatesDyadic} = 2^${Math.log2(stats.numGatesDyadic)}), ACIR opcodes: ${stats.numAcirOpcodes}`);
await closeBarretenberg();
