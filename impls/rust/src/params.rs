//! Profiles (§3) and the protocol constants used across modules.

/// `BLOBS_PER_CHECKPOINT · FIELDS_PER_BLOB`: the blob sponge's IV in both profiles (§1.4).
pub const MAX_BLOB_FIELDS_AZTEC: u64 = 6 * 4096;
/// `DomainSeparator.BLOCK_HEADER_HASH` (§4.3).
pub const BLOCK_HEADER_HASH_SEPARATOR: u64 = 4195546849;
/// Blob marker prefixes (§6.1).
pub const TX_START_PREFIX: u64 = 2624615704;
pub const BLOCK_END_PREFIX: u64 = 3951939007;
pub const CHECKPOINT_END_PREFIX: u64 = 2355328067;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Aztec,
    Small,
}

/// One column of the table in §3.
#[derive(Debug)]
pub struct Params {
    pub note_hash_tree_height: u32,
    pub nullifier_tree_height: u32,
    pub public_data_tree_height: u32,
    pub l1_to_l2_msg_tree_height: u32,
    pub archive_height: u32,
    pub max_note_hashes_per_tx: usize,
    pub max_nullifiers_per_tx: usize,
    pub max_public_data_writes_per_tx: usize,
    pub max_l2_to_l1_msgs_per_tx: usize,
    pub max_private_logs_per_tx: usize,
    pub private_log_size_in_fields: usize,
    pub max_public_logs_length: usize,
    pub contract_class_log_size_in_fields: usize,
    pub l1_to_l2_msgs_per_checkpoint: usize,
    pub nullifier_prefill: u64,
    pub public_data_prefill: u64,
    pub max_blocks_per_checkpoint: usize,
    pub max_txs_per_block: usize,
    pub max_blob_fields: usize,
}

const AZTEC: Params = Params {
    note_hash_tree_height: 42,
    nullifier_tree_height: 42,
    public_data_tree_height: 40,
    l1_to_l2_msg_tree_height: 36,
    archive_height: 30,
    max_note_hashes_per_tx: 64,
    max_nullifiers_per_tx: 64,
    max_public_data_writes_per_tx: 64,
    max_l2_to_l1_msgs_per_tx: 8,
    max_private_logs_per_tx: 64,
    private_log_size_in_fields: 16,
    max_public_logs_length: 4096,
    contract_class_log_size_in_fields: 3023,
    l1_to_l2_msgs_per_checkpoint: 1024,
    nullifier_prefill: 128,
    public_data_prefill: 128,
    max_blocks_per_checkpoint: 72,
    max_txs_per_block: 65535,
    max_blob_fields: 24576,
};

const SMALL: Params = Params {
    note_hash_tree_height: 6,
    nullifier_tree_height: 6,
    public_data_tree_height: 6,
    l1_to_l2_msg_tree_height: 5,
    archive_height: 5,
    max_note_hashes_per_tx: 2,
    max_nullifiers_per_tx: 2,
    max_public_data_writes_per_tx: 2,
    max_l2_to_l1_msgs_per_tx: 2,
    max_private_logs_per_tx: 2,
    private_log_size_in_fields: 3,
    max_public_logs_length: 6,
    contract_class_log_size_in_fields: 3,
    l1_to_l2_msgs_per_checkpoint: 4,
    nullifier_prefill: 4,
    public_data_prefill: 4,
    max_blocks_per_checkpoint: 2,
    max_txs_per_block: 1,
    max_blob_fields: 96,
};

impl Profile {
    pub fn params(self) -> &'static Params {
        match self {
            Profile::Aztec => &AZTEC,
            Profile::Small => &SMALL,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Profile::Aztec => "aztec",
            Profile::Small => "small",
        }
    }

    pub fn from_name(name: &[u8]) -> Option<Profile> {
        match name {
            b"aztec" => Some(Profile::Aztec),
            b"small" => Some(Profile::Small),
            _ => None,
        }
    }
}
