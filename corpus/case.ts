// The corpus file format (corpus/FORMAT.md): one *case* per file, i.e. a chain configuration and
// a sequence of checkpoint byte strings applied from genesis, with optional expected outcomes and
// notes on where it came from. Checkpoints are kept as raw bytes so that broken encodings are
// representable; files are decoded through an effect Schema, so a corrupt file is a typed
// DecodeError, never a crash.

import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as Schema from 'effect/Schema';
import { DecodeError, decodeCheckpoint, decodeWith, encodeWith } from '../core/codec.js';
import { FILE_KIND_NAMES, kindOfBytes } from '../core/file-kind.js';
import { Fr, Outcome, Profile } from '../core/schema.js';

export const CASE_EXTENSION = '.case';

const Meta = Schema.Struct({
  /** How the case was made: `seed`, `generated`, `mutated`, `finding`, `regression`, `vector`. */
  origin: Schema.String,
  note: Schema.optional(Schema.String),
  /** The fuzz run that found it: seed (decimal string), worker, iteration. */
  seed: Schema.optional(Schema.String),
  worker: Schema.optional(Schema.Number),
  iteration: Schema.optional(Schema.Number),
  /** For findings: what diverged, as the oracle reported it. */
  finding: Schema.optional(
    Schema.Struct({
      kind: Schema.String,
      field: Schema.String,
      checkpoint: Schema.Number,
      left: Schema.String,
      right: Schema.String,
      leftImpl: Schema.String,
      rightImpl: Schema.String,
      /** Where a root divergence starts (oracle/localize.ts). */
      localization: Schema.optional(
        Schema.Struct({
          checkpoint: Schema.Number,
          tx: Schema.NullOr(Schema.Struct({ block: Schema.Number, index: Schema.Number, flat: Schema.Number })),
          tree: Schema.NullOr(Schema.String),
          leaf: Schema.NullOr(Schema.Number),
          kind: Schema.String,
          detail: Schema.String,
          replays: Schema.Number,
        }),
      ),
    }),
  ),
});

export const CaseFile = Schema.Struct({
  v: Schema.Literal(1),
  kind: Schema.Literal('difftower-case'),
  profile: Profile,
  chainId: Fr,
  version: Fr,
  checkpoints: Schema.mutable(Schema.Array(Schema.Uint8ArrayFromSelf)),
  /** The pre-state: a state file (spec §8) every implementation restores instead of starting at genesis. */
  state: Schema.optional(Schema.Uint8ArrayFromSelf),
  /** The agreed outcome of each checkpoint when the case was recorded (replay checks them). */
  expected: Schema.optional(Schema.mutable(Schema.Array(Outcome))),
  meta: Meta,
});
export type CaseFile = typeof CaseFile.Type;
export type CaseMeta = typeof Meta.Type;

/** What the oracle runs: a chain configuration and the checkpoints, as bytes. */
export interface Case {
  profile: 'aztec' | 'small';
  chainId: bigint;
  version: bigint;
  checkpoints: Uint8Array[];
  /**
   * Where the chain starts: absent, the genesis of (profile, chainId, version); else a state file
   * (spec §8) every implementation restores. Its chain id and version are the case's.
   */
  state?: Uint8Array;
}

export function decodeCaseFile(bytes: Uint8Array): CaseFile {
  const c = decodeWith(CaseFile, 'case file', bytes, 'case');
  if (c.checkpoints.length === 0) throw new DecodeError('case file', 'a case needs at least one checkpoint');
  if (c.expected && c.expected.length !== c.checkpoints.length) throw new DecodeError('case file', `expected has ${c.expected.length} outcomes for ${c.checkpoints.length} checkpoints`);
  return c;
}

export const encodeCaseFile = (c: CaseFile): Uint8Array => encodeWith(CaseFile, c);

