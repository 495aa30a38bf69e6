// Trusting implementations (spec §10): compared only on checkpoints the implementations with
// validity rules accept, never given the others, and a failure on a given one is a finding.
// Fakes around the in-process TypeScript STF: fast, no native code.

import { describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
import type { Case } from '../corpus/case.js';
import { InProcessTsImplementation } from '../impls/adapters/in-process-ts.js';
import type { CallResult, OutcomeCoverage } from '../impls/implementation.js';
import { Oracle } from '../oracle/run.js';

const TRUSTING: OutcomeCoverage = { errorCode: false, blockHeaderHashes: true, blobFields: true, validityRules: false };

/** A trusting stand-in: the TS STF underneath, recording what it is given, failing where told. */
class FakeTrusting extends InProcessTsImplementation {
  readonly coverage = TRUSTING;
  readonly given: number[] = [];
  private calls = 0;

  constructor(private readonly failOn: { call: number; as: 'crash' | 'reject' | 'wrong-root' } | null = null) {
    super('trusting');
  }

  override async apply(bytes: Uint8Array): Promise<CallResult> {
    const call = ++this.calls;
    this.given.push(call);
    const r = await super.apply(bytes);
    if (this.failOn?.call !== call) return r;
    if (this.failOn.as === 'crash') return { kind: 'crash', message: 'trusting: native abort', elapsedMs: 0 };
    if (this.failOn.as === 'reject') return { kind: 'outcome', outcome: { v: 1, status: 'rejected', code: 'E_MALFORMED_INPUT', message: 'unreadable' }, elapsedMs: 0 };
    if (r.kind !== 'outcome' || r.outcome.status !== 'accepted') return r;
    return { ...r, outcome: { ...r.outcome, state: r.outcome.state.map((x, i) => (i === 2 ? x ^ 1n : x)) as typeof r.outcome.state } };
  }
}

/** Three checkpoints: valid, invalid (wrong chain id: every implementation with rules rejects it), valid. */
function mixedCase(): Case {
  const gen = new CheckpointGenerator({ profile: 'small', seed: 77 });
  const first = gen.next();
  const second = gen.next();
  const bad = { ...second, header: { ...second.header, chainId: second.header.chainId + 1n } };
  return { profile: 'small', chainId: 31337n, version: 1n, checkpoints: [encodeCheckpoint(first), encodeCheckpoint(bad), encodeCheckpoint(second)] };
}

describe('trusting implementations in the oracle', () => {
  it('are given only the checkpoints the reference accepts, and agree there', async () => {
    const trusting = new FakeTrusting();
    const oracle = new Oracle([new InProcessTsImplementation('ts'), trusting]);
    const r = await oracle.run(mixedCase());
    expect(r.finding).toBeNull();
    expect(r.checkpointsRun).toBe(3);
    expect(r.outcomes.map((o) => o?.status)).toEqual(['accepted', 'rejected', 'accepted']);
    // Calls 1 and 2 of the trusting one are checkpoints 1 and 3: the rejected one never reached it.
    expect(trusting.given).toEqual([1, 2]);
  });

  it('listed first, the reference is still the first implementation with validity rules', async () => {
    const trusting = new FakeTrusting();
    const oracle = new Oracle([trusting, new InProcessTsImplementation('ts')]);
    expect(oracle.reference.name).toBe('ts');
    const r = await oracle.run(mixedCase());
    expect(r.finding).toBeNull();
    expect(r.outcomes[1]).toMatchObject({ status: 'rejected', code: 'E_CHAIN_ID' });
    expect(trusting.given).toEqual([1, 2]);
  });

  for (const [as, kind, field] of [['crash', 'crash', 'call'], ['reject', 'validity', 'status'], ['wrong-root', 'root', 'state.noteHash.root']] as const) {
    it(`a ${as} on an accepted checkpoint is a finding against the trusting implementation`, async () => {
      const oracle = new Oracle([new InProcessTsImplementation('ts'), new FakeTrusting({ call: 2, as })]);
      const r = await oracle.run(mixedCase());
      expect(r.finding).toMatchObject({ kind, field, checkpoint: 3, leftImpl: 'ts', rightImpl: 'trusting' });
    });
  }

  it('cannot run with trusting implementations only', () => {
    expect(() => new Oracle([new FakeTrusting(), new FakeTrusting()])).toThrow(/validity rules/);
  });
});
