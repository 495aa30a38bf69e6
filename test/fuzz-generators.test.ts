// Properties of the fuzzer's generators (issue 13): a targeted violation fires exactly its error
// code; every encoding break is rejected as E_MALFORMED_INPUT by TS and Rust, and a decoder lenient
// about integer headers is caught; pre-states restore identically in TS and Rust and put each tree
// where the plan says; plans replay to identical bytes; the engine counts outcome codes.

import { join } from 'node:path';
import fc from 'fast-check';
import { Unpackr } from 'msgpackr';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeChainState, encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
import { TREE_HEIGHTS } from '../core/params.js';
import { caseOf, decodeCaseFile, encodeCaseFile } from '../corpus/case.js';
import { InProcessTsImplementation } from '../impls/adapters/in-process-ts.js';
import { WasmImplementation } from '../impls/adapters/wasm.js';
import type { CallResult, Implementation } from '../impls/implementation.js';
import { fromStateFile } from '../impls/ts/src/index.js';
import { CaseBuilder } from '../fuzz/build.js';
import { breakEncoding, type EncBreak, type ItemKind } from '../fuzz/encoding.js';
import { FuzzEngine } from '../fuzz/engine.js';
import { StfCoverage } from '../fuzz/coverage.js';
import { makeImplementation } from '../impls/registry.js';
import { casePlanArb, type CasePlan, type CheckpointPlan } from '../fuzz/plan.js';
import { buildPreState, preStateArb, TREES, type Fill, type PreStatePlan } from '../fuzz/prestate.js';
import { TARGETED_CODES, violationsFor } from '../fuzz/violations.js';
import { SPEC_ERROR_CODES } from '../fuzz/codes.js';
import { readFileSync } from 'node:fs';

const rustModule = join(import.meta.dirname, '..', 'dist/rust-wasm/stf.js');
const opened: Implementation[] = [];
afterAll(async () => Promise.all(opened.map((i) => i.close())));
const open = <T extends Implementation>(i: T): T => (opened.push(i), i);

/** Deterministic draws from an arbitrary (fixed seeds: the tests are reproducible). */
function draws<T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] {
  const r = new fc.Random(xoroshiro128plus(seed));
  return Array.from({ length: n }, (_, i) => arb.generate(r, [2, 4, 8, undefined][i % 4]).value);
}

const codeOf = (r: CallResult) => (r.kind !== 'outcome' ? r.kind : r.outcome.status === 'accepted' ? 'accepted' : r.outcome.code);

async function outcomes(impl: Implementation, c: { profile: 'small' | 'aztec'; chainId: bigint; version: bigint; checkpoints: Uint8Array[]; state?: Uint8Array }): Promise<string[]> {
  const g = c.state ? await impl.restore(c.state) : await impl.genesis(c);
  expect(g.kind).toBe('ok');
  const out: string[] = [];
  for (const cp of c.checkpoints) out.push(codeOf(await impl.apply(cp)));
  return out;
}

// First: coverage must start before the STF runs in this thread (fuzz/coverage.ts).
describe('coverage guidance', () => {
  it('a case that runs new TS STF code is novel; the same case again is not', async () => {
    const cov = new StfCoverage();
    await cov.start();
    const ts = new InProcessTsImplementation();
    const gen = new CheckpointGenerator({ profile: 'small', seed: 9 });
    const cp = gen.next();
    const run = async (c: typeof cp) => {
      await cov.reset();
      await ts.genesis({ profile: 'small', chainId: 31337n, version: 1n });
      await ts.apply(encodeCheckpoint(c));
      return cov.novel();
    };
    try {
      expect(await run(cp)).toBe(true);
      const after = cov.blocks;
      expect(after).toBeGreaterThan(0);
      expect(await run(cp)).toBe(false);
      // A wrong chain id takes the rejection branch of the sequencing checks: a block not run before.
      expect(await run({ ...cp, header: { ...cp.header, chainId: 5n } })).toBe(true);
      expect(cov.blocks).toBeGreaterThan(after);
      expect(await run({ ...cp, header: { ...cp.header, chainId: 6n } })).toBe(false);
    } finally {
      await cov.stop();
    }
  });
});

