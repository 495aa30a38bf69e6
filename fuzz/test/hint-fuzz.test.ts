// Hint-fuzzing: the deliberately under-constrained fixture circuit (no check that the archive's
// sibling path leads to the pre-state root) yields a self-contradicting proof pair, both proofs
// verified; the real circuit rejects every mutation tried.

import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointGenerator } from '../../core/generate.js';
import { FIXTURE_PATH, loadCircuit } from '../../impls/noir/src/circuit.js';
import { hintFuzz } from '../hint-fuzz.js';
import { ChainModel } from '../../impls/noir/src/model.js';
import { initPoseidon } from '../../impls/noir/src/poseidon.js';
import { closeBarretenberg } from '../../impls/noir/src/prover.js';
import { SIZES } from '../../impls/noir/src/params.js';

afterAll(async () => {
  await closeBarretenberg();
});

async function subject() {
  await initPoseidon();
  // Two blocks of one maximal tx each: every kind of hint is present.
  const cp = new CheckpointGenerator({ profile: 'small', seed: 2, maxTxs: SIZES.maxTxsPerBlock, maximal: true }).next();
  return { pre: ChainModel.genesis(31337n, 1n), cp };
}

describe('hint-fuzz', () => {
  it('finds a self-contradicting, verified proof pair in the under-constrained fixture', async () => {
    const { pre, cp } = await subject();
    const report = await hintFuzz(loadCircuit(FIXTURE_PATH), cp, pre, { maxContradictions: 1 });
    expect(report.contradictions).toHaveLength(1);
    const [c] = report.contradictions;
    expect(c.verified).toBe(true);
    expect(c.contradiction).not.toBeNull();
    expect(c.honest.publicInputs.slice(0, 123)).toEqual(c.mutant.publicInputs.slice(0, 123));
    expect(c.positions).toContain(134); // the archive root
  });

  it('the real circuit rejects every mutation tried', async () => {
    const { pre, cp } = await subject();
    const report = await hintFuzz(loadCircuit(), cp, pre);
    expect(report.tried).toBeGreaterThan(100);
    expect(report.contradictions).toEqual([]);
    expect(report.sameOutputs).toBe(0);
    expect(report.rejected).toBe(report.tried);
  });
});
