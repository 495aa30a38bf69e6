// Child process of bench/cpu.ts: runs one fixed differential fuzz job with the fuzz pool of the
// tree given as argv[2] (this checkout or the previous main built side by side) and prints one JSON
// line with the process's CPU time (all threads: workers included) and the work done.
// Usage: tsx bench/fuzz-cpu-child.ts ROOT PROFILE RUNS SEED WORKERS

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, profile, runs, seed, workers] = process.argv.slice(2);
const { FuzzRun } = (await import(pathToFileURL(join(root, 'fuzz/pool.ts')).href)) as typeof import('../fuzz/pool.js');
let novel = 0;
const cpu0 = process.cpuUsage();
const { stats } = await new FuzzRun({
  profile: profile as 'small' | 'aztec', impls: 'ts,rust', seed: BigInt(seed), workers: Number(workers), runs: Number(runs),
  timeoutMs: 60_000, corpus: [], onNovel: () => novel++,
}).run();
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, checkpoints: stats.checkpoints, cases: stats.cases, novel, genMs: stats.genMs, implMs: stats.implMs }));
