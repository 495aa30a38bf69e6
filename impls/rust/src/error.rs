//! The rejection codes of §7, and the rejection value an outcome carries.

use core::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    // §7.1 input
    MalformedInput,
    FieldOutOfRange,
    HeaderOutOfRange,
    // §7.2 decoding (blob form)
    BlobEmpty,
    BlobBadTxMarker,
    BlobTruncated,
    BlobTxLengthMismatch,
    BlobBadRevertCode,
    BlobBadEndStateField,
    BlobTxCountMismatch,
    BlobCheckpointLengthMismatch,
    BlobTrailingData,
    // §7.3 static
    NoBlocks,
    TooManyBlocks,
    TooManyL1ToL2Msgs,
    EmptyBlock,
    TooManyTxs,
    ManaOutOfRange,
    BadRevertCode,
    TooManyNoteHashes,
    TooManyNullifiers,
    TooManyL2ToL1Msgs,
    TooManyPublicDataWrites,
    TooManyPrivateLogs,
    TxWithoutNullifier,
    ZeroNoteHash,
    ZeroNullifier,
    ZeroL2ToL1Msg,
    EmptyPublicDataWrite,
    BadPrivateLogLength,
    PublicLogsTooLong,
    BadContractClassLogLength,
    /// Also §7.2: a blob-form `blobFields` longer than `MAX_BLOB_FIELDS`, before decoding.
    BlobTooLarge,
    // §7.4 sequencing
    ChainId,
    Version,
    Slot,
    Timestamp,
    BlockNumber,
    // §7.5 execution
    TreeFull,
    DuplicateNullifier,
    NullifierExists,
    EndStateMismatch,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            MalformedInput => "E_MALFORMED_INPUT",
            FieldOutOfRange => "E_FIELD_OUT_OF_RANGE",
            HeaderOutOfRange => "E_HEADER_OUT_OF_RANGE",
            BlobEmpty => "E_BLOB_EMPTY",
            BlobBadTxMarker => "E_BLOB_BAD_TX_MARKER",
            BlobTruncated => "E_BLOB_TRUNCATED",
            BlobTxLengthMismatch => "E_BLOB_TX_LENGTH_MISMATCH",
            BlobBadRevertCode => "E_BLOB_BAD_REVERT_CODE",
            BlobBadEndStateField => "E_BLOB_BAD_END_STATE_FIELD",
            BlobTxCountMismatch => "E_BLOB_TX_COUNT_MISMATCH",
            BlobCheckpointLengthMismatch => "E_BLOB_CHECKPOINT_LENGTH_MISMATCH",
            BlobTrailingData => "E_BLOB_TRAILING_DATA",
            NoBlocks => "E_NO_BLOCKS",
            TooManyBlocks => "E_TOO_MANY_BLOCKS",
            TooManyL1ToL2Msgs => "E_TOO_MANY_L1_TO_L2_MSGS",
            EmptyBlock => "E_EMPTY_BLOCK",
            TooManyTxs => "E_TOO_MANY_TXS",
            ManaOutOfRange => "E_MANA_OUT_OF_RANGE",
            BadRevertCode => "E_BAD_REVERT_CODE",
            TooManyNoteHashes => "E_TOO_MANY_NOTE_HASHES",
            TooManyNullifiers => "E_TOO_MANY_NULLIFIERS",
            TooManyL2ToL1Msgs => "E_TOO_MANY_L2_TO_L1_MSGS",
            TooManyPublicDataWrites => "E_TOO_MANY_PUBLIC_DATA_WRITES",
            TooManyPrivateLogs => "E_TOO_MANY_PRIVATE_LOGS",
            TxWithoutNullifier => "E_TX_WITHOUT_NULLIFIER",
            ZeroNoteHash => "E_ZERO_NOTE_HASH",
            ZeroNullifier => "E_ZERO_NULLIFIER",
            ZeroL2ToL1Msg => "E_ZERO_L2_TO_L1_MSG",
            EmptyPublicDataWrite => "E_EMPTY_PUBLIC_DATA_WRITE",
            BadPrivateLogLength => "E_BAD_PRIVATE_LOG_LENGTH",
            PublicLogsTooLong => "E_PUBLIC_LOGS_TOO_LONG",
            BadContractClassLogLength => "E_BAD_CONTRACT_CLASS_LOG_LENGTH",
            BlobTooLarge => "E_BLOB_TOO_LARGE",
            ChainId => "E_CHAIN_ID",
            Version => "E_VERSION",
            Slot => "E_SLOT",
            Timestamp => "E_TIMESTAMP",
            BlockNumber => "E_BLOCK_NUMBER",
            TreeFull => "E_TREE_FULL",
            DuplicateNullifier => "E_DUPLICATE_NULLIFIER",
            NullifierExists => "E_NULLIFIER_EXISTS",
            EndStateMismatch => "E_END_STATE_MISMATCH",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a checkpoint was rejected: the code decides, the message is for humans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub code: ErrorCode,
    pub message: String,
}

impl Rejection {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Rejection {
        Rejection { code, message: message.into() }
    }
}

/// Shorthand for early returns: `return reject(code, msg)`.
pub fn reject<T>(code: ErrorCode, message: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection::new(code, message))
}