describe('coverage guidance in the engine', () => {
  it('counts the TS code run by the builder\'s chain view, whose run the oracle takes for the lazy registry implementation', async () => {
    // (rust runs in a worker thread: only the TS STF in this thread is counted)
    const engine = new FuzzEngine({ profile: 'small', seed: 4n, runs: 16, mutationRate: 0, coverage: true, impls: [makeImplementation('ts', 60_000, 'small'), makeImplementation('rust', 60_000, 'small')] });
    const stats = await engine.run();
    await engine.close();
    // validation, trees, blob decoding and hashing: dozens of blocks; 0 if the run went uncounted
    expect(stats.coverageBlocks).toBeGreaterThan(50);
  });
});

describe('targeted violations', () => {
  it('cover every error code of spec §7 (and the report lists exactly those)', () => {
    const spec = readFileSync(join(import.meta.dirname, '..', 'spec/STF.md'), 'utf8');
    const section7 = spec.slice(spec.indexOf('## 7. Validity rules'), spec.indexOf('## 8. Serialization'));
    const inSpec = [...new Set([...section7.matchAll(/`(E_[A-Z0-9_]+)`/g)].map((m) => m[1]))].sort();
    expect([...SPEC_ERROR_CODES].sort()).toEqual(inSpec);
    expect([...TARGETED_CODES].sort()).toEqual(inSpec);
  });

  const profile = 'small';
  const builder = new CaseBuilder(profile);
  const violations = violationsFor(profile);
  const base = draws(casePlanArb(profile), 40, 13).map((p) => p.checkpoints[0]);
  const ts = new InProcessTsImplementation();

  it('each one fires exactly its error code against the TS STF (from genesis, 5 positions/variants each)', async () => {
    const misses: string[] = [];
    for (let code = 0; code < violations.length; code++) {
      const target = violations[code];
      if (target.code === 'E_TREE_FULL') continue; // needs a tree near capacity: next test
      for (let k = 0; k < 5; k++) {
        const cp: CheckpointPlan = { ...base[(code * 5 + k) % base.length], violation: { code, at: k * 7919, v: k * 104729 + code } };
        const [got] = await outcomes(ts, builder.build({ pre: null, checkpoints: [cp] }));
        if (got !== target.code) misses.push(`${target.code} (at ${k}): got ${got}`);
      }
    }
    expect(misses).toEqual([]);
  });

  it('E_TREE_FULL fires from a pre-state with a full tree, for every tree', async () => {
    const pre0 = draws(preStateArb(profile), 1, 3)[0];
    for (const tree of TREES) {
      const pre: PreStatePlan = { ...pre0, focus: tree, edge: 'full', others: TREES.map(() => 'genesis' as Fill), blockNumber: null, slot: null, timestamp: null };
      const code = violations.findIndex((v) => v.code === 'E_TREE_FULL');
      const cp: CheckpointPlan = { ...base[0], violation: { code, at: 0, v: 0 } };
      const [got] = await outcomes(ts, builder.build({ pre, checkpoints: [cp] }));
      expect(got, tree).toBe('E_TREE_FULL');
    }
  });
});

