// UltraHonk proofs of the circuit with @aztec/bb.js (verifier target 'evm': keccak transcript,
// zero knowledge, the form the Solidity HonkVerifier checks). One Barretenberg instance and one
// verification key per circuit are kept for the process.

import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { BackendType, Barretenberg } from '@aztec/bb.js';
import type { Circuit } from './circuit.js';
import { resolveCrs } from './crs.js';
import { isBackendStartFailure, retrying, type RetryOptions } from './retry.js';

export const EVM_SETTINGS = { ipaAccumulation: false, oracleHashType: 'keccak', disableZk: false, optimizedSolidityVerifier: false };

let api: Promise<Barretenberg> | null = null;

/**
 * The shared bb instance (the native `bb` when available, else WASM), pointed at the CRS.
 * `backend` forces one (the retry below falls back to WASM).
 */
export function barretenberg(crsPath?: string, backend?: BackendType): Promise<Barretenberg> {
  if (!api) {
    const crs = resolveCrs(crsPath);
    if (crs) process.env.CRS_PATH = crs; // the native bb process reads the variable
    api = Barretenberg.new({ crsPath: crs, threads: 2, ...(backend ? { backend } : {}) });
  }
  return api;
}

/**
 * How bb calls recover from a backend that did not start (the native `bb` missing its socket
 * deadline under load): discard it, wait (1 s, then 2 s), try again; the last attempt uses the
 * WASM backend, slower but without a socket. Exported for tests.
 */
export const BACKEND_RETRY = { attempts: 3, baseDelayMs: 1000 };

async function withBackend<T>(op: (bb: Barretenberg) => Promise<T>, policy: Partial<RetryOptions> = {}): Promise<T> {
  const o = { ...BACKEND_RETRY, ...policy };
  return retrying(
    async (attempt) => op(await barretenberg(undefined, attempt > 0 && attempt === o.attempts - 1 ? BackendType.Wasm : undefined)),
    {
      isTransient: isBackendStartFailure,
      beforeRetry: async (attempt, err) => {
        process.stderr.write(`difftower: the proving backend failed (${String((err as Error)?.message ?? err).split('\n')[0]}); retrying (${attempt + 1}/${o.attempts})${attempt === o.attempts - 1 ? ' with the WASM backend' : ''}\n`);
        const broken = api;
        api = null;
        vkCache = new WeakMap();
        await broken?.then((b) => b.destroy()).catch(() => undefined);
      },
      ...o,
    },
  );
}

export async function closeBarretenberg(): Promise<void> {
  if (api) {
    const a = api;
    api = null;
    await (await a).destroy();
  }
}

const bytecodes = new WeakMap<Circuit, Uint8Array>();
let vkCache = new WeakMap<Circuit, Promise<Uint8Array>>();

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
  let vk = vkCache.get(c);
  if (!vk) {
    vk = barretenberg().then(async (bb) => (await bb.circuitComputeVk({ circuit: { name: 'stf', bytecode: bytecodeOf(c) }, settings: EVM_SETTINGS })).bytes);
    vk.catch(() => vkCache.delete(c)); // a failed backend must not poison the cache
    vkCache.set(c, vk);
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
  return withBackend(async (bb) => {
    const vk = await verificationKey(c);
    const { proof, publicInputs } = await bb.circuitProve({
      witness: new Uint8Array(gunzipSync(compressedWitness)),
      circuit: { name: 'stf', bytecode: bytecodeOf(c), verificationKey: vk },
      settings: EVM_SETTINGS,
    });
    return { publicInputs: publicInputs.map(fromFr), proof: Buffer.concat(proof) };
  });
}

/** True iff the proof verifies for these public inputs; malformed input is just "false". */
export async function verify(c: Circuit, p: Proof): Promise<boolean> {
  if (p.proof.length === 0 || p.proof.length % 32 !== 0) return false;
  const [bb, vk] = await withBackend(async (b) => [b, await verificationKey(c)] as const);
  const proof: Uint8Array[] = [];
  for (let i = 0; i < p.proof.length; i += 32) proof.push(p.proof.subarray(i, i + 32));
  try {
    const { verified } = await bb.circuitVerify({ verificationKey: vk, publicInputs: p.publicInputs.map(toFr), proof, settings: EVM_SETTINGS });
    return verified;
  } catch {
    return false;
  }
}
