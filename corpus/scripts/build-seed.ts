// Rebuilds corpus/seed/ from the conformance vectors (conformance/vectors/checkpoints.json):
// each Aztec-generated checkpoint sequence becomes two case files (blocks form and blob form),
// with Aztec's own results as the expected outcomes. Run: npx tsx corpus/scripts/build-seed.ts
// The output is committed; the files are generated (meta.origin = "vector").

import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeCheckpoint } from '../../core/codec.js';
import type { Outcome } from '../../core/schema.js';
import { blobCheckpointFromVector, blocksCheckpointFromVector, loadVectors, type CheckpointSequence } from '../../core/vectors.js';
import { writeCaseFile } from '../case.js';

const OUT = fileURLToPath(new URL('../seed/', import.meta.url));
const { sequences } = loadVectors<{ sequences: CheckpointSequence[] }>('checkpoints.json');

rmSync(OUT, { recursive: true, force: true });
sequences.forEach((seq, s) => {
  const expected: Outcome[] = seq.checkpoints.map(({ expected: e }) => ({
    v: 1,
    status: 'accepted',
    state: e.state.map((x) => BigInt(x)) as Extract<Outcome, { status: 'accepted' }>['state'],
    archive: [BigInt(e.archive[0]), BigInt(e.archive[1])],
    blockHeaderHashes: e.blockHeaderHashes.map((x) => BigInt(x)),
    blobFields: e.blobFields.map((x) => BigInt(x)),
  }));
  for (const form of ['blocks', 'blob'] as const) {
    const checkpoints = seq.checkpoints.map(({ checkpoint, expected: e }) =>
      encodeCheckpoint(form === 'blocks' ? blocksCheckpointFromVector(seq.profile, checkpoint) : blobCheckpointFromVector(seq.profile, checkpoint, e.blobFields)),
    );
    const path = writeCaseFile(OUT, `vector-${seq.profile}-${s}-${form}-`, {
      v: 1,
      kind: 'difftower-case',
      profile: seq.profile,
      chainId: 31337n,
      version: 1n,
      checkpoints,
      expected,
      meta: { origin: 'vector', note: `conformance/vectors/checkpoints.json sequence ${s} (${form} form); expected outcomes computed by @aztec 4.1.2` },
    });
    console.log(path);
  }
});
