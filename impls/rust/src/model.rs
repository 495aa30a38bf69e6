//! The checkpoint input of §4.2, as plain data (already range-checked field elements).

use crate::field::Fr;
use crate::params::Profile;

/// Checkpoint header (§4.2): shared by every block of the checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointHeader {
    pub chain_id: Fr,
    pub version: Fr,
    pub slot_number: Fr,
    pub timestamp: u64,
    pub coinbase: Fr,
    pub fee_recipient: Fr,
    pub fee_per_da_gas: Fr,
    pub fee_per_l2_gas: Fr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractClassLog {
    pub contract_address: Fr,
    pub fields: Vec<Fr>,
}

/// A tx's effects (§4.2, `stdlib:src/tx/tx_effect.ts`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TxEffect {
    /// A `u8` (§8: 256 and above is `E_MALFORMED_INPUT`); only 0..=3 are valid
    /// (`E_BAD_REVERT_CODE`, `E_BLOB_BAD_REVERT_CODE`).
    pub revert_code: u8,
    pub tx_hash: Fr,
    pub transaction_fee: Fr,
    pub note_hashes: Vec<Fr>,
    pub nullifiers: Vec<Fr>,
    pub l2_to_l1_msgs: Vec<Fr>,
    /// `(slot, value)`.
    pub public_data_writes: Vec<(Fr, Fr)>,
    pub private_logs: Vec<Vec<Fr>>,
    pub public_logs: Vec<Fr>,
    pub contract_class_log: Option<ContractClassLog>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Block {
    /// A u32 on the wire; kept wider so that `last + 1` needs no overflow care.
    pub block_number: u64,
    /// A u64 on the wire; only `< 2^48` is valid (E_MANA_OUT_OF_RANGE).
    pub total_mana_used: u64,
    pub txs: Vec<TxEffect>,
}

/// The two forms of a checkpoint's blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Blocks(Vec<Block>),
    Blob(Vec<Fr>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub profile: Profile,
    pub header: CheckpointHeader,
    pub l1_to_l2_messages: Vec<Fr>,
    pub body: Body,
}
