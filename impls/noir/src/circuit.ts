// The compiled circuit (dist/stf.json, built by scripts/build-circuit.ts) and its execution with
// noir_js (the ACVM, no proof): a satisfying witness and the return values, or unsatisfiable.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Noir, type CompiledCircuit } from '@noir-lang/noir_js';
import type { CircuitInputs } from './witness.js';

// impls/noir/, whether this module runs from source or compiled into the package's dist/.
const HERE = fileURLToPath(new URL('.', import.meta.url));
export const NOIR_DIR = HERE.includes('/dist/impls/noir/') ? join(HERE.split('/dist/impls/noir/')[0], 'impls/noir') : join(HERE, '..');
export const ARTIFACT_PATH = join(NOIR_DIR, 'dist/stf.json');
export const FIXTURE_PATH = join(NOIR_DIR, 'test/fixtures/stf-underconstrained.json');

export interface Circuit {
  readonly path: string;
  readonly compiled: CompiledCircuit;
  readonly noir: Noir;
}

const cache = new Map<string, Circuit>();

export function loadCircuit(path = ARTIFACT_PATH): Circuit {
  let c = cache.get(path);
  if (!c) {
    const compiled = JSON.parse(readFileSync(path, 'utf8')) as CompiledCircuit;
    c = { path, compiled, noir: new Noir(compiled) };
    cache.set(path, c);
  }
  return c;
}

export type Execution =
  | { ok: true; witness: Uint8Array; outputs: bigint[] }
  | { ok: false; message: string };

/** Runs the ACVM. Failing constraints are an answer (unsatisfiable), not an error. */
export async function execute(circuit: Circuit, inputs: CircuitInputs): Promise<Execution> {
  try {
    const { witness, returnValue } = await circuit.noir.execute(inputs as never);
    return { ok: true, witness, outputs: (returnValue as string[]).map((v) => BigInt(v)) };
  } catch (err) {
    if (process.env.NOIR_DEBUG) console.error(err);
    return { ok: false, message: (err as Error).message ?? String(err) };
  }
}
