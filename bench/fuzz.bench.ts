// Differential fuzzing throughput: checkpoints per second through TypeScript + Rust-WASM, both
// profiles, one worker and all cores, with the time split between generation, each implementation
// and comparison. Part one (tinybench) times one fuzz case end to end on a fixed set of cases;
// part two runs the real fuzz loop (fuzz/pool.ts) for a fixed wall time and reads its counters.
// Run alone: npx tsx bench/fuzz.bench.ts (also part of `npm run bench`).

import { availableParallelism } from 'node:os';
import fc from 'fast-check';
import { Bench } from 'tinybench';
import { makeImplementations } from '../impls/registry.js';
import { CaseBuilder } from '../fuzz/build.js';
import { FuzzRun } from '../fuzz/pool.js';
import { casePlanArb } from '../fuzz/plan.js';
import { Oracle } from '../oracle/run.js';

const SECONDS = { small: 20, aztec: 30 };

export async function benchFuzz(): Promise<void> {
  // ---- one case at a time (tinybench): generation vs oracle -------------------------------------
  const rows: Record<string, string>[] = [];
  for (const profile of ['small', 'aztec'] as const) {
    const plans = fc.sample(casePlanArb(profile), { seed: 42, numRuns: 16 });
    const builder = new CaseBuilder(profile);
    const cases = plans.map((p) => builder.build(p));
    const oracle = new Oracle(makeImplementations('ts,rust', 120_000));
    let i = 0;
    let j = 0;
    const b = new Bench({ iterations: profile === 'small' ? 32 : 8, time: 0, warmupIterations: 2 });
    b.add(`${profile}: build a case (plan -> bytes)`, () => void builder.build(plans[i++ % plans.length]));
    b.add(`${profile}: run a case (ts + rust, compare)`, async () => void (await oracle.run(cases[j++ % cases.length])));
    await b.run();
    await oracle.close();
    const cps = cases.reduce((n, c) => n + c.checkpoints.length, 0) / cases.length;
    for (const t of b.tasks) {
      const mean = (t.result as { latency: { mean: number } }).latency.mean;
      rows.push({ task: t.name, 'ms/case (mean)': mean.toFixed(1), 'checkpoints/case': cps.toFixed(1), 'ms/checkpoint': (mean / cps).toFixed(2) });
    }
  }
  console.log('\nFuzz case, one at a time (tinybench):');
  console.table(rows);

  // ---- the fuzz loop: 1 worker and all cores ----------------------------------------------------
  const table: Record<string, string | number>[] = [];
  for (const profile of ['small', 'aztec'] as const) {
    for (const workers of [...new Set([1, availableParallelism()])]) {
      const run = new FuzzRun({ profile, impls: 'ts,rust', seed: 1n, workers, deadline: Date.now() + SECONDS[profile] * 1000, timeoutMs: 120_000, corpus: [] });
      const { stats: s, findings } = await run.run();
      const busy = s.genMs + Object.values(s.implMs).reduce((a, b) => a + b, 0) + s.compareMs;
      const share = (ms: number) => `${((100 * ms) / busy).toFixed(0)}%`;
      table.push({
        profile,
        workers,
        seconds: (s.elapsedMs / 1000).toFixed(1),
        cases: s.cases,
        checkpoints: s.checkpoints,
        'checkpoints/s': (s.checkpoints / (s.elapsedMs / 1000)).toFixed(1),
        generation: share(s.genMs),
        ts: share(s.implMs.ts ?? 0),
        rust: share(s.implMs.rust ?? 0),
        compare: share(s.compareMs),
        divergences: findings,
      });
    }
  }
  console.log('\nDifferential fuzzing, TypeScript + Rust-WASM (time shares: summed over workers; ts and rust overlap in time):');
  console.table(table);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchFuzz();
