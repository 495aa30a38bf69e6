// difftower command line. Exit codes (stable, for CI): 0 success; 1 a checkpoint was rejected
// (apply) or a run found a problem; 2 usage error; 3 unreadable or invalid input file.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DecodeError, decodeChainState, decodeCheckpoint, encodeChainState, encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
import { ChainState, fromStateFile, toStateFile, type Outcome } from '../impls/ts/src/index.js';

const EXIT = { ok: 0, finding: 1, usage: 2, input: 3 } as const;

const HELP = `difftower — multi-implementation STF checker for the Aztec rollup

Usage:
  difftower run      [--profile small|aztec] [--checkpoints N] [--seed S] [--json]
                     Build a genesis state, apply N generated checkpoints, print the roots.
  difftower genesis  [--profile small|aztec] --out STATE
                     Write the genesis state (canonical msgpack).
  difftower gen      [--profile small|aztec] [--count N] [--seed S] --out DIR
                     Write N generated checkpoints (cp-0001.msgpack, ...).
  difftower apply    --state STATE --checkpoint FILE [--out NEW_STATE]
                     Apply a checkpoint to a state; print the outcome as JSON.

Options:
  -h, --help         Show this help.      --version  Print the version.

Exit codes: 0 ok, 1 checkpoint rejected, 2 usage error, 3 invalid input file.`;

class UsageError extends Error {}

const hex = (v: bigint) => '0x' + v.toString(16).padStart(64, '0');

function outcomeJson(o: Outcome) {
  if (o.status === 'rejected') return o;
  const snap = (s: { root: bigint; nextIndex: number }) => ({ root: hex(s.root), nextIndex: s.nextIndex });
  return {
    status: o.status,
    state: { l1ToL2: snap(o.state.l1ToL2), noteHash: snap(o.state.noteHash), nullifier: snap(o.state.nullifier), publicData: snap(o.state.publicData) },
    archive: snap(o.archive),
    blockHeaderHashes: o.blockHeaderHashes.map(hex),
    blobFieldCount: o.blobFields.length,
  };
}

function profileOf(v: string | undefined): 'aztec' | 'small' {
  const p = v ?? 'small';
  if (p !== 'aztec' && p !== 'small') throw new UsageError(`unknown profile '${p}' (expected small or aztec)`);
  return p;
}

function intOf(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`);
  return n;
}

function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new DecodeError('file', `cannot read ${path}: ${(err as Error).message}`);
  }
}

function cmdRun(args: string[]): number {
  const { values } = parseArgs({ args, options: { profile: { type: 'string' }, checkpoints: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } } });
  const profile = profileOf(values.profile);
  const n = intOf(values.checkpoints, 'checkpoints', 5);
  const seed = BigInt(intOf(values.seed, 'seed', 1));
  const state = ChainState.genesis(profile);
  const gen = new CheckpointGenerator({ profile, seed });
  const lines: unknown[] = [];
  const print = (label: string, o: ReturnType<typeof outcomeJson> | { archive: { root: string; nextIndex: number } }) => {
    if (values.json) lines.push({ label, ...o });
    else if ('status' in o && o.status === 'rejected') console.log(`${label}: rejected ${o.code} ${o.message}`);
    else if ('state' in o) console.log(`${label}: archive ${o.archive.root} (${o.archive.nextIndex})  noteHash ${o.state.noteHash.root}  nullifier ${o.state.nullifier.root}  publicData ${o.state.publicData.root}  l1ToL2 ${o.state.l1ToL2.root}`);
    else console.log(`${label}: archive ${o.archive.root} (${o.archive.nextIndex})`);
  };
  const genesisArchive = state.archiveSnapshot();
  print(`genesis (${profile})`, { archive: { root: hex(genesisArchive.root), nextIndex: genesisArchive.nextIndex } });
  let rejected = 0;
  for (let i = 1; i <= n; i++) {
    const o = state.apply(gen.next());
    if (o.status === 'rejected') rejected++;
    print(`checkpoint ${i}`, outcomeJson(o));
  }
  if (values.json) console.log(JSON.stringify(lines, null, 2));
  return rejected === 0 ? EXIT.ok : EXIT.finding;
}

function cmdGenesis(args: string[]): number {
  const { values } = parseArgs({ args, options: { profile: { type: 'string' }, out: { type: 'string' } } });
  if (!values.out) throw new UsageError('genesis needs --out STATE');
  writeFileSync(values.out, encodeChainState(toStateFile(ChainState.genesis(profileOf(values.profile)))));
  return EXIT.ok;
}

function cmdGen(args: string[]): number {
  const { values } = parseArgs({ args, options: { profile: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } } });
  if (!values.out) throw new UsageError('gen needs --out DIR');
  const gen = new CheckpointGenerator({ profile: profileOf(values.profile), seed: BigInt(intOf(values.seed, 'seed', 1)) });
  mkdirSync(values.out, { recursive: true });
  const count = intOf(values.count, 'count', 3);
  for (let i = 1; i <= count; i++) writeFileSync(join(values.out, `cp-${String(i).padStart(4, '0')}.msgpack`), encodeCheckpoint(gen.next()));
  return EXIT.ok;
}

function cmdApply(args: string[]): number {
  const { values } = parseArgs({ args, options: { state: { type: 'string' }, checkpoint: { type: 'string' }, out: { type: 'string' } } });
  if (!values.state || !values.checkpoint) throw new UsageError('apply needs --state STATE and --checkpoint FILE');
  const stateFile = decodeChainState(readInput(values.state));
  let state: ChainState;
  try {
    state = fromStateFile(stateFile);
  } catch (err) {
    throw new DecodeError('state', (err as Error).message);
  }
  let outcome: Outcome;
  try {
    outcome = state.apply(decodeCheckpoint(readInput(values.checkpoint)));
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    outcome = { status: 'rejected', code: 'E_MALFORMED_INPUT', message: err.message };
  }
  console.log(JSON.stringify(outcomeJson(outcome), null, 2));
  if (values.out && outcome.status === 'accepted') writeFileSync(values.out, encodeChainState(toStateFile(state)));
  return outcome.status === 'accepted' ? EXIT.ok : EXIT.finding;
}

export function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'run':
        return cmdRun(rest);
      case 'genesis':
        return cmdGenesis(rest);
      case 'gen':
        return cmdGen(rest);
      case 'apply':
        return cmdApply(rest);
      case '--version':
        console.log('difftower 0.1.0');
        return EXIT.ok;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        console.log(HELP);
        return cmd === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`difftower: ${(err as Error).message}\nRun 'difftower --help' for usage.`);
      return EXIT.usage;
    }
    if (err instanceof DecodeError) {
      console.error(`difftower: ${err.message}`);
      return EXIT.input;
    }
    throw err;
  }
}


