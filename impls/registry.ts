// The implementations difftower can run, by the names `--impls` takes: the built-in ones (ts, rust,
// noir, aztec) and any external program speaking impls/PROTOCOL.md (`cmd:PROGRAM ARGS`). Each adapter is
// loaded on its first call (dynamic import), so a command pays only for the implementations it runs:
// the Noir adapter alone takes about a second of CPU to load (noir_js, bb.js). A new implementation is
// one entry in BUILT_IN.

import { fileURLToPath } from 'node:url';
import { EnvironmentError, UsageError } from '../core/errors.js';
import { aztecSetupProblem } from './aztec-setup.js';
import type { CallResult, GenesisParams, Implementation, OutcomeCoverage, Profile } from './implementation.js';

export interface ImplementationOptions {
  /** Per-call time limit (adapters that run out of process or in a worker enforce it). */
  timeoutMs: number;
}

export interface ImplementationEntry {
  name: string;
  /** One line for `--help` and error messages. */
  description: string;
  /** What the adapter declares before it is loaded (the oracle reads them up front). */
  coverage?: OutcomeCoverage;
  inProcess?: boolean;
  /** Refuses a run it cannot serve before anything is loaded (a profile, a missing set-up). */
  check?(profile: Profile | undefined): void;
  load(opts: ImplementationOptions): Promise<Implementation>;
}

// The package root, from source (impls/registry.ts) or compiled (dist/impls/registry.js).
const ROOT = new URL(import.meta.url.includes('/dist/impls/') ? '../../' : '../', import.meta.url);

export const BUILT_IN: readonly ImplementationEntry[] = [
  {
    name: 'ts',
    description: 'the TypeScript STF, in process (impls/ts)',
    inProcess: true,
    load: async () => new (await import('./adapters/in-process-ts.js')).InProcessTsImplementation(),
  },
  {
    name: 'rust',
    description: 'the Rust STF as a WebAssembly component, in a worker thread (impls/rust)',
    load: async ({ timeoutMs }) => new (await import('./adapters/wasm.js')).WasmImplementation('rust', fileURLToPath(new URL('dist/rust-wasm/stf.js', ROOT)), { timeoutMs }),
  },
  {
    name: 'noir',
    description: "the Noir circuit executed by the ACVM, 'small' profile only (impls/noir)",
    // The circuit proves "valid with this post-state": no error codes, header hashes or blob fields.
    coverage: { errorCode: false, blockHeaderHashes: false, blobFields: false },
    load: async () => new (await import('./noir/src/implementation.js')).NoirImplementation(),
  },
  {
    name: 'aztec',
    description: "Aztec's production C++ world state (NativeWorldStateService 4.1.2), 'aztec' profile only, after `npm run setup:aztec` (impls/aztec)",
    // A production node trusts its input (spec §10): no validity rules, no error codes.
    coverage: { errorCode: false, blockHeaderHashes: true, blobFields: true, validityRules: false },
    check(profile) {
      if (profile === 'small') throw new UsageError("the aztec implementation runs the 'aztec' profile only (Aztec's native trees have fixed heights): use --profile aztec");
      const problem = aztecSetupProblem(fileURLToPath(new URL('impls/aztec', ROOT)));
      if (problem) throw new EnvironmentError(problem);
    },
    load: async ({ timeoutMs }) => new (await import('./adapters/aztec.js')).AztecImplementation(fileURLToPath(new URL('impls/aztec', ROOT)), timeoutMs),
  },
];

export const EXTERNAL_PREFIX = 'cmd:';

/** `--impls` named something that is neither built in nor `cmd:PROGRAM`. */
export class ImplementationNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImplementationNameError';
  }
}

export const implementationNames = () => [...BUILT_IN.map((e) => e.name), `${EXTERNAL_PREFIX}PROGRAM [ARGS]`].join(', ');

function checkName(name: string): void {
  if (name.startsWith(EXTERNAL_PREFIX)) {
    if (name.slice(EXTERNAL_PREFIX.length).trim() === '') throw new ImplementationNameError(`'${name}' names no program (expected ${EXTERNAL_PREFIX}PROGRAM [ARGS])`);
    return;
  }
  if (!BUILT_IN.some((e) => e.name === name)) throw new ImplementationNameError(`unknown implementation '${name}' (expected ${implementationNames()})`);
}

/** Splits and checks a comma-separated `--impls` list without loading anything. */
export function parseImplementationList(list: string): string[] {
  const names = list.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new ImplementationNameError(`--impls has an empty name: '${list}'`);
  names.forEach(checkName);
  return names;
}

/**
 * An implementation whose adapter module is imported on the first call. Once loaded, calls go
 * straight to the adapter (an in-process one still runs on the caller's turn, as the oracle expects).
 */
class OnDemand implements Implementation {
  private loading: Promise<Implementation> | null = null;
  private impl: Implementation | null = null;

  constructor(
    readonly name: string,
    private readonly load: () => Promise<Implementation>,
    readonly coverage?: OutcomeCoverage,
    readonly inProcess?: boolean,
  ) {}

  private get(): Promise<Implementation> {
    this.loading ??= this.load().then((i) => (this.impl = i));
    return this.loading;
  }

  genesis(p: GenesisParams) {
    return this.impl ? this.impl.genesis(p) : this.get().then((i) => i.genesis(p));
  }

  apply(checkpoint: Uint8Array): Promise<CallResult> {
    return this.impl ? this.impl.apply(checkpoint) : this.get().then((i) => i.apply(checkpoint));
  }

  snapshot() {
    return this.impl ? this.impl.snapshot() : this.get().then((i) => i.snapshot());
  }

  restore(state: Uint8Array) {
    return this.impl ? this.impl.restore(state) : this.get().then((i) => i.restore(state));
  }

  adapter(): Promise<Implementation> {
    return this.get();
  }

  async close(): Promise<void> {
    if (this.loading) await (await this.loading).close();
  }
}

/** `profile`: the profile the run uses, when known (an implementation that cannot run it is refused). */
export function makeImplementation(name: string, timeoutMs: number, profile?: Profile): Implementation {
  checkName(name);
  if (name.startsWith(EXTERNAL_PREFIX)) {
    const [program, ...args] = name.slice(EXTERNAL_PREFIX.length).trim().split(/\s+/);
    // Named after the program, and its last argument when that is a script (`tsx:faulty-stdio.ts`).
    const base = (p: string) => p.split('/').pop()!;
    const label = args.length ? `${base(program)}:${base(args[args.length - 1])}` : base(program);
    return new OnDemand(label, async () => new (await import('./adapters/subprocess.js')).SubprocessImplementation(label, program, args, { timeoutMs }));
  }
  const e = BUILT_IN.find((b) => b.name === name)!;
  e.check?.(profile);
  return new OnDemand(e.name, () => e.load({ timeoutMs }), e.coverage, e.inProcess);
}

/** Every implementation of a `--impls` list, in order (nothing is loaded before its first call). */
export function makeImplementations(list: string, timeoutMs: number, profile?: Profile): Implementation[] {
  return parseImplementationList(list).map((n) => makeImplementation(n, timeoutMs, profile));
}