describe('encoding mutator', () => {
  const gen = new CheckpointGenerator({ profile: 'small', seed: 5 });
  const checkpoints = Array.from({ length: 3 }, () => encodeCheckpoint(gen.next()));
  const kinds: ItemKind[] = ['int', 'str', 'bin', 'array', 'map'];
  const breaks: EncBreak[] = [
    ...kinds.flatMap((kind) => [0, 1, 2, 3, 4, 5, 6, 7, 8].map((w) => ({ k: 'widen' as const, kind, i: w * 3, w }))),
    ...[0, 1, 2, 3].flatMap((i) => [{ k: 'reorder' as const, i, j: i }, { k: 'repeat' as const, i, j: i }, { k: 'nest' as const, i: i * 5 }]),
    ...(['str', 'bin', 'array', 'map'] as const).flatMap((kind) => [1, -1].map((d) => ({ k: 'length' as const, kind, i: 2, d }))),
    { k: 'trailing', v: 0 },
  ];
  const unpackr = new Unpackr({ useRecords: false, int64AsType: 'bigint', mapsAsObjects: false }); // a nested key is not a string

  it('every break changes the bytes; structure-keeping ones still parse as msgpack', () => {
    for (const bytes of checkpoints)
      for (const e of breaks) {
        const out = breakEncoding(bytes, e);
        expect(out, JSON.stringify(e)).not.toBeNull();
        expect(Buffer.from(out!).equals(Buffer.from(bytes))).toBe(false);
        if (e.k === 'widen' || e.k === 'reorder' || e.k === 'repeat' || e.k === 'nest') expect(() => unpackr.unpack(out!), JSON.stringify(e)).not.toThrow();
      }
  });

  it('TS and Rust reject every one as E_MALFORMED_INPUT', async () => {
    const ts = new InProcessTsImplementation();
    const rust = open(new WasmImplementation('rust', rustModule, { timeoutMs: 60_000 }));
    for (const impl of [ts, rust]) {
      const bad: string[] = [];
      for (const bytes of checkpoints)
        for (const e of breaks) {
          expect((await impl.genesis({ profile: 'small', chainId: 31337n, version: 1n })).kind).toBe('ok');
          const got = codeOf(await impl.apply(breakEncoding(bytes, e)!));
          if (got !== 'E_MALFORMED_INPUT') bad.push(`${impl.name} ${JSON.stringify(e)}: ${got}`);
        }
      expect(bad).toEqual([]);
    }
  });

  it('the fuzzer catches a decoder that accepts widened integer headers (0xcc for a value < 128, ...)', async () => {
    const lenient = new InProcessTsImplementation('ts[lenient-int]');
    const apply = lenient.apply.bind(lenient);
    lenient.apply = (bytes) => apply(canonicalIntegers(bytes));
    let found = 0;
    const engine = new FuzzEngine({ profile: 'small', seed: 1n, runs: 300, impls: [new InProcessTsImplementation(), lenient], stopOnFinding: true, shrinkBudget: 20, onFinding: () => found++ });
    await engine.run();
    await engine.close();
    expect(found).toBe(1);
  });
});

describe('pre-states', () => {
  const plans = draws(preStateArb('small'), 12, 21);

  it('put the focused tree at the planned distance from capacity', () => {
    const pre0 = plans[0];
    // Trees that grow by padded batches only ever hold whole batches (beyond the prefill): there
    // "one leaf from capacity" is the reachable state one batch from it.
    const step = { noteHash: 2, nullifier: 2, publicData: 1, l1ToL2: 4, archive: 1 };
    for (const tree of TREES)
      for (const edge of ['full', 'leaf', 'batch', 'twoBatches'] as Fill[]) {
        const built = buildPreState({ ...pre0, focus: tree, edge }, 'small', { chainId: 31337n, version: 1n });
        const s = fromStateFile(built.file);
        const cap = 2 ** TREE_HEIGHTS.small[tree];
        const want = { full: cap, leaf: cap - step[tree], batch: cap - step[tree], twoBatches: cap - 2 * step[tree] }[edge as 'full'];
        expect(s[tree].nextIndex, `${tree} ${edge}`).toBe(want);
        for (const other of TREES) if (other !== tree) expect((s[other].nextIndex - { noteHash: 0, nullifier: 4, publicData: 4, l1ToL2: 0, archive: 1 }[other]) % step[other], other).toBe(0);
      }
  });

  it('restore identically in TS and Rust (snapshot bytes), and both agree on the next checkpoints', async () => {
    const ts = new InProcessTsImplementation();
    const rust = open(new WasmImplementation('rust', rustModule, { timeoutMs: 60_000 }));
    const builder = new CaseBuilder('small');
    const cps = draws(casePlanArb('small'), plans.length, 8).map((p) => p.checkpoints.slice(0, 3));
    for (let i = 0; i < plans.length; i++) {
      const c = builder.build({ pre: plans[i], checkpoints: cps[i] });
      expect(c.state).toBeDefined();
      expect((await ts.restore(c.state!)).kind).toBe('ok');
      expect((await rust.restore(c.state!)).kind).toBe('ok');
      const [a, b] = [await ts.snapshot(), await rust.snapshot()];
      expect(Buffer.from(a as Uint8Array).equals(Buffer.from(c.state!))).toBe(true);
      expect(Buffer.from(b as Uint8Array).equals(Buffer.from(c.state!))).toBe(true);
      expect(await outcomes(rust, c)).toEqual(await outcomes(ts, c));
    }
  });

  it('a case with a pre-state survives the case file format and rebuilds to the same bytes', () => {
    const builder = new CaseBuilder('small');
    const plan: CasePlan = { pre: plans[1], checkpoints: draws(casePlanArb('small'), 1, 4)[0].checkpoints };
    const c = builder.build(plan);
    const again = builder.build(plan);
    expect(Buffer.from(again.state!).equals(Buffer.from(c.state!))).toBe(true);
    expect(again.checkpoints.map((b) => Buffer.from(b).toString('hex'))).toEqual(c.checkpoints.map((b) => Buffer.from(b).toString('hex')));
    const back = caseOf(decodeCaseFile(encodeCaseFile({ v: 1, kind: 'difftower-case', ...c, meta: { origin: 'test' } })));
    expect(Buffer.from(back.state!).equals(Buffer.from(c.state!))).toBe(true);
    expect(decodeChainState(back.state!).profile).toBe('small');
  });
});

