// Child process of bench/cpu.ts: runs one fixed differential fuzz job with the fuzz pool of the
// tree given as argv[2] (this checkout or the previous main built side by side) and prints one JSON
// line with the process's CPU time (all threads: workers included) and the work done.
//
// Besides the totals it reports the steady state: the CPU time and checkpoints from the first
// progress report at which every worker has finished WARM cases (threads started, modules loaded,
// WebAssembly compiled) to the end. Start-up is then out of the per-checkpoint figure without a
// second run, so 1 and 2 workers are compared on the same footing.
// Usage: tsx bench/fuzz-cpu-child.ts ROOT PROFILE RUNS SEED WORKERS

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const WARM = 3;
const [root, profile, runs, seed, workers] = process.argv.slice(2);
const { FuzzRun } = (await import(pathToFileURL(join(root, 'fuzz/pool.ts')).href)) as typeof import('../fuzz/pool.js');
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let novel = 0;
const at: { warm: { cpuMs: number; checkpoints: number } | null } = { warm: null };
const cpu0 = cpuMs();
const { stats } = await new FuzzRun({
  profile: profile as 'small' | 'aztec', impls: 'ts,rust', seed: BigInt(seed), workers: Number(workers), runs: Number(runs),
  timeoutMs: 60_000, corpus: [], onNovel: () => novel++,
  onProgress: (total, perWorker) => {
    if (!at.warm && perWorker.length === Number(workers) && perWorker.every((s) => s.cases >= WARM)) at.warm = { cpuMs: cpuMs(), checkpoints: total.checkpoints };
  },
}).run();
const end = cpuMs();
const { warm } = at;
console.log(JSON.stringify({
  cpuMs: end - cpu0, checkpoints: stats.checkpoints, cases: stats.cases, novel, genMs: stats.genMs, implMs: stats.implMs,
  steady: warm ? { cpuMs: end - warm.cpuMs, checkpoints: stats.checkpoints - warm.checkpoints } : null,
}));
