// Chain parameters of the two profiles (spec §3). The `aztec` column is Aztec 4.1.2; `small`
// keeps every rule but shrinks sizes so fuzzing reaches full trees and a circuit can prove it.

export type ProfileName = 'aztec' | 'small';

export interface Params {
  readonly name: ProfileName;
  readonly noteHashTreeHeight: number;
  readonly nullifierTreeHeight: number;
  readonly publicDataTreeHeight: number;
  readonly l1ToL2TreeHeight: number;
  readonly archiveHeight: number;
  readonly maxNoteHashesPerTx: number;
  readonly maxNullifiersPerTx: number;
  readonly maxPublicDataWritesPerTx: number;
  readonly maxL2ToL1MsgsPerTx: number;
  readonly maxPrivateLogsPerTx: number;
  readonly privateLogSizeInFields: number;
  readonly maxPublicLogsLength: number;
  readonly maxContractClassLogsPerTx: number;
  readonly contractClassLogSizeInFields: number;
  readonly l1ToL2MsgsPerCheckpoint: number;
  readonly nullifierPrefill: number;
  readonly publicDataPrefill: number;
  readonly maxBlocksPerCheckpoint: number;
  readonly maxTxsPerBlock: number;
  readonly maxBlobFields: number;
}

export const AZTEC: Params = {
  name: 'aztec',
  noteHashTreeHeight: 42,
  nullifierTreeHeight: 42,
  publicDataTreeHeight: 40,
  l1ToL2TreeHeight: 36,
  archiveHeight: 30,
  maxNoteHashesPerTx: 64,
  maxNullifiersPerTx: 64,
  maxPublicDataWritesPerTx: 64,
  maxL2ToL1MsgsPerTx: 8,
  maxPrivateLogsPerTx: 64,
  privateLogSizeInFields: 16,
  maxPublicLogsLength: 4096,
  maxContractClassLogsPerTx: 1,
  contractClassLogSizeInFields: 3023,
  l1ToL2MsgsPerCheckpoint: 1024,
  nullifierPrefill: 128,
  publicDataPrefill: 128,
  maxBlocksPerCheckpoint: 72,
  maxTxsPerBlock: 65535,
  maxBlobFields: 24576,
};

export const SMALL: Params = {
  name: 'small',
  noteHashTreeHeight: 6,
  nullifierTreeHeight: 6,
  publicDataTreeHeight: 6,
  l1ToL2TreeHeight: 5,
  archiveHeight: 5,
  maxNoteHashesPerTx: 2,
  maxNullifiersPerTx: 2,
  maxPublicDataWritesPerTx: 2,
  maxL2ToL1MsgsPerTx: 2,
  maxPrivateLogsPerTx: 2,
  privateLogSizeInFields: 3,
  maxPublicLogsLength: 6,
  maxContractClassLogsPerTx: 1,
  contractClassLogSizeInFields: 3,
  l1ToL2MsgsPerCheckpoint: 4,
  nullifierPrefill: 4,
  publicDataPrefill: 4,
  maxBlocksPerCheckpoint: 2,
  maxTxsPerBlock: 1,
  maxBlobFields: 96,
};

export const PROFILES: Readonly<Record<ProfileName, Params>> = { aztec: AZTEC, small: SMALL };

/** BN254 scalar field modulus. */
export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const TWO_POW_64 = 1n << 64n;
/** Blob sponge IV numerator: 6 blobs x 4096 fields, fixed in both profiles (spec §1.4). */
export const BLOB_SPONGE_MAX_FIELDS = 24576n;
export const BLOCK_HEADER_HASH_SEPARATOR = 4195546849n;
export const TX_START_PREFIX = 2624615704n;
export const BLOCK_END_PREFIX = 3951939007n;
export const CHECKPOINT_END_PREFIX = 2355328067n;
