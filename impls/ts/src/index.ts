// The pure-TypeScript STF of difftower, written from spec/STF.md.
export { ChainState, type GenesisOptions } from './stf.js';
export { toStateFile, fromStateFile, type StateFile } from './state-file.js';
export { PROFILES, type ProfileName, type Params } from './params.js';
export type { Checkpoint, Outcome, StateReference, Snapshot, TxEffect, Block } from './model.js';
export type { ErrorCode } from './errors.js';

import { clearHashCaches } from './hash/poseidon2.js';
import { clearGenesisStates } from './stf.js';
import { clearEmptySubtreeRoots } from './trees/merkle-tree.js';

/**
 * Forgets every value this module computed once and reuses (genesis states, empty-subtree roots,
 * sponge IVs, a preview's hashes). Only for a caller that changes the code's behaviour while it runs:
 * mutation testing switches mutants in one process, and a value cached under one mutant must not
 * answer for the next.
 */
export function clearCaches(): void {
  clearGenesisStates();
  clearEmptySubtreeRoots();
  clearHashCaches();
}
