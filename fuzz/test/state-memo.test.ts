// The TS implementation's work is not repeated while fuzzing: the chain view's run is taken by the
// oracle also when the implementation comes from the registry (its lazy wrapper), and states
// reached before are copied instead of computed again (impls/adapters/ts-state-memo.ts). Neither may
// change what a fuzz run finds: the same seed gives the same cases, outcomes, corpus and findings.

import { describe, expect, it } from 'vitest';
import { encodeChainState, encodeCheckpoint } from '../../core/codec.js';
import { CheckpointGenerator } from '../../core/generate.js';
import { InProcessTsImplementation, TsRun } from '../../impls/adapters/in-process-ts.js';
import { TsStateMemo } from '../../impls/adapters/ts-state-memo.js';
import type { Implementation } from '../../impls/implementation.js';
import { makeImplementation } from '../../impls/registry.js';
import * as tsStf from '../../impls/ts/src/index.js';
import { FuzzEngine, type EngineFinding } from '../engine.js';
import { loadMutant, MUTANTS } from './mutants.js';

/** Hides an implementation behind a plain object: the engine cannot tell it is the TS one. */
const opaque = (impl: Implementation): Implementation => ({
  name: impl.name,
  genesis: (p) => impl.genesis(p),
  apply: (b) => impl.apply(b),
  snapshot: () => impl.snapshot(),
  restore: (s) => impl.restore(s),
  close: () => impl.close(),
});

describe('TS state memo', () => {
  it('a run through the memo gives the results and states of a run without it', () => {
    // a pre-state one checkpoint after genesis, then the chain's next checkpoints
    const gen = new CheckpointGenerator({ profile: 'small', seed: 4 });
    const start = tsStf.ChainState.genesis('small');
    expect(start.apply(gen.next()).status).toBe('accepted');
    const stateBytes = encodeChainState(tsStf.toStateFile(start));
    const cps = Array.from({ length: 5 }, () => encodeCheckpoint(gen.next()));
    // a rejected one in the middle (the same checkpoint twice: stale block number)
    cps.splice(2, 0, cps[1]);

    const memo = new TsStateMemo(tsStf);
    const plain = new TsRun();
    const first = new TsRun(tsStf, memo);
    const again = new TsRun(tsStf, memo);
    for (const r of [plain, first]) r.restore(stateBytes);
    const strip = <T extends { elapsedMs: number }>(x: T) => ({ ...x, elapsedMs: 0 });
    const expected = cps.map((b) => strip(plain.apply(b)));
    expect(expected.map((r) => (r.kind === 'outcome' ? r.outcome.status : r.kind))).toContain('rejected');
    expect(cps.map((b) => strip(first.apply(b)))).toEqual(expected);
    memo.settle(true);
    const missesBefore = memo.misses;
    again.restore(stateBytes);
    expect(cps.map((b) => strip(again.apply(b)))).toEqual(expected);
    expect(memo.misses).toBe(missesBefore); // every step came from the memo
    // copies: going on from the memo's states leaves the memo's states as they were
    const next = encodeCheckpoint(gen.next());
    expect(strip(again.apply(next))).toEqual(strip(plain.apply(next)));
    expect(tsStf.toStateFile(again.state!)).toEqual(tsStf.toStateFile(plain.state!));
    const third = new TsRun(tsStf, memo);
    third.restore(stateBytes);
    for (const b of cps) third.apply(b);
    expect(tsStf.toStateFile(third.state!)).not.toEqual(tsStf.toStateFile(plain.state!));
  });

  it('keeps what a case made only when asked, up to its capacity, and never serves another STF module', () => {
    const memo = new TsStateMemo(tsStf, 2);
    const state = tsStf.ChainState.genesis('small');
    memo.set('a', { state });
    memo.settle(false);
    expect(memo.get('a')).toBeUndefined();
    for (const t of ['a', 'b', 'c']) {
      memo.set(t, { state });
      memo.settle(true);
    }
    expect(memo.size).toBe(2);
    expect(memo.get('a')).toBeUndefined(); // least recently used went first
    expect(memo.get('c')).toBeDefined();

    const other = new TsRun({ ...tsStf }, memo); // another module: the memo is not used
    other.genesis({ profile: 'small', chainId: 31337n, version: 1n });
    const before = memo.misses + memo.hits;
    other.apply(encodeCheckpoint(new CheckpointGenerator({ profile: 'small', seed: 1 }).next()));
    expect(memo.misses + memo.hits).toBe(before);
  });
});

describe('fuzzing without repeated TS work', () => {
  it("the oracle takes the chain view's run of the registry's (lazy) TS implementation", async () => {
    const ts = makeImplementation('ts', 60_000, 'small');
    const adapter = (await ts.adapter!()) as InProcessTsImplementation;
    let calls = 0;
    const apply = adapter.apply.bind(adapter);
    adapter.apply = (b) => (calls++, apply(b));
    const engine = new FuzzEngine({ profile: 'small', seed: 3n, runs: 12, mutationRate: 0, impls: [ts, new InProcessTsImplementation('ts2')] });
    const stats = await engine.run();
    await engine.close();
    expect(stats.checkpoints).toBeGreaterThan(20);
    expect(calls).toBe(0); // no mutation: every case was generated and its run recorded
  });

  it('finds the same, from the same cases, with the memo and recording as without them', async () => {
    const mutant = MUTANTS.find((m) => m.name === 'public-data-update-appends')!;
    const run = async (hide: boolean) => {
      const findings: EngineFinding[] = [];
      const novel: string[] = [];
      const ts = new InProcessTsImplementation();
      const engine = new FuzzEngine({
        profile: 'small', seed: 5n, runs: 120, impls: [hide ? opaque(ts) : ts, await loadMutant(mutant)], shrinkBudget: 30,
        onFinding: (f) => findings.push(f), onNovel: (c) => novel.push(Buffer.concat(c.checkpoints).toString('base64')),
      });
      const stats = await engine.run();
      await engine.close();
      return { stats: { cases: stats.cases, checkpoints: stats.checkpoints, execs: stats.execs, outcomes: stats.outcomes, findings: stats.findings }, novel, findings: findings.map((f) => ({ signature: f.signature, reproducer: f.reproducer, iteration: f.iteration })) };
    };
    const withReuse = await run(false);
    const without = await run(true);
    expect(withReuse.findings.length).toBeGreaterThan(0);
    expect(withReuse).toEqual(without);
  });
});
