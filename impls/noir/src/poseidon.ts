// Poseidon2 for the hint generator (spec §1.3, §1.4), on bb.js's permutation. Hints are untrusted
// by the circuit, so a mistake here shows up as a rejected checkpoint, never as a wrong root.

import { fileURLToPath } from 'node:url';
import { BackendType, BarretenbergSync } from '@aztec/bb.js';
import { frToBytes, frFromBytes } from '../../../core/schema.js';

let api: BarretenbergSync | null = null;

/**
 * bb.js's synchronous API, created once per thread: its single-threaded WASM backend without a
 * reference string (hashing needs none). The default singleton hangs inside a worker thread
 * (seen with bb.js 5.0.0), which the multi-worker fuzzer uses.
 */
export async function initPoseidon(): Promise<void> {
  if (api) return;
  // Named explicitly: inside an eval'd worker bb.js resolves its own file against the cwd.
  const wasmPath = fileURLToPath(new URL('./barretenberg_wasm/barretenberg-threads.wasm.gz', import.meta.resolve('@aztec/bb.js')));
  api = await BarretenbergSync.new({ backend: BackendType.Wasm, threads: 1, skipSrsInit: true, wasmPath });
}

function bb(): BarretenbergSync {
  if (!api) throw new Error('initPoseidon() was not awaited');
  return api;
}

export function permute(s: readonly bigint[]): bigint[] {
  return bb().poseidon2Permutation({ inputs: s.map(frToBytes) }).outputs.map(frFromBytes);
}

export function hash(xs: readonly bigint[]): bigint {
  return frFromBytes(bb().poseidon2Hash({ inputs: xs.map(frToBytes) }).hash);
}

export const hash2 = (a: bigint, b: bigint) => hash([a, b]);

/** The blob sponge (spec §1.4): absorb lazily, squeeze a copy. */
export class BlobSponge {
  private state: bigint[];
  private cache: bigint[] = [];
  constructor(iv: bigint) {
    this.state = [0n, 0n, 0n, iv];
  }
  absorb(f: bigint): void {
    if (this.cache.length === 3) {
      this.state = this.duplex(this.state, this.cache);
      this.cache = [f];
    } else this.cache.push(f);
  }
  squeeze(): bigint {
    return this.duplex(this.state, this.cache)[0];
  }
  private duplex(s: bigint[], cache: bigint[]): bigint[] {
    const t = [...s];
    cache.forEach((c, i) => (t[i] = (t[i] + c) % 21888242871839275222246405745257275088548364400416034343698204186575808495617n));
    return permute(t);
  }
}
