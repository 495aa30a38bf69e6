// `npm run bench:cpu -- --runs N --seed S [--base DIR] [--no-fuzz]`: CPU time (not wall time) on
// fixed, seeded work, every figure next to the figures it is judged against, measured in the same
// run: this checkout, the previous main built side by side (--base, default /work/wt/base or
// $DIFFTOWER_BENCH_BASE: a checkout with node_modules and dist/rust-wasm), bb.js's Poseidon2, Rust
// native, Aztec's native world state (when `npm run setup:aztec` has been run; skipped with a line
// otherwise), and the hash-count limit (permutations x native Rust CPU time per permutation).
// Each figure is the median of N runs (min in brackets).
//
// CPU time: process.cpuUsage for work in this process (the jco-transpiled Rust-WASM component is
// instantiated here, not in a worker), /proc/<pid>/stat (utime + stime, all threads) for
// subprocesses, /proc/self/schedstat inside the Rust example that times one permutation, and
// process.cpuUsage inside a child process (all its threads) for fuzzing.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BackendType, BarretenbergSync } from '@aztec/bb.js';
import { encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
import { frToBytes } from '../core/schema.js';
import { SubprocessImplementation } from '../impls/adapters/subprocess.js';
import type { Implementation } from '../impls/implementation.js';
import { hashPair, permutationCount } from '../impls/ts/src/hash/poseidon2.js';
import { ChainState } from '../impls/ts/src/index.js';

const root = join(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    base: { type: 'string', default: process.env.DIFFTOWER_BENCH_BASE ?? '/work/wt/base' },
    'no-fuzz': { type: 'boolean', default: false },
    'fuzz-only': { type: 'boolean', default: false },
    txs: { type: 'string', default: '78' },
  },
});
const RUNS = Math.max(1, Number(args.runs));
const SEED = Number(args.seed);
const TXS = Number(args.txs);
const base = args.base && existsSync(join(args.base, 'impls/ts/src/hash/poseidon2.ts')) && existsSync(join(args.base, 'node_modules')) ? args.base : null;
if (!base) console.log(`(previous main not found at ${args.base}: its columns are skipped; build it with \`git worktree add DIR <commit>\` plus node_modules and dist/rust-wasm)`);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);
/** CPU time of a process (all its threads, and its waited-for children) in ms. */
const procCpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (xs: number[], digits = 1) => `${median(xs).toFixed(digits)} [${Math.min(...xs).toFixed(digits)}]`;
const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

if (!args['fuzz-only']) await benchHashAndApply();

