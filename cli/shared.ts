// What every difftower command shares: exit codes, the usage error, option parsing helpers and the
// package root.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DecodeError } from '../core/codec.js';

/** Stable exit codes, for CI: 0 success; 1 a finding (divergence, rejection, invalid proof or
 * evidence); 2 usage error; 3 unreadable or invalid input file; 4 an environment failure (a tool
 * or service difftower needs could not be started or reached). */
export const EXIT = { ok: 0, finding: 1, usage: 2, input: 3, environment: 4 } as const;

/** Bad command line: printed with a pointer to --help, exit 2. */
export class UsageError extends Error {}

/** Something difftower depends on (an implementation at start-up, anvil, an RPC) is unusable: exit 4. */
export class EnvironmentError extends Error {}

export interface Command {
  name: string;
  /** One-line usage and description for `difftower --help`. */
  help: string;
  run(args: string[]): Promise<number> | number;
}

export const hex32 = (v: bigint) => '0x' + v.toString(16).padStart(64, '0');

export function profileOf(v: string | undefined): 'aztec' | 'small' {
  const p = v ?? 'small';
  if (p !== 'aztec' && p !== 'small') throw new UsageError(`unknown profile '${p}' (expected small or aztec)`);
  return p;
}

export function intOf(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v.trim() === '' || !Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`);
  return n;
}

/** A 64-bit seed: decimal or 0x-hex. */
export function seedOf(v: string | undefined, dflt: bigint): bigint {
  if (v === undefined) return dflt;
  try {
    const n = BigInt(v.trim());
    if (n >= 0n && n < 1n << 64n) return n;
  } catch {
    // fall through to the usage error
  }
  throw new UsageError(`--seed must be an integer in [0, 2^64), got '${v}'`);
}

export function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new DecodeError('file', `cannot read ${path}: ${(err as Error).message}`);
  }
}

/** The package root, whether running from source (cli/) or compiled (dist/cli/). */
export const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/cli/') ? '../../' : '../', import.meta.url));
