// The pure-TypeScript STF of difftower, written from spec/STF.md.
export { ChainState, type GenesisOptions } from './stf.js';
export { toStateFile, fromStateFile, type StateFile } from './state-file.js';
export { PROFILES, type ProfileName, type Params } from './params.js';
export type { Checkpoint, Outcome, StateReference, Snapshot, TxEffect, Block } from './model.js';
export type { ErrorCode } from './errors.js';
