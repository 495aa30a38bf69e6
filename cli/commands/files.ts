// File-level commands: write a genesis state, write generated checkpoints, apply one checkpoint
// to a state with the TypeScript implementation.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecodeError, decodeChainState, decodeCheckpoint, encodeChainState, encodeCheckpoint } from '../../core/codec.js';
import { wrongKind } from '../../core/file-kind.js';
import { CheckpointGenerator } from '../../core/generate.js';
import { ChainState, fromStateFile, toStateFile, type Outcome } from '../../impls/ts/src/index.js';
import { decodeFile, readInput } from '../input.js';
import { checkOutputDir, checkOutputFile, EXIT, hex32 as hex, intOf, parseCommand, profileOf, seedOf, UsageError } from '../shared.js';
import { APPLY, GEN, GENESIS } from './index.js';

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

export function genesis(args: string[]): number {
  const { values } = parseCommand(GENESIS, args);
  if (!values.out) throw new UsageError('genesis needs --out STATE');
  const profile = profileOf(values.profile);
  checkOutputFile(values.out, '--out');
  const state = ChainState.genesis(profile);
  writeFileSync(values.out, encodeChainState(toStateFile(state)));
  console.log(`wrote the '${profile}' genesis state to ${values.out} (archive root ${hex(state.archiveSnapshot().root)})`);
  return EXIT.ok;
}

export function gen(args: string[]): number {
  const { values } = parseCommand(GEN, args);
  if (!values.out) throw new UsageError('gen needs --out DIR');
  const profile = profileOf(values.profile);
  const seed = seedOf(values.seed, 1n);
  const count = intOf(values.count, 'count', 3, 1);
  checkOutputDir(values.out, '--out');
  const generator = new CheckpointGenerator({ profile, seed });
  mkdirSync(values.out, { recursive: true });
  const names: string[] = [];
  for (let i = 1; i <= count; i++) {
    names.push(`cp-${String(i).padStart(4, '0')}.msgpack`);
    writeFileSync(join(values.out, names[names.length - 1]), encodeCheckpoint(generator.next()));
  }
  console.log(`wrote ${count} '${profile}' checkpoint(s) (seed ${seed}) to ${values.out}: ${names[0]}${count > 1 ? ` .. ${names[count - 1]}` : ''}`);
  console.log(`  they follow each other from genesis: difftower replay ${values.out}`);
  return EXIT.ok;
}

export function apply(args: string[]): number {
  const { values } = parseCommand(APPLY, args);
  if (!values.state || !values.checkpoint) throw new UsageError('apply needs --state STATE and --checkpoint FILE');
  if (values.out) checkOutputFile(values.out, '--out');
  const stateFile = decodeFile(values.state, 'state', decodeChainState);
  let state: ChainState;
  try {
    state = fromStateFile(stateFile);
  } catch (err) {
    throw new DecodeError('state', `${values.state}: ${(err as Error).message}`);
  }
  const cpBytes = readInput(values.checkpoint, 'checkpoint');
  // Another difftower file given as the checkpoint is a mistake on the command line (exit 3);
  // any other bad bytes are a checkpoint the STF rejects (E_MALFORMED_INPUT, exit 1).
  const other = wrongKind('checkpoint', cpBytes);
  if (other) throw new DecodeError('checkpoint', `${values.checkpoint}: ${other}`);
  let outcome: Outcome;
  try {
    outcome = state.apply(decodeCheckpoint(cpBytes));
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    outcome = { status: 'rejected', code: 'E_MALFORMED_INPUT', message: err.message };
  }
  console.log(JSON.stringify(outcomeJson(outcome), null, 2));
  if (values.out && outcome.status === 'accepted') writeFileSync(values.out, encodeChainState(toStateFile(state)));
  return outcome.status === 'accepted' ? EXIT.ok : EXIT.finding;
}
