// difftower command line. Exit codes (stable, for CI): 0 success; 1 a checkpoint was rejected
// (apply) or a run found a problem; 2 usage error; 3 unreadable or invalid input file.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DecodeError, decodeChainState, decodeCheckpoint, encodeChainState, encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
import type { Outcome as CanonicalOutcome } from '../core/schema.js';
import { InProcessTsImplementation } from '../impls/adapters/in-process-ts.js';
import { SubprocessImplementation } from '../impls/adapters/subprocess.js';
import { WasmImplementation } from '../impls/adapters/wasm.js';
import type { Implementation } from '../impls/implementation.js';
import { compareResults } from '../oracle/compare.js';
import { ChainState, fromStateFile, toStateFile, type Outcome } from '../impls/ts/src/index.js';

const EXIT = { ok: 0, finding: 1, usage: 2, input: 3 } as const;

const HELP = `difftower — multi-implementation STF checker for the Aztec rollup

Usage:
  difftower run      [--profile small|aztec] [--checkpoints N] [--seed S] [--impls LIST]
                     [--timeout SECONDS] [--json]
                     Build a genesis state, apply N generated checkpoints with every implementation
                     (default ts,rust; cmd:PROGRAM adds a subprocess implementation), print the
                     roots and whether they agree. Exit 1 on any divergence.
  difftower genesis  [--profile small|aztec] --out STATE
                     Write the genesis state (canonical msgpack).
  difftower gen      [--profile small|aztec] [--count N] [--seed S] --out DIR
                     Write N generated checkpoints (cp-0001.msgpack, ...).
  difftower apply    --state STATE --checkpoint FILE [--out NEW_STATE]
                     Apply a checkpoint to a state; print the outcome as JSON.

Options:
  -h, --help         Show this help.      --version  Print the version.

Exit codes: 0 ok, 1 checkpoint rejected (apply) or divergence (run), 2 usage error,
3 invalid input file.`;

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

/** The package root, whether running from source (cli/) or compiled (dist/cli/). */
const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/cli/') ? '../../' : '../', import.meta.url));

/** `--impls` names: ts, rust (the WASM component), or `cmd:PROGRAM [ARGS]` for a subprocess. */
function makeImplementations(list: string, timeoutMs: number): Implementation[] {
  return list.split(',').map((name) => {
    if (name === 'ts') return new InProcessTsImplementation();
    if (name === 'rust') return new WasmImplementation('rust', join(ROOT, 'dist/rust-wasm/stf.js'), { timeoutMs });
    if (name.startsWith('cmd:') && name.trim().length > 4) {
      const [program, ...args] = name.slice(4).trim().split(/\s+/);
      return new SubprocessImplementation(program.split('/').pop()!, program, args, { timeoutMs });
    }
    throw new UsageError(`unknown implementation '${name}' (expected ts, rust or cmd:PROGRAM)`);
  });
}

function canonicalOutcomeJson(o: CanonicalOutcome) {
  if (o.status === 'rejected') return { status: o.status, code: o.code, message: o.message };
  const snap = (i: number) => ({ root: hex(o.state[2 * i]), nextIndex: Number(o.state[2 * i + 1]) });
  return {
    status: o.status,
    state: { l1ToL2: snap(0), noteHash: snap(1), nullifier: snap(2), publicData: snap(3) },
    archive: { root: hex(o.archive[0]), nextIndex: Number(o.archive[1]) },
    blockHeaderHashes: o.blockHeaderHashes.map(hex),
    blobFieldCount: o.blobFields.length,
  };
}

async function cmdRun(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { profile: { type: 'string' }, checkpoints: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, impls: { type: 'string' }, timeout: { type: 'string' } },
  });
  const profile = profileOf(values.profile);
  const n = intOf(values.checkpoints, 'checkpoints', 5);
  const seed = BigInt(intOf(values.seed, 'seed', 1));
  const impls = makeImplementations(values.impls ?? 'ts,rust', intOf(values.timeout, 'timeout', 30) * 1000);
  const names = impls.map((i) => i.name).join(', ');
  const lines: unknown[] = [];
  let divergences = 0;
  try {
    for (const impl of impls) {
      const g = await impl.genesis({ profile, chainId: 31337n, version: 1n });
      if (g.kind !== 'ok') throw new UsageError(`${impl.name} failed at genesis: ${'message' in g ? g.message : g.kind}`);
    }
    const genesisArchive = ChainState.genesis(profile).archiveSnapshot();
    if (values.json) lines.push({ label: `genesis (${profile})`, archive: { root: hex(genesisArchive.root), nextIndex: genesisArchive.nextIndex } });
    else console.log(`genesis (${profile}): archive ${hex(genesisArchive.root)} (1); implementations: ${names}`);
    const gen = new CheckpointGenerator({ profile, seed });
    for (let i = 1; i <= n; i++) {
      const bytes = encodeCheckpoint(gen.next());
      const results = await Promise.all(impls.map((impl) => impl.apply(bytes)));
      const found = results.slice(1).map((r, k) => ({ impl: impls[k + 1].name, d: compareResults(results[0], r) })).filter((x) => x.d);
      divergences += found.length;
      const first = results[0];
      const o = first.kind === 'outcome' ? canonicalOutcomeJson(first.outcome) : { status: first.kind };
      const agreement = found.length === 0 ? `${impls.length} agree` : found.map(({ impl, d }) => `DIVERGENCE ${impls[0].name} vs ${impl}: ${d!.kind} at ${d!.field} (${d!.left} vs ${d!.right})`).join('; ');
      if (values.json) lines.push({ label: `checkpoint ${i}`, ...o, divergences: found.map(({ impl, d }) => ({ impl, ...d })) });
      else if ('archive' in o && o.archive && o.state) console.log(`checkpoint ${i}: archive ${o.archive.root} (${o.archive.nextIndex})  noteHash ${o.state.noteHash.root}  nullifier ${o.state.nullifier.root}  publicData ${o.state.publicData.root}  [${agreement}]`);
      else console.log(`checkpoint ${i}: ${'code' in o ? `rejected ${o.code}` : o.status}  [${agreement}]`);
    }
  } finally {
    await Promise.all(impls.map((i) => i.close()));
  }
  if (values.json) console.log(JSON.stringify(lines, null, 2));
  else console.log(divergences === 0 ? `no divergence (${names})` : `${divergences} divergence(s)`);
  return divergences === 0 ? EXIT.ok : EXIT.finding;
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

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'run':
        return await cmdRun(rest);
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


