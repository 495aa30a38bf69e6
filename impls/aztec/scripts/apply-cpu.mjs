// For bench/cpu.ts: applies one canonical checkpoint file to a fresh Aztec world state RUNS times
// and prints one JSON line of CPU ms per run: `build` (blocks built on a fork, as difftower's
// `aztec` implementation must, since a checkpoint carries no post-state), `sync` (the world state's
// handleL2BlockAndMessages of the finished blocks: what a following node does), `bb` (the bb child
// process that hashes headers and the blob sponge for bb.js), and `total` (all of it).
// Usage: impls/aztec/node.sh impls/aztec/scripts/apply-cpu.mjs CHECKPOINT RUNS
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Barretenberg } from '@aztec/bb.js';
import { readCheckpoint } from '../src/translate.mjs';
import { AztecChain } from '../src/world.mjs';

const [file, runs = '1'] = process.argv.slice(2);
const TICK_MS = 10; // USER_HZ is 100 on Linux x86-64
/** utime + stime of this process's child processes (bb.js's bb), which process.cpuUsage misses. */
const childrenCpuMs = () => {
  let ms = 0;
  for (const task of readdirSync('/proc/self/task')) {
    for (const pid of readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        ms += (Number(f[11]) + Number(f[12])) * TICK_MS;
      } catch { /* exited */ }
    }
  }
  return ms;
};
await Barretenberg.initSingleton({ bbPath: join(dirname(fileURLToPath(import.meta.url)), '..', 'bb.sh') });
const cp = readCheckpoint(readFileSync(file));
const chain = new AztecChain();
const out = [];
for (let r = 0; r < Number(runs); r++) {
  await chain.genesis(31337n, 1n);
  const bb0 = childrenCpuMs();
  await chain.apply(cp);
  const { build, sync } = chain.lastApplyCpuMs;
  const bb = childrenCpuMs() - bb0;
  out.push({ build, sync, bb, total: build + sync + bb });
}
await chain.close();
console.log(JSON.stringify(out));
process.exit(0);