describe('engine statistics', () => {
  it('count every checkpoint outcome by code', async () => {
    const engine = new FuzzEngine({ profile: 'small', seed: 2n, runs: 15, impls: [new InProcessTsImplementation(), new InProcessTsImplementation('ts2')] });
    const s = await engine.run();
    await engine.close();
    const total = Object.values(s.outcomes).reduce((a, b) => a + b, 0);
    expect(total).toBe(s.checkpoints);
    expect(s.outcomes.accepted).toBeGreaterThan(0);
    expect(Object.keys(s.outcomes).filter((k) => k.startsWith('E_')).length).toBeGreaterThan(10);
  });
});

/** Rewrites every unsigned integer header canonically: a decoder that does this accepts widened integers. */
function canonicalIntegers(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  let p = 0;
  const be = (x: bigint, n: number) => Array.from({ length: n }, (_, i) => Number((x >> BigInt(8 * (n - 1 - i))) & 0xffn));
  const u = (o: number, n: number) => {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + b[p + o + i];
    return v;
  };
  const copy = (n: number) => {
    for (let i = 0; i < n; i++) out.push(b[p++]);
  };
  const walk = (): void => {
    const t = b[p];
    if (t >= 0xcc && t <= 0xcf) {
      const size = [1, 2, 4, 8][t - 0xcc];
      let v = 0n;
      for (let i = 1; i <= size; i++) v = (v << 8n) | BigInt(b[p + i]);
      p += 1 + size;
      out.push(...(v < 128n ? [Number(v)] : v < 256n ? [0xcc, Number(v)] : v < 65536n ? [0xcd, ...be(v, 2)] : v < 1n << 32n ? [0xce, ...be(v, 4)] : [0xcf, ...be(v, 8)]));
      return;
    }
    if (t <= 0x7f || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) return copy(1);
    if (t <= 0x8f || t <= 0x9f) {
      const n = (t & 15) * (t <= 0x8f ? 2 : 1);
      copy(1);
      for (let i = 0; i < n; i++) walk();
      return;
    }
    if (t <= 0xbf) return copy(1 + (t & 31));
    if (t === 0xc4 || t === 0xd9) return copy(2 + u(1, 1));
    if (t === 0xdc || t === 0xde) {
      const n = u(1, 2) * (t === 0xde ? 2 : 1);
      copy(3);
      for (let i = 0; i < n; i++) walk();
      return;
    }
    throw new Error('not handled');
  };
  try {
    walk();
    return p === b.length ? Uint8Array.from(out) : b;
  } catch {
    return b;
  }
}
