// The `small` profile as this implementation's circuit is built (impls/noir/circuit/src/params.nr
// is the authority; these mirror it for the hint generator). Spec/STF.md §3 (MAX_TXS_PER_BLOCK
// is 1 so that the circuit fits 2^15 gates: spec §9.1, impls/noir/README.md "Gate budget").

export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export const SIZES = {
  noteHashTreeHeight: 6,
  nullifierTreeHeight: 6,
  publicDataTreeHeight: 6,
  l1ToL2TreeHeight: 5,
  archiveHeight: 5,
  maxNoteHashesPerTx: 2,
  maxNullifiersPerTx: 2,
  maxPublicDataWritesPerTx: 2,
  l1ToL2MsgsPerCheckpoint: 4,
  prefill: 4,
  maxBlocksPerCheckpoint: 2,
  maxTxsPerBlock: 1,
  maxBlobFields: 96,
} as const;

export const TX_START_PREFIX = 2624615704n;
export const BLOCK_END_PREFIX = 3951939007n;
export const CHECKPOINT_END_PREFIX = 2355328067n;
export const BLOCK_HEADER_HASH_SEPARATOR = 4195546849n;
export const BLOB_SPONGE_IV = 24576n << 64n;

/** Statement layout (spec §9). */
export const STATEMENT = { pre: 15, header: 8, messages: 4, blob: 96, inputs: 123, outputs: 13, total: 136 } as const;
