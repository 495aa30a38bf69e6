// Workers share novelty: the pool's main thread passes a worker's new case on only if it shows
// behaviour that no case passed on before, so two workers do not store each other's finds again.

import { describe, expect, it } from 'vitest';
import type { Case } from '../../corpus/case.js';
import { FuzzRun, NoveltyJudge } from '../pool.js';

describe('novelty across workers', () => {
  it('the judge accepts a feature once', () => {
    const j = new NoveltyJudge();
    expect(j.judge(['ok', 'genesis>ok'])).toBe(true);
    expect(j.judge(['ok'])).toBe(false);
    expect(j.judge(['genesis>ok', 'ok'])).toBe(false);
    expect(j.judge(['ok', 'E_TREE_FULL'])).toBe(true);
    expect(j.judge([])).toBe(false);
  });

  it('two workers store fewer cases than they found new between them', async () => {
    const stored: Case[] = [];
    const { stats } = await new FuzzRun({ profile: 'small', impls: 'ts,rust', seed: 5n, workers: 2, runs: 40, timeoutMs: 60_000, corpus: [], onNovel: (c) => stored.push(c) }).run();
    // stats.corpusSize: the cases each worker kept as new to itself, summed over the workers
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(stats.corpusSize);
  });
});
