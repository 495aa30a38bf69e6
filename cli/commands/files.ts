// File-level commands: write a genesis state, write generated checkpoints, apply one checkpoint
// to a state with the TypeScript implementation.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DecodeError, decodeChainState, decodeCheckpoint, encodeChainState, encodeCheckpoint } from '../../core/codec.js';
import { CheckpointGenerator } from '../../core/generate.js';
import { ChainState, fromStateFile, toStateFile, type Outcome } from '../../impls/ts/src/index.js';
import { EXIT, hex32 as hex, intOf, profileOf, readInput, seedOf, UsageError, type Command } from '../shared.js';

function outcomeJson(o: Outcome) {
  if (o.status === 'rejected') return o;
  const snap = (s: { root: bigint; nextIndex: number }) => ({ root: hex(s.root), nextIndex: s.nextIndex });
  return {
    status: o.status,
    state: { l1ToL2: snap(o.state.l1ToL2), noteHash: snap(o.state.noteHash), nullifier: snap(o.state.nullifier), publicData: snap(o.state.publicData) },
    archive: snap(o.archive),
    blockHeaderHashes: o.blockHeaderHashes.map(hex),
    blobFieldCount: o.blobFields.length,
  };
}

function cmdGenesis(args: string[]): number {
  const { values } = parseArgs({ args, options: { profile: { type: 'string' }, out: { type: 'string' } } });
  if (!values.out) throw new UsageError('genesis needs --out STATE');
  writeFileSync(values.out, encodeChainState(toStateFile(ChainState.genesis(profileOf(values.profile)))));
  return EXIT.ok;
}

function cmdGen(args: string[]): number {
  const { values } = parseArgs({ args, options: { profile: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } } });
  if (!values.out) throw new UsageError('gen needs --out DIR');
  const gen = new CheckpointGenerator({ profile: profileOf(values.profile), seed: seedOf(values.seed, 1n) });
  mkdirSync(values.out, { recursive: true });
  const count = intOf(values.count, 'count', 3);
  for (let i = 1; i <= count; i++) writeFileSync(join(values.out, `cp-${String(i).padStart(4, '0')}.msgpack`), encodeCheckpoint(gen.next()));
  return EXIT.ok;
}

function cmdApply(args: string[]): number {
  const { values } = parseArgs({ args, options: { state: { type: 'string' }, checkpoint: { type: 'string' }, out: { type: 'string' } } });
  if (!values.state || !values.checkpoint) throw new UsageError('apply needs --state STATE and --checkpoint FILE');
  const stateFile = decodeChainState(readInput(values.state));
  let state: ChainState;
  try {
    state = fromStateFile(stateFile);
  } catch (err) {
    throw new DecodeError('state', (err as Error).message);
  }
  let outcome: Outcome;
  try {
    outcome = state.apply(decodeCheckpoint(readInput(values.checkpoint)));
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    outcome = { status: 'rejected', code: 'E_MALFORMED_INPUT', message: err.message };
  }
  console.log(JSON.stringify(outcomeJson(outcome), null, 2));
  if (values.out && outcome.status === 'accepted') writeFileSync(values.out, encodeChainState(toStateFile(state)));
  return outcome.status === 'accepted' ? EXIT.ok : EXIT.finding;
}

export const genesisCommand: Command = {
  name: 'genesis',
  help: `genesis  [--profile small|aztec] --out STATE
                     Write the genesis state (canonical msgpack).`,
  run: cmdGenesis,
};

export const genCommand: Command = {
  name: 'gen',
  help: `gen      [--profile small|aztec] [--count N] [--seed S] --out DIR
                     Write N generated checkpoints (cp-0001.msgpack, ...).`,
  run: cmdGen,
};

export const applyCommand: Command = {
  name: 'apply',
  help: `apply    --state STATE --checkpoint FILE [--out NEW_STATE]
                     Apply a checkpoint to a state; print the outcome as JSON. Exit 1 if rejected.`,
  run: cmdApply,
};
