// UltraHonk proofs of the circuit with @aztec/bb.js (verifier target 'evm': keccak transcript,
// zero knowledge, the form the Solidity HonkVerifier checks). One Barretenberg instance and one
// verification key per circuit are kept for the process.

import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { Barretenberg } from '@aztec/bb.js';
import type { Circuit } from './circuit.js';
import { resolveCrs } from './crs.js';

export const EVM_SETTINGS = { ipaAccumulation: false, oracleHashType: 'keccak', disableZk: false, optimizedSolidityVerifier: false };

let api: Promise<Barretenberg> | null = null;

/** The shared bb instance (the native `bb` when available, else WASM), pointed at the CRS. */
export function barretenberg(crsPath?: string): Promise<Barretenberg> {
  if (!api) {
    const crs = resolveCrs(crsPath);
    if (crs) process.env.CRS_PATH = crs; // the native bb process reads the variable
    api = Barretenberg.new({ crsPath: crs, threads: 2 });
  }
  return api;
}

export async function closeBarretenberg(): Promise<void> {
  if (api) {
    const a = api;
    api = null;
    await (await a).destroy();
  }
}

const bytecodes = new WeakMap<Circuit, Uint8Array>();
const vks = new WeakMap<Circuit, Promise<Uint8Array>>();

export function bytecodeOf(c: Circuit): Uint8Array {
  let b = bytecodes.get(c);
  if (!b) {
    b = new Uint8Array(gunzipSync(Buffer.from(c.compiled.bytecode, 'base64')));
    bytecodes.set(c, b);
  }
  return b;
}

/** Identifies a circuit in proof files: sha256 of its (uncompressed) ACIR bytecode. */
export const circuitId = (c: Circuit) => createHash('sha256').update(bytecodeOf(c)).digest('hex');

export function verificationKey(c: Circuit): Promise<Uint8Array> {
  let vk = vks.get(c);
  if (!vk) {
    vk = barretenberg().then(async (bb) => (await bb.circuitComputeVk({ circuit: { name: 'stf', bytecode: bytecodeOf(c) }, settings: EVM_SETTINGS })).bytes);
    vks.set(c, vk);
  }
  return vk;
}

export interface Proof {
  /** The statement (spec §9): public inputs then return values, 136 field elements. */
  publicInputs: bigint[];
  /** The proof as bb's flat field list, 32 bytes each. */
  proof: Uint8Array;
}

const toFr = (v: bigint) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
const fromFr = (b: Uint8Array) => BigInt('0x' + Buffer.from(b).toString('hex'));

/** Proves from an executed witness (noir_js's gzipped witness stack). */
export async function prove(c: Circuit, compressedWitness: Uint8Array): Promise<Proof> {
  const bb = await barretenberg();
  const vk = await verificationKey(c);
  const { proof, publicInputs } = await bb.circuitProve({
    witness: new Uint8Array(gunzipSync(compressedWitness)),
    circuit: { name: 'stf', bytecode: bytecodeOf(c), verificationKey: vk },
    settings: EVM_SETTINGS,
  });
  return { publicInputs: publicInputs.map(fromFr), proof: Buffer.concat(proof) };
}

/** True iff the proof verifies for these public inputs; malformed input is just "false". */
export async function verify(c: Circuit, p: Proof): Promise<boolean> {
  if (p.proof.length === 0 || p.proof.length % 32 !== 0) return false;
  const bb = await barretenberg();
  const vk = await verificationKey(c);
  const proof: Uint8Array[] = [];
  for (let i = 0; i < p.proof.length; i += 32) proof.push(p.proof.subarray(i, i + 32));
  try {
    const { verified } = await bb.circuitVerify({ verificationKey: vk, publicInputs: p.publicInputs.map(toFr), proof, settings: EVM_SETTINGS });
    return verified;
  } catch {
    return false;
  }
}
