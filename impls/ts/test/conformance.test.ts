// The TypeScript STF against the committed Aztec 4.1.2 vectors (conformance/vectors/*.json).

import { describe, expect, it } from 'vitest';
import {
  type CheckpointSequence,
  blobCheckpointFromVector,
  blocksCheckpointFromVector,
  loadVectors,
} from '../../../core/vectors.js';
import { ChainState } from '../src/index.js';
import type { Outcome, StateReference } from '../src/model.js';

const hex = (v: bigint) => '0x' + v.toString(16).padStart(64, '0');
const stateHex = (s: StateReference) =>
  [s.l1ToL2, s.noteHash, s.nullifier, s.publicData].flatMap((t) => [hex(t.root), hex(BigInt(t.nextIndex))]);

function expectAccepted(o: Outcome, e: CheckpointSequence['checkpoints'][number]['expected']) {
  if (o.status !== 'accepted') throw new Error(`rejected: ${o.code} ${o.message}`);
  expect(stateHex(o.state)).toEqual(e.state);
  expect([hex(o.archive.root), o.archive.nextIndex]).toEqual(e.archive);
  expect(o.blockHeaderHashes.map(hex)).toEqual(e.blockHeaderHashes);
  expect(o.blobFields.map(hex)).toEqual(e.blobFields);
}

describe('genesis', () => {
  const g = loadVectors<{ aztec: { headerHash: string; archiveRoot: string; state: string[] } }>('genesis.json');

  it('aztec profile reproduces GENESIS_BLOCK_HEADER_HASH and GENESIS_ARCHIVE_ROOT of @aztec/constants', () => {
    const s = ChainState.genesis('aztec');
    expect(stateHex(s.stateReference())).toEqual(g.aztec.state);
    expect(hex(s.archive.leaves()[0])).toBe(g.aztec.headerHash);
    expect(hex(s.archiveSnapshot().root)).toBe(g.aztec.archiveRoot);
    expect(s.archiveSnapshot().nextIndex).toBe(1);
  });
});

describe('trees against @aztec/merkle-tree', () => {
  type Op = { kind: string; values?: string[]; writes?: [string, string][]; after: Record<string, [string, number]> };
  const { sequences } = loadVectors<{ sequences: { profile: 'aztec' | 'small'; ops: Op[] }[] }>('trees.json');
  sequences.forEach((seq, n) => {
    it(`${seq.profile} sequence ${n}: ${seq.ops.length} operations give the same roots`, () => {
      const s = ChainState.genesis(seq.profile);
      for (const op of seq.ops) {
        if (op.kind === 'noteHashes') s.noteHash.append(op.values!.map(BigInt));
        else if (op.kind === 'nullifiers') s.nullifier.insertBatch(op.values!.map(BigInt));
        else for (const [slot, value] of op.writes!) s.publicData.write(BigInt(slot), BigInt(value));
        expect([hex(s.noteHash.root()), s.noteHash.nextIndex]).toEqual(op.after.noteHash);
        expect([hex(s.nullifier.root()), s.nullifier.nextIndex]).toEqual(op.after.nullifier);
        expect([hex(s.publicData.root()), s.publicData.nextIndex]).toEqual(op.after.publicData);
      }
    });
  });
});

describe('checkpoints against @aztec/stdlib encoders and header hashing', () => {
  const { sequences } = loadVectors<{ sequences: CheckpointSequence[] }>('checkpoints.json');
  sequences.forEach((seq, n) => {
    it(`${seq.profile} sequence ${n}: blocks form, ${seq.checkpoints.length} checkpoints`, () => {
      const s = ChainState.genesis(seq.profile);
      expect(stateHex(s.stateReference())).toEqual(seq.genesis.state);
      expect(hex(s.archive.leaves()[0])).toBe(seq.genesis.headerHash);
      for (const c of seq.checkpoints) expectAccepted(s.apply(blocksCheckpointFromVector(seq.profile, c.checkpoint)), c.expected);
    });
    it(`${seq.profile} sequence ${n}: blob form decodes Aztec's blob fields to the same outcome`, () => {
      const s = ChainState.genesis(seq.profile);
      for (const c of seq.checkpoints) {
        expectAccepted(s.apply(blobCheckpointFromVector(seq.profile, c.checkpoint, c.expected.blobFields)), c.expected);
      }
    });
  });
});
