// `difftower hint-fuzz`: mutate the untrusted hints of one checkpoint's witness and report every
// mutant the circuit accepts with different outputs, as a proven and verified self-contradicting
// proof pair (fuzz/hint-fuzz.ts).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint } from '../../core/codec.js';
import { CheckpointGenerator } from '../../core/generate.js';
import type { Checkpoint } from '../../core/schema.js';
import { FIXTURE_PATH, loadCircuit } from '../../impls/noir/src/circuit.js';
import { hintFuzz } from '../../fuzz/hint-fuzz.js';
import { ChainModel } from '../../impls/noir/src/model.js';
import { initPoseidon } from '../../impls/noir/src/poseidon.js';
import { encodeProofFile } from '../../impls/noir/src/proof-file.js';
import { circuitId } from '../../impls/noir/src/prover.js';
import { SIZES } from '../../impls/noir/src/params.js';
import { decodeFile } from '../input.js';
import { checkOutputDir, EXIT, intOf, parseCommand, seedOf, UsageError } from '../shared.js';
import { HINT_FUZZ } from './index.js';
import { loadModel, withProver } from './proofs.js';

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommand(HINT_FUZZ, args);
  if (Boolean(values.state) !== Boolean(values.checkpoint)) throw new UsageError('hint-fuzz takes --state and --checkpoint together (or neither: a generated checkpoint on genesis)');
  if (values.out) checkOutputDir(values.out, '--out');
  await initPoseidon();
  let model: ChainModel;
  let cp: Checkpoint;
  if (values.state && values.checkpoint) {
    model = loadModel(values.state);
    cp = decodeFile(values.checkpoint, 'checkpoint', decodeCheckpoint);
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
