// `difftower hint-fuzz`: mutate the untrusted hints of one checkpoint's witness and report every
// mutant the circuit accepts with different outputs, as a proven and verified self-contradicting
// proof pair (impls/noir/src/hint-fuzz.ts).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeCheckpoint } from '../../core/codec.js';
import { CheckpointGenerator } from '../../core/generate.js';
import type { Checkpoint } from '../../core/schema.js';
import { FIXTURE_PATH, loadCircuit } from '../../impls/noir/src/circuit.js';
import { hintFuzz } from '../../impls/noir/src/hint-fuzz.js';
import { ChainModel } from '../../impls/noir/src/model.js';
import { initPoseidon } from '../../impls/noir/src/poseidon.js';
import { encodeProofFile } from '../../impls/noir/src/proof-file.js';
import { circuitId } from '../../impls/noir/src/prover.js';
import { SIZES } from '../../impls/noir/src/params.js';
import { EXIT, intOf, readInput, seedOf, UsageError, type Command } from '../shared.js';
import { loadModel, withProver } from './proofs.js';

async function cmdHintFuzz(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      state: { type: 'string' }, checkpoint: { type: 'string' }, seed: { type: 'string' }, circuit: { type: 'string' },
      fixture: { type: 'boolean' }, 'max-mutations': { type: 'string' }, out: { type: 'string' }, crs: { type: 'string' },
    },
  });
  if (Boolean(values.state) !== Boolean(values.checkpoint)) throw new UsageError('hint-fuzz takes --state and --checkpoint together (or neither: a generated checkpoint on genesis)');
  await initPoseidon();
  let model: ChainModel;
  let cp: Checkpoint;
  if (values.state && values.checkpoint) {
    model = loadModel(values.state);
    cp = decodeCheckpoint(readInput(values.checkpoint));
  } else {
    model = ChainModel.genesis(31337n, 1n);
    cp = new CheckpointGenerator({ profile: 'small', seed: seedOf(values.seed, 2n), maxTxs: SIZES.maxTxsPerBlock, maximal: true }).next();
  }
  const circuit = loadCircuit(values.fixture ? FIXTURE_PATH : values.circuit);
  const report = await withProver(values.crs, () =>
    hintFuzz(circuit, cp, model, { maxMutations: values['max-mutations'] ? intOf(values['max-mutations'], 'max-mutations', 0) : undefined }),
  );
  if (values.out) {
    mkdirSync(values.out, { recursive: true });
    report.contradictions.forEach((c, i) => {
      writeFileSync(join(values.out!, `contradiction-${i + 1}-honest.proof.json`), encodeProofFile({ ...c.honest, circuit: circuitId(circuit) }));
      writeFileSync(join(values.out!, `contradiction-${i + 1}-mutant.proof.json`), encodeProofFile({ ...c.mutant, circuit: circuitId(circuit) }));
    });
  }
  console.log(
    JSON.stringify(
      {
        circuit: report.circuit, tried: report.tried, rejected: report.rejected, sameOutputs: report.sameOutputs,
        selfContradictions: report.contradictions.map((c) => ({ mutation: c.mutation, outputPositions: c.positions, bothProofsVerified: c.verified, flaggedByOracle: c.contradiction !== null })),
      },
      null,
      2,
    ),
  );
  return report.contradictions.some((c) => c.verified) ? EXIT.finding : EXIT.ok;
}

export const hintFuzzCommand: Command = {
  name: 'hint-fuzz',
  help: `hint-fuzz [--state STATE --checkpoint FILE | --seed S] [--fixture | --circuit ARTIFACT]
           [--max-mutations N] [--out DIR] [--crs DIR]
                     Mutate the Noir circuit's untrusted hints (another low leaf, wrong sibling,
                     shifted index, stale path); prove and verify every mutant that is accepted
                     with different outputs. Exit 1 if a self-contradicting pair is found.`,
  run: cmdHintFuzz,
};