async function benchHashAndApply(): Promise<void> {
// ---- Poseidon2 ---------------------------------------------------------------------------------
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const N = 3000;
let s = BigInt(SEED) | 1n;
const rand = () => {
  s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
  return ((s << 190n) ^ (s << 100n) ^ s) % P;
};
const pairs = Array.from({ length: N }, () => [rand(), rand()] as const);
const pairBytes = pairs.map(([a, b]) => [frToBytes(a), frToBytes(b)]);
const bb = await BarretenbergSync.new({ backend: BackendType.Wasm, threads: 1, skipSrsInit: true });
const baseHash = base ? ((await import(pathToFileURL(join(base, 'impls/ts/src/hash/poseidon2.ts')).href)) as { hashPair: typeof hashPair }).hashPair : null;
const hashers: [string, () => void][] = [
  ['TS hashPair (this checkout)', () => pairs.forEach(([a, b]) => hashPair(a, b))],
  ...(baseHash ? [['TS hashPair (previous main)', () => pairs.forEach(([a, b]) => baseHash(a, b))] as [string, () => void]] : []),
  ['bb.js 5.0.0 poseidon2Hash, sync WASM from JS', () => pairBytes.forEach((inputs) => bb.poseidon2Hash({ inputs }))],
];
const hashUs: Record<string, number[]> = {};
for (let r = 0; r <= RUNS; r++) {
  for (const [name, run] of hashers) {
    const t = cpuMs();
    run();
    if (r > 0) (hashUs[name] ??= []).push(((cpuMs() - t) * 1000) / N); // run 0 warms up
  }
}
const bbUs = median(hashUs['bb.js 5.0.0 poseidon2Hash, sync WASM from JS']);

const permExample = join(root, 'impls/rust/target/release/examples/permutation_cpu');
let nativePermUs: number | null = null;
if (existsSync(permExample)) {
  const runs = Array.from({ length: RUNS }, () => JSON.parse(execFileSync(permExample, ['20000']).toString()).nsPerPermutation / 1000);
  nativePermUs = median(runs);
  hashUs['Rust native hash_pair (one permutation)'] = runs;
} else console.log(`(${permExample} not built: \`cargo build --release --example permutation_cpu\` in impls/rust; no hash-count limit)`);
console.log(`\nPoseidon2, 2 inputs: CPU µs per hash, median [min] of ${RUNS} runs of ${N} hashes`);
console.table(Object.entries(hashUs).map(([name, v]) => ({ hash: name, 'µs/hash': fmt(v, 2), 'vs bb.js': x(median(v), bbUs) })));

// ---- maximal aztec checkpoint ------------------------------------------------------------------
const cp = new CheckpointGenerator({ profile: 'aztec', seed: SEED, maximal: true, maxBlocks: 1, maxTxs: TXS }).next();
const bytes = encodeCheckpoint(cp);
const counted = ChainState.genesis('aztec');
const p0 = permutationCount();
const check = counted.apply(cp);
if (check.status !== 'accepted') throw new Error(`the maximal checkpoint was rejected: ${check.code} ${check.message}`);
const perms = permutationCount() - p0;
const limitMs = nativePermUs === null ? null : (perms * nativePermUs) / 1000;

interface Runner {
  name: string;
  genesis(): Promise<void>;
  /** CPU ms of one apply of `bytes`. */
  apply(): Promise<number>;
  close?(): Promise<void>;
}
const genesisParams = { profile: 'aztec' as const, chainId: 31337n, version: 1n };
async function inThreadTs(name: string, dir: string): Promise<Runner> {
  const { InProcessTsImplementation } = (await import(pathToFileURL(join(dir, 'impls/adapters/in-process-ts.ts')).href)) as typeof import('../impls/adapters/in-process-ts.js');
  const impl = new InProcessTsImplementation();
  return { name, genesis: async () => void (await impl.genesis(genesisParams)), apply: async () => timed(() => impl.apply(bytes)) };
}
async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = cpuMs();
  const r = (await f()) as { kind: string; outcome?: { status: string } };
  const ms = cpuMs() - t;
  if (r.kind !== 'outcome' || r.outcome!.status !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(r).slice(0, 200)}`);
  return ms;
}
interface StfExports {
  genesis(profile: string, chainId: Uint8Array, version: Uint8Array): void;
  apply(checkpoint: Uint8Array): Uint8Array;
}
async function inThreadWasm(name: string, dir: string): Promise<Runner | null> {
  const modulePath = join(dir, 'dist/rust-wasm/stf.js');
  if (!existsSync(modulePath)) return (console.log(`(${modulePath} missing: ${name} skipped)`), null);
  const mod = (await import(pathToFileURL(modulePath).href)) as { instantiate(get: (n: string) => Promise<WebAssembly.Module>, imports: object): Promise<StfExports> };
  const stf = await mod.instantiate(async (n) => WebAssembly.compile(await readFile(join(dirname(modulePath), n))), {});
  return {
    name,
    genesis: async () => stf.genesis('aztec', frToBytes(31337n), frToBytes(1n)),
    apply: async () => {
      const t = cpuMs();
      stf.apply(bytes);
      return cpuMs() - t;
    },
  };
}
function subprocess(name: string, impl: Implementation & { pid?: number }): Runner {
  return {
    name,
    genesis: async () => void (await impl.genesis(genesisParams)),
    apply: async () => {
      const pid = impl.pid!;
      const t = procCpuMs(pid);
      const r = await impl.apply(bytes);
      if (r.kind !== 'outcome' || r.outcome.status !== 'accepted') throw new Error(`${name}: not accepted (${r.kind})`);
      return procCpuMs(pid) - t;
    },
    close: () => impl.close(),
  };
}

const runners: Runner[] = [await inThreadTs('TS (this checkout)', root)];
if (base) runners.push(await inThreadTs('TS (previous main)', base));
for (const r of [await inThreadWasm('Rust-WASM (this checkout)', root), base ? await inThreadWasm('Rust-WASM (previous main)', base) : null]) if (r) runners.push(r);
const nativeBin = join(root, 'impls/rust/target/release/difftower-stf-rust');
if (existsSync(nativeBin)) runners.push(subprocess('Rust native (subprocess)', new SubprocessImplementation('rust-native', nativeBin, [], { timeoutMs: 600_000 })));
else console.log(`(${nativeBin} not built: \`cargo build --release\` in impls/rust; Rust native skipped)`);
const applyMs: Record<string, number[]> = {};
for (let r = 0; r < RUNS; r++) {
  for (const runner of runners) {
    await runner.genesis();
    (applyMs[runner.name] ??= []).push(await runner.apply());
  }
}
await Promise.all(runners.map((r) => r.close?.()));
// Aztec's native world state runs in its own script (impls/aztec/scripts/apply-cpu.mjs, through
// node.sh), which splits an apply into its fork build and the world state's sync of the finished
// block (what a following node does: the fair race against our apply), and counts bb.js's bb child.
const aztecDir = join(root, 'impls/aztec');
const { aztecSetupProblem } = await import('../impls/aztec-setup.js');
const aztecProblem = aztecSetupProblem(aztecDir);
if (aztecProblem) console.log(`(Aztec native world state skipped: ${aztecProblem}; run \`npm run setup:aztec\`)`);
else {
  const file = join(mkdtempSync(join(tmpdir(), 'difftower-bench-')), 'checkpoint.bin');
  writeFileSync(file, bytes);
  const out = execFileSync(join(aztecDir, 'node.sh'), [join(aztecDir, 'scripts/apply-cpu.mjs'), file, String(RUNS + 1)], { env: { ...process.env, LOG_LEVEL: 'error' }, maxBuffer: 1 << 24 }).toString();
  const runs = (JSON.parse(out.trim().split('\n').pop()!) as { build: number; sync: number; bb: number; total: number }[]).slice(1); // run 0 warms up
  applyMs['Aztec native world state: whole apply (fork build + sync + bb child)'] = runs.map((r) => r.total);
  applyMs['Aztec native world state: sync only (handleL2BlockAndMessages, as a following node)'] = runs.map((r) => r.sync);
}
const nativeMs = applyMs['Rust native (subprocess)'] ? median(applyMs['Rust native (subprocess)']) : null;
console.log(`\nMaximal aztec checkpoint (seed ${SEED}: 1 block of ${TXS} maximal txs, ${perms.toLocaleString('en')} permutations): CPU ms per apply, median [min] of ${RUNS}`);
if (limitMs !== null) console.log(`hash-count limit: ${perms.toLocaleString('en')} x ${nativePermUs!.toFixed(2)} µs = ${limitMs.toFixed(0)} ms`);
console.table(
  Object.entries(applyMs).map(([name, v]) => ({
    implementation: name,
    'CPU ms': fmt(v, 0),
    'vs Rust native': nativeMs ? x(median(v), nativeMs) : '-',
    'vs hash-count limit': limitMs ? x(median(v), limitMs) : '-',
  })),
);

bb.destroy();
}