export function readCaseFile(path: string): CaseFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new DecodeError('case file', `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return decodeCaseFile(bytes);
  } catch (err) {
    if (err instanceof DecodeError) throw new DecodeError('case file', `${path}: ${err.message.replace(/^invalid case file: /, '')}`);
    throw err;
  }
}

/** Content address of a case: the same checkpoints under the same configuration, the same name. */
export function caseId(c: Case): string {
  const h = createHash('sha256');
  h.update(`${c.profile}:${c.chainId}:${c.version}:${c.checkpoints.length}:`);
  // Genesis cases keep the ids they had before pre-states existed.
  if (c.state) h.update(`state:${c.state.length}:`).update(c.state);
  for (const cp of c.checkpoints) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(cp.length);
    h.update(len).update(cp);
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * Writes a case into `dir` as `<prefix><id>.case`, atomically (temp file + rename) so a killed run
 * never leaves a half-written file. Returns the path; an existing identical case is not rewritten.
 */
export function writeCaseFile(dir: string, prefix: string, file: CaseFile): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${prefix}${caseId(file)}${CASE_EXTENSION}`);
  try {
    statSync(path);
    return path;
  } catch {
    // not there yet
  }
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodeCaseFile(file));
  renameSync(tmp, path);
  return path;
}

/** Every case file under a file or directory path (recursively), sorted so runs are reproducible. */
export function listCaseFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new DecodeError('corpus', `cannot read ${path}: ${(err as Error).message}`);
  }
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(CASE_EXTENSION)) out.push(join(d, e.name));
    }
  };
  walk(path);
  return out;
}

/** The chain a bare checkpoint file applies to: difftower's default genesis (`genesis`, `gen`). */
export const DEFAULT_CHAIN = { chainId: 31337n, version: 1n } as const;

/**
 * A case made of checkpoint files (as `difftower gen` writes them: a sequence from genesis), applied
 * in the given order from the default genesis of their profile.
 */
export function caseFromCheckpointFiles(paths: string[]): CaseFile {
  const checkpoints = paths.map((p) => readFileSync(p));
  let profile: 'aztec' | 'small';
  try {
    profile = decodeCheckpoint(checkpoints[0]).profile;
  } catch (err) {
    if (err instanceof DecodeError) throw new DecodeError('checkpoint', `${paths[0]}: ${err.message.replace(/^invalid checkpoint: /, '')}`);
    throw err;
  }
  return { v: 1, kind: 'difftower-case', profile, ...DEFAULT_CHAIN, checkpoints, meta: { origin: 'checkpoint-files', note: `from ${paths.length === 1 ? paths[0] : `${paths[0]} .. ${paths[paths.length - 1]}`}` } };
}

const CHECKPOINT_FILE = /\.msgpack$/;

/**
 * What `replay` runs for one path: a case file; a directory's case files (recursively), or, when it
 * holds none, its checkpoint files (`*.msgpack`) as one case; a lone checkpoint file as a
 * one-checkpoint case. Another kind of difftower file is named in one line.
 */
export function readReplayInputs(path: string): { file: string; c: CaseFile }[] {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new DecodeError('case file', `cannot read ${path}: ${(err as Error).message}`);
  }
  if (st.isDirectory()) {
    const cases = listCaseFiles(path);
    if (cases.length) return cases.map((file) => ({ file, c: readCaseFile(file) }));
    const cps = readdirSync(path).filter((n) => CHECKPOINT_FILE.test(n)).sort().map((n) => join(path, n));
    if (cps.length) return [{ file: path, c: caseFromCheckpointFiles(cps) }];
    return [];
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new DecodeError('case file', `cannot read ${path}: ${(err as Error).message}`);
  }
  const kind = kindOfBytes(bytes);
  if (kind === 'checkpoint') return [{ file: path, c: caseFromCheckpointFiles([path]) }];
  if (kind && kind !== 'case') throw new DecodeError('case file', `${path}: this is ${FILE_KIND_NAMES[kind]}; replay takes case files (.case) and checkpoint files from \`difftower gen\``);
  return [{ file: path, c: readCaseFile(path) }];
}

export const caseOf = (f: CaseFile): Case => ({ profile: f.profile, chainId: f.chainId, version: f.version, checkpoints: f.checkpoints, ...(f.state ? { state: f.state } : {}) });
