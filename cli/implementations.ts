// `--impls` names -> Implementation instances. Built in: ts (in process), rust (the WebAssembly
// component), noir (the circuit executed by the ACVM, `small` profile), aztec (Aztec's production
// world state, `aztec` profile, after `npm run setup:aztec`). External: cmd:PROGRAM [ARGS] (a subprocess speaking impls/PROTOCOL.md).

import { join } from 'node:path';
import { AztecImplementation, aztecSetupProblem } from '../impls/adapters/aztec.js';
import { InProcessTsImplementation } from '../impls/adapters/in-process-ts.js';
import { SubprocessImplementation } from '../impls/adapters/subprocess.js';
import { WasmImplementation } from '../impls/adapters/wasm.js';
import { NoirImplementation } from '../impls/noir/src/implementation.js';
import type { Implementation, Profile } from '../impls/implementation.js';
import { EnvironmentError, ROOT, UsageError } from './shared.js';

export const IMPLEMENTATION_NAMES = 'ts, rust, noir, aztec or cmd:PROGRAM';

export function makeImplementation(name: string, timeoutMs: number, profile?: Profile): Implementation {
  if (name === 'ts') return new InProcessTsImplementation();
  if (name === 'aztec') {
    if (profile === 'small') throw new UsageError("the aztec implementation runs the 'aztec' profile only (Aztec's native trees have fixed heights): use --profile aztec");
    const dir = join(ROOT, 'impls/aztec');
    const problem = aztecSetupProblem(dir);
    if (problem) throw new EnvironmentError(problem);
    return new AztecImplementation(dir, timeoutMs);
  }
  if (name === 'noir') return new NoirImplementation();
  if (name === 'rust') return new WasmImplementation('rust', join(ROOT, 'dist/rust-wasm/stf.js'), { timeoutMs });
  if (name.startsWith('cmd:') && name.trim().length > 4) {
    const [program, ...args] = name.slice(4).trim().split(/\s+/);
    // Named after the program, and its last argument when that is a script (`tsx:faulty-stdio.ts`).
    const base = (p: string) => p.split('/').pop()!;
    const label = args.length ? `${base(program)}:${base(args[args.length - 1])}` : base(program);
    return new SubprocessImplementation(label, program, args, { timeoutMs });
  }
  throw new UsageError(`unknown implementation '${name}' (expected ${IMPLEMENTATION_NAMES})`);
}

/** Parses a comma-separated `--impls` list; at least two for a differential run is the caller's rule. */
export function parseImplementationList(list: string): string[] {
  const names = list.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--impls has an empty name: '${list}'`);
  return names;
}

/** `profile`: the profile the run uses, when known (an implementation that cannot run it is refused). */
export function makeImplementations(list: string, timeoutMs: number, profile?: Profile): Implementation[] {
  return parseImplementationList(list).map((n) => makeImplementation(n, timeoutMs, profile));
}
