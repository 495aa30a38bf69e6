// What every difftower command shares: exit codes, typed errors, the command spec and option
// parsing, checks of output paths, and the package root. Light on purpose (no effect, no codec):
// `difftower --help` loads only this, cli/main.ts, cli/usage.ts and cli/commands/index.ts.

import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Stable exit codes, for CI: 0 success; 1 a finding (divergence, rejection, invalid proof or
 * evidence); 2 usage error; 3 a file problem (an input file unreadable or invalid, an output path
 * that cannot be written); 4 an environment failure (a tool or service difftower needs could not
 * be started or reached). */
export const EXIT = { ok: 0, finding: 1, usage: 2, input: 3, environment: 4 } as const;

// Bad command line (exit 2, printed with a pointer to --help) and an unusable environment (exit 4):
// defined in core/ so that lower layers (campaign/, watch/) can throw them without importing cli/.
import { EnvironmentError, UsageError } from '../core/errors.js';

export { EnvironmentError, UsageError };


/** An output path that cannot be written (missing directory, a directory where a file goes): exit 3. */
export class OutputPathError extends Error {}

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec<O extends OptionsConfig = OptionsConfig> {
  name: string;
  /** The arguments after the command name, as `--help` and the README's usage block show them. */
  synopsis: string;
  /** What the command does, its defaults and exit codes (wrapped by the help printer). */
  summary: string;
  options: O;
  /** Takes file arguments. */
  positionals?: boolean;
  /** The command's module, imported only when it runs. */
  load(): Promise<(args: string[]) => Promise<number> | number>;
}

/**
 * Parses a command's arguments against its spec, with one clear line for every mistake (Node's
 * own wording, e.g. "argument is ambiguous" for `--runs -5`, is not for users).
 */
export function parseCommand<O extends OptionsConfig>(spec: CommandSpec<O>, args: string[]) {
  try {
    return parseArgs({ args, options: spec.options, allowPositionals: spec.positionals ?? false, strict: true });
  } catch (err) {
    throw new UsageError(`${explainParseError(err as Error & { code?: string }, args)}`);
  }
}

function explainParseError(err: Error & { code?: string }, args: string[]): string {
  const m = err.message;
  const option = /Option '(-\w, )?(--[\w-]+)/.exec(m)?.[2] ?? /'(--?[\w-]+)'/.exec(m)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${/'([^']+)'/.exec(m)?.[1]}'`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${/'([^']+)'/.exec(m)?.[1]}' (this command takes no file arguments)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      if (option && /does not take an argument/.test(m)) return `${option} takes no value`;
      if (option && /ambiguous/.test(m)) {
        const next = args[args.indexOf(option) + 1] ?? '';
        return /^-\d/.test(next) ? `${option} must not be negative, got '${next}'` : `${option} needs a value, got the option '${next}'`;
      }
      if (option) return `${option} needs a value`;
      return m;
    }
    default:
      return m;
  }
}

export const hex32 = (v: bigint) => '0x' + v.toString(16).padStart(64, '0');

export function profileOf(v: string | undefined): 'aztec' | 'small' {
  const p = v ?? 'small';
  if (p !== 'aztec' && p !== 'small') throw new UsageError(`unknown profile '${p}' (expected small or aztec)`);
  return p;
}

/** An integer option with a lower bound (0 unless given): `--workers 0` is a mistake, not "one worker". */
export function intOf(v: string | undefined, name: string, dflt: number, min = 0): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v.trim() === '' || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be ${min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer of at least ${min}`}, got '${v}'`);
  }
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

/**
 * Checks, before any work, that a file can be written at `path` (created or replaced): its
 * directory exists and is writable, and `path` is not a directory.
 */
export function checkOutputFile(path: string, flag: string): void {
  const abs = resolve(path);
  const st = statOrNull(abs);
  if (st?.isDirectory()) throw new OutputPathError(`${flag} ${path} is a directory; expected a file path`);
  if (st) return writable(abs, `${flag} ${path}`);
  const dir = dirname(abs);
  const dst = statOrNull(dir);
  if (!dst) throw new OutputPathError(`${flag} ${path}: directory ${dirname(path)} does not exist`);
  if (!dst.isDirectory()) throw new OutputPathError(`${flag} ${path}: ${dirname(path)} is not a directory`);
  writable(dir, `${flag} ${path}: directory ${dirname(path)}`);
}

/**
 * Checks, before any work, that `path` is a writable directory or can be created as one (its
 * nearest existing ancestor is a writable directory). Nothing is created here.
 */
export function checkOutputDir(path: string, flag: string): void {
  let p = resolve(path);
  for (;;) {
    const st = statOrNull(p);
    if (st) {
      if (!st.isDirectory()) throw new OutputPathError(p === resolve(path) ? `${flag} ${path} is a file; expected a directory` : `${flag} ${path}: ${p} is a file, not a directory`);
      return writable(p, p === resolve(path) ? `${flag} ${path}` : `${flag} ${path}: directory ${p}`);
    }
    if (dirname(p) === p) return;
    p = dirname(p);
  }
}

function statOrNull(p: string) {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

function writable(p: string, what: string): void {
  try {
    accessSync(p, constants.W_OK);
  } catch {
    throw new OutputPathError(`${what} is not writable`);
  }
}

/** The package root, whether running from source (cli/) or compiled (dist/cli/). */
export const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/cli/') ? '../../' : '../', import.meta.url));
