//! Global variables and the block header (§4.3) and its hash.

use crate::field::Fr;
use crate::params::BLOCK_HEADER_HASH_SEPARATOR;
use crate::poseidon2::hash_with_separator;
use crate::tree::Snapshot;

/// The four trees of the state reference, in its order (§4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateReference {
    pub l1_to_l2: Snapshot,
    pub note_hash: Snapshot,
    pub nullifier: Snapshot,
    pub public_data: Snapshot,
}

impl StateReference {
    pub fn snapshots(&self) -> [Snapshot; 4] {
        [self.l1_to_l2, self.note_hash, self.nullifier, self.public_data]
    }

    /// `[root, nextIndex]` × 4, as fields.
    pub fn to_fields(&self) -> [Fr; 8] {
        let s = self.snapshots();
        let mut out = [Fr::ZERO; 8];
        for (i, snap) in s.iter().enumerate() {
            out[2 * i] = snap.root;
            out[2 * i + 1] = Fr::from_u64(snap.next_index);
        }
        out
    }
}

/// The 9 global variables, in their order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GlobalVariables {
    pub chain_id: Fr,
    pub version: Fr,
    pub block_number: u64,
    pub slot_number: Fr,
    pub timestamp: u64,
    pub coinbase: Fr,
    pub fee_recipient: Fr,
    pub fee_per_da_gas: Fr,
    pub fee_per_l2_gas: Fr,
}

impl GlobalVariables {
    pub fn to_fields(&self) -> [Fr; 9] {
        [
            self.chain_id,
            self.version,
            Fr::from_u64(self.block_number),
            self.slot_number,
            Fr::from_u64(self.timestamp),
            self.coinbase,
            self.fee_recipient,
            self.fee_per_da_gas,
            self.fee_per_l2_gas,
        ]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockHeader {
    pub last_archive: Snapshot,
    pub state: StateReference,
    pub sponge_blob_hash: Fr,
    pub globals: GlobalVariables,
    pub total_fees: Fr,
    pub total_mana_used: u64,
}

impl BlockHeader {
    /// The 22 fields of `BlockHeader.toFields`.
    pub fn to_fields(&self) -> Vec<Fr> {
        let mut f = Vec::with_capacity(22);
        f.push(self.last_archive.root);
        f.push(Fr::from_u64(self.last_archive.next_index));
        f.extend_from_slice(&self.state.to_fields());
        f.push(self.sponge_blob_hash);
        f.extend_from_slice(&self.globals.to_fields());
        f.push(self.total_fees);
        f.push(Fr::from_u64(self.total_mana_used));
        debug_assert_eq!(f.len(), 22);
        f
    }

    pub fn hash(&self) -> Fr {
        hash_with_separator(&self.to_fields(), BLOCK_HEADER_HASH_SEPARATOR)
    }
}
