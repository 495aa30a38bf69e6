// Shared by the fault-injection test files (split so vitest runs them on both cores): runs the
// fuzzer on the real TypeScript STF beside one faulty implementation (a TypeScript mutant in
// process, or the Rust STF with one fault point selected, as a subprocess) and checks what it
// reports.

import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { InProcessTsImplementation } from '../../impls/adapters/in-process-ts.js';
import { describeFinding } from '../../oracle/run.js';
import { writeCaseFile } from '../../corpus/case.js';
import { FuzzEngine, type EngineFinding } from '../engine.js';
import type { Implementation } from '../../impls/implementation.js';
import { loadMutant, type Mutant } from './mutants.js';

export interface Budget {
  /** Cases the fuzzer may draw before it must have reported the fault. */
  cases: number;
  /** The largest acceptable reproducer, in checkpoints. */
  maxCheckpoints: number;
}

export interface Fault {
  name: string;
  fault: string;
  /** Starts the faulty implementation. */
  make: () => Promise<Implementation>;
}

export const mutantFault = (m: Mutant): Fault => ({ name: m.name, fault: m.fault, make: () => loadMutant(m) });

export function faultTest(mutant: Fault, budget: Budget): void {
  it(`${mutant.name}: ${mutant.fault}`, async () => {
    const faulty = await mutant.make();
    const findings: EngineFinding[] = [];
    const engine = new FuzzEngine({
      profile: 'small',
      seed: 1n,
      runs: budget.cases,
      impls: [new InProcessTsImplementation(), faulty],
      stopOnFinding: true,
      // Shrinking bounded by attempts only, so the reproducer does not depend on machine speed.
      shrinkBudget: 80,
      shrinkTimeMs: Number.POSITIVE_INFINITY,
      onFinding: (f) => findings.push(f),
    });
    const t0 = performance.now();
    await engine.run();
    await engine.close();
    expect(findings, `no divergence within ${budget.cases} cases`).toHaveLength(1);
    const f = findings[0];
    // Kept for the record (not committed): what each fault needed on this machine.
    const dir = join(import.meta.dirname, '../../.difftower');
    mkdirSync(dir, { recursive: true });
    appendFileSync(
      join(dir, 'fault-detection.jsonl'),
      JSON.stringify({
        mutant: mutant.name,
        faulty: faulty.name,
        budget: budget.cases,
        maxCheckpoints: budget.maxCheckpoints,
        casesToFind: f.execsToFind,
        msToFind: Math.round(f.msToFind),
        checkpointsBeforeShrink: f.originalCheckpoints,
        checkpointsAfterShrink: f.reproducer.checkpoints.length,
        shrinkAttempts: f.shrinkAttempts,
        shrinkMs: Math.round(f.shrinkMs),
        totalMs: Math.round(performance.now() - t0),
        finding: describeFinding(f.finding),
        localization: f.finding.localization ?? null,
      }) + '\n',
    );
    // The reproducer, for promotion to corpus/regressions (difftower replay --record).
    writeCaseFile(join(dir, 'fault-findings'), `${mutant.name}-`, {
      v: 1,
      kind: 'difftower-case',
      ...f.reproducer,
      meta: { origin: 'finding', note: `reproducer of the ${mutant.name} mutant: ${mutant.fault}`, seed: '1', iteration: f.iteration, finding: { ...f.finding } },
    });
    expect(f.finding.rightImpl).toBe(faulty.name);
    expect(f.finding.checkpoint).toBe(f.reproducer.checkpoints.length);
    expect(f.reproducer.checkpoints.length).toBeLessThanOrEqual(budget.maxCheckpoints);
    // Bounded by cases, not time; the slowest fault needs about 25 s of CPU idle, so this backstop
    // holds at ten times that on a loaded machine.
  }, 600_000);
}
