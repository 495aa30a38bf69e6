// Measures the fault table (docs/faults.md): for every fault of the suite, the cases the fuzzer
// drew (seed 1, one worker, in-thread) until it reported the fault, the CPU time that took, and
// the reproducer's size. Not a test: `npx tsx fuzz/test/measure-faults.ts [--runs N] [--coverage] [NAME...]`
// (`--coverage`: with coverage guidance, as `difftower fuzz --coverage`).
// Prints one JSON line per fault.

import { parseArgs } from 'node:util';
import { InProcessTsImplementation } from '../../impls/adapters/in-process-ts.js';
import type { Implementation } from '../../impls/implementation.js';
import { describeFinding } from '../../oracle/run.js';
import { FuzzEngine, type EngineFinding } from '../engine.js';
import { loadMutant, MUTANTS } from './mutants.js';
import { buildFaultyRust, RUST_FAULTS, rustWithFault } from './rust-faults.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '1500' }, coverage: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const all: { name: string; kind: 'ts' | 'rust'; make: () => Promise<Implementation> }[] = [
  ...MUTANTS.map((m) => ({ name: m.name, kind: 'ts' as const, make: () => loadMutant(m) })),
  ...RUST_FAULTS.map((f) => ({ name: f.name, kind: 'rust' as const, make: async () => rustWithFault(f) })),
];
if (all.some((f) => f.kind === 'rust')) buildFaultyRust();
for (const f of all.filter((f) => positionals.length === 0 || positionals.includes(f.name))) {
  const findings: EngineFinding[] = [];
  const engine = new FuzzEngine({ profile: 'small', seed: 1n, runs, impls: [new InProcessTsImplementation(), await f.make()], stopOnFinding: true, shrinkBudget: 80, shrinkTimeMs: Number.POSITIVE_INFINITY, coverage: values.coverage, onFinding: (x) => findings.push(x) });
  const cpu0 = process.cpuUsage();
  const stats = await engine.run();
  const cpu = process.cpuUsage(cpu0);
  await engine.close();
  const x = findings[0];
  console.log(JSON.stringify({
    fault: f.name, impl: f.kind, found: !!x, casesToFind: x?.execsToFind ?? null, casesRun: stats.cases,
    msToFind: x ? Math.round(x.msToFind) : null, cpuMsTotal: Math.round((cpu.user + cpu.system) / 1000),
    checkpointsBeforeShrink: x?.originalCheckpoints ?? null, reproducerCheckpoints: x?.reproducer.checkpoints.length ?? null,
    finding: x ? describeFinding(x.finding) : null,
  }));
}
