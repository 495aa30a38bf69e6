// The corpus: the file format (round trip, hostile bytes), and the committed seed and regression
// cases replayed through every built-in implementation against their recorded outcomes.

import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DecodeError, encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
import { caseId, decodeCaseFile, encodeCaseFile, listCaseFiles, readCaseFile, type CaseFile } from '../corpus/case.js';
import { replayCase } from '../corpus/replay.js';
import { makeImplementations } from '../impls/registry.js';
import { Oracle } from '../oracle/run.js';

const gen = new CheckpointGenerator({ profile: 'small', seed: 9 });
const sample: CaseFile = { v: 1, kind: 'difftower-case', profile: 'small', chainId: 31337n, version: 1n, checkpoints: [encodeCheckpoint(gen.next()), encodeCheckpoint(gen.next())], meta: { origin: 'test', note: 'two generated checkpoints' } };

describe('case files', () => {
  it('round-trip byte for byte, and the id is a content address', () => {
    const bytes = encodeCaseFile(sample);
    const back = decodeCaseFile(bytes);
    expect(back.checkpoints.map((c) => Buffer.from(c).toString('hex'))).toEqual(sample.checkpoints.map((c) => Buffer.from(c).toString('hex')));
    expect(Buffer.from(encodeCaseFile(back)).equals(Buffer.from(bytes))).toBe(true);
    expect(caseId(back)).toBe(caseId(sample));
    expect(caseId({ ...sample, checkpoints: sample.checkpoints.slice(1) })).not.toBe(caseId(sample));
  });

  it('hostile bytes are a DecodeError, never anything else', () => {
    const good = encodeCaseFile(sample);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat({ max: 255 }), (junk, pos, val) => {
        const flipped = Uint8Array.from(good);
        flipped[pos % flipped.length] = val;
        for (const bytes of [junk, flipped, good.subarray(0, pos % good.length)]) {
          try {
            decodeCaseFile(bytes);
          } catch (err) {
            if (!(err instanceof DecodeError)) throw err;
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(() => decodeCaseFile(encodeCaseFile({ ...sample, checkpoints: [] }))).toThrow(/at least one checkpoint/);
    expect(() => decodeCaseFile(encodeCaseFile({ ...sample, expected: [] }))).toThrow(/expected has 0 outcomes/);
  });
});

const dirs = ['../corpus/seed', '../corpus/regressions'].map((d) => fileURLToPath(new URL(d, import.meta.url))).filter((d) => existsSync(d));
const files = dirs.flatMap((d) => listCaseFiles(d));

describe('committed corpus replays with ts and rust, as recorded', () => {
  const oracle = new Oracle(makeImplementations('ts,rust', 60_000));
  afterAll(() => oracle.close());

  it('has seed cases and regressions', () => {
    expect(files.some((f) => f.includes('/seed/'))).toBe(true);
    expect(files.some((f) => f.includes('/regressions/'))).toBe(true);
  });

  for (const file of files) {
    it(file.slice(file.indexOf('corpus/')), async () => {
      const c = readCaseFile(file);
      expect(c.expected, 'committed cases record their outcomes').toBeDefined();
      const r = await replayCase(oracle, c);
      expect(r.finding).toBeNull();
      expect(r.mismatch).toBeNull();
      expect(r.checkpointsRun).toBe(c.checkpoints.length);
    });
  }
});

describe('committed small-profile corpus replays with the Noir circuit too (validity and roots)', () => {
  const oracle = new Oracle(makeImplementations('ts,noir', 120_000));
  afterAll(() => oracle.close());
  const small = files.filter((f) => readCaseFile(f).profile === 'small');

  it('has small-profile cases, among them the value >= p that once crashed the Noir hint generator', () => {
    expect(small.length).toBeGreaterThan(10);
    expect(small.some((f) => f.endsWith('regression-390848782c04bbfc.case'))).toBe(true);
  });

  for (const file of small) {
    it(`noir: ${file.slice(file.indexOf('corpus/'))}`, async () => {
      const r = await replayCase(oracle, readCaseFile(file));
      expect(r.finding).toBeNull();
      expect(r.mismatch).toBeNull();
    });
  }
});
