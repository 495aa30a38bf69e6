// The STF's rejection: a spec error code (spec §7) and a human-readable message.

export type ErrorCode =
  | 'E_MALFORMED_INPUT'
  | 'E_FIELD_OUT_OF_RANGE'
  | 'E_HEADER_OUT_OF_RANGE'
  | 'E_BLOB_EMPTY'
  | 'E_BLOB_BAD_TX_MARKER'
  | 'E_BLOB_TRUNCATED'
  | 'E_BLOB_TX_LENGTH_MISMATCH'
  | 'E_BLOB_BAD_REVERT_CODE'
  | 'E_BLOB_BAD_END_STATE_FIELD'
  | 'E_BLOB_TX_COUNT_MISMATCH'
  | 'E_BLOB_CHECKPOINT_LENGTH_MISMATCH'
  | 'E_BLOB_TRAILING_DATA'
  | 'E_NO_BLOCKS'
  | 'E_TOO_MANY_BLOCKS'
  | 'E_TOO_MANY_L1_TO_L2_MSGS'
  | 'E_EMPTY_BLOCK'
  | 'E_TOO_MANY_TXS'
  | 'E_BAD_REVERT_CODE'
  | 'E_TOO_MANY_NOTE_HASHES'
  | 'E_TOO_MANY_NULLIFIERS'
  | 'E_TOO_MANY_L2_TO_L1_MSGS'
  | 'E_TOO_MANY_PUBLIC_DATA_WRITES'
  | 'E_TOO_MANY_PRIVATE_LOGS'
  | 'E_TX_WITHOUT_NULLIFIER'
  | 'E_ZERO_NOTE_HASH'
  | 'E_ZERO_NULLIFIER'
  | 'E_ZERO_L2_TO_L1_MSG'
  | 'E_EMPTY_PUBLIC_DATA_WRITE'
  | 'E_BAD_PRIVATE_LOG_LENGTH'
  | 'E_PUBLIC_LOGS_TOO_LONG'
  | 'E_BAD_CONTRACT_CLASS_LOG_LENGTH'
  | 'E_MANA_OUT_OF_RANGE'
  | 'E_BLOB_TOO_LARGE'
  | 'E_CHAIN_ID'
  | 'E_VERSION'
  | 'E_SLOT'
  | 'E_TIMESTAMP'
  | 'E_BLOCK_NUMBER'
  | 'E_TREE_FULL'
  | 'E_DUPLICATE_NULLIFIER'
  | 'E_NULLIFIER_EXISTS'
  | 'E_END_STATE_MISMATCH';

/** Thrown inside the STF and turned into a `rejected` outcome at its boundary. */
export class StfRejection extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'StfRejection';
  }
}

export function reject(code: ErrorCode, message: string): never {
  throw new StfRejection(code, message);
}
