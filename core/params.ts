// Profile sizes as difftower's own tooling (generators, CLI) needs them; the normative table is
// spec/STF.md §3. Implementations keep their own copy: this one is not shared with them.

export const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export interface ProfileSizes {
  maxNoteHashesPerTx: number;
  maxNullifiersPerTx: number;
  maxPublicDataWritesPerTx: number;
  maxL2ToL1MsgsPerTx: number;
  maxPrivateLogsPerTx: number;
  privateLogSizeInFields: number;
  maxPublicLogsLength: number;
  contractClassLogSizeInFields: number;
  l1ToL2MsgsPerCheckpoint: number;
  prefill: number;
  maxBlocksPerCheckpoint: number;
  maxTxsPerBlock: number;
}

export const PROFILE_SIZES: Record<'aztec' | 'small', ProfileSizes> = {
  aztec: {
    maxNoteHashesPerTx: 64, maxNullifiersPerTx: 64, maxPublicDataWritesPerTx: 64, maxL2ToL1MsgsPerTx: 8,
    maxPrivateLogsPerTx: 64, privateLogSizeInFields: 16, maxPublicLogsLength: 4096, contractClassLogSizeInFields: 3023,
    l1ToL2MsgsPerCheckpoint: 1024, prefill: 128, maxBlocksPerCheckpoint: 72, maxTxsPerBlock: 65535,
  },
  small: {
    maxNoteHashesPerTx: 2, maxNullifiersPerTx: 2, maxPublicDataWritesPerTx: 2, maxL2ToL1MsgsPerTx: 2,
    maxPrivateLogsPerTx: 2, privateLogSizeInFields: 3, maxPublicLogsLength: 6, contractClassLogSizeInFields: 3,
    l1ToL2MsgsPerCheckpoint: 4, prefill: 4, maxBlocksPerCheckpoint: 2, maxTxsPerBlock: 1,
  },
};

export interface TreeHeights {
  noteHash: number;
  nullifier: number;
  publicData: number;
  l1ToL2: number;
  archive: number;
}

export const TREE_HEIGHTS: Record<'aztec' | 'small', TreeHeights> = {
  aztec: { noteHash: 42, nullifier: 42, publicData: 40, l1ToL2: 36, archive: 30 },
  small: { noteHash: 6, nullifier: 6, publicData: 6, l1ToL2: 5, archive: 5 },
};