// ---- differential fuzzing ------------------------------------------------------------------------
if (!args['no-fuzz']) {
  const child = join(root, 'bench/fuzz-cpu-child.ts');
  const tsx = join(root, 'node_modules/.bin/tsx');
  // Each job reports its steady state (bench/fuzz-cpu-child.ts): CPU and checkpoints from the moment
  // every worker has finished its first cases to the end, so thread start-up, module loading and
  // WebAssembly compilation are out of the per-checkpoint figure. The whole-run CPU is shown too.
  const jobs: { profile: 'small' | 'aztec'; runs: number }[] = [{ profile: 'small', runs: 200 }, { profile: 'aztec', runs: 24 }];
  type Job = { cpuMs: number; checkpoints: number; novel: number; steady: { cpuMs: number; checkpoints: number } | null };
  const fuzzJob = (dir: string, profile: string, runs: number, workers: number): Job =>
    JSON.parse(execFileSync(tsx, [child, dir, profile, String(runs), String(SEED), String(workers)], { cwd: dir, maxBuffer: 1 << 24 }).toString().trim().split('\n').pop()!);
  const rows: Record<string, string>[] = [];
  for (const { profile, runs } of jobs) {
    for (const [tree, dir] of [['this checkout', root], ...(base ? [['previous main', base]] : [])] as [string, string][]) {
      const steady: Record<number, number[]> = { 1: [], 2: [] };
      const whole: Record<number, number[]> = { 1: [], 2: [] };
      const stored: Record<number, number> = {};
      for (let r = 0; r < RUNS; r++) {
        for (const workers of [1, 2]) {
          const job = fuzzJob(dir, profile, runs, workers);
          if (job.steady && job.steady.checkpoints > 0) steady[workers].push(job.steady.cpuMs / job.steady.checkpoints);
          whole[workers].push(job.cpuMs / job.checkpoints);
          stored[workers] = job.novel;
        }
      }
      const f = (xs: number[]) => (xs.length ? fmt(xs, 2) : '-');
      rows.push({
        profile, tree, cases: String(runs),
        'steady CPU ms/checkpoint, 1 worker': f(steady[1]),
        'steady CPU ms/checkpoint, 2 workers': f(steady[2]),
        'checkpoints per CPU s, 2w/1w': steady[1].length && steady[2].length ? x(median(steady[1]), median(steady[2])) : '-',
        'whole-run CPU ms/checkpoint 1w / 2w': `${median(whole[1]).toFixed(2)} / ${median(whole[2]).toFixed(2)}`,
        'cases stored 1w / 2w': `${stored[1]} / ${stored[2]}`,
      });
    }
  }
  console.log(`\nDifferential fuzzing, ts + rust, seed ${SEED}: CPU of the whole process (workers included) per checkpoint, in the steady state (after every worker's first cases) and over the whole run, median [min] of ${RUNS}`);
  console.table(rows);
}
