//! The chain state (§4.1), genesis (§5.1) and applying a checkpoint (§5.2, §5.3), all-or-nothing.

use crate::blob::{self, BlockEnd};
use crate::error::{reject, ErrorCode as E, Rejection};
use crate::field::Fr;
use crate::header::{BlockHeader, GlobalVariables, StateReference};
use crate::indexed_tree::{IndexedTree, Kind};
use crate::model::{Block, Body, Checkpoint, TxEffect};
use crate::params::{Params, Profile};
use crate::poseidon2::PermutationChain;
use crate::sponge::BlobSponge;
use crate::tree::{MerkleTree, Snapshot};
use crate::validate::{self, ChainPosition};
use std::borrow::Cow;
use std::collections::HashSet;

/// The last block's sequencing data (§4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LastBlock {
    pub block_number: u64,
    pub slot_number: Fr,
    pub timestamp: u64,
}

/// What an accepted checkpoint produced (§4.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub state: StateReference,
    pub archive: Snapshot,
    pub block_header_hashes: Vec<Fr>,
    pub blob_fields: Vec<Fr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // one per checkpoint; boxing buys nothing
pub enum Outcome {
    Accepted(Accepted),
    Rejected(Rejection),
}

#[derive(Clone)]
pub struct Chain {
    pub(crate) profile: Profile,
    pub(crate) chain_id: Fr,
    pub(crate) version: Fr,
    pub(crate) note_hash: MerkleTree,
    pub(crate) nullifier: IndexedTree,
    pub(crate) public_data: IndexedTree,
    pub(crate) l1_to_l2: MerkleTree,
    pub(crate) archive: MerkleTree,
    pub(crate) last: LastBlock,
}

impl Chain {
    /// §5.1. The genesis header is hashed with all-zero globals, whatever `chain_id`/`version`.
    pub fn genesis(profile: Profile, chain_id: Fr, version: Fr) -> Chain {
        let p = profile.params();
        let mut chain = Chain {
            profile,
            chain_id,
            version,
            note_hash: MerkleTree::new(p.note_hash_tree_height),
            nullifier: IndexedTree::prefilled(Kind::Nullifier, p.nullifier_tree_height, p.nullifier_prefill),
            public_data: IndexedTree::prefilled(Kind::PublicData, p.public_data_tree_height, p.public_data_prefill),
            l1_to_l2: MerkleTree::new(p.l1_to_l2_msg_tree_height),
            archive: MerkleTree::new(p.archive_height),
            last: LastBlock { block_number: 0, slot_number: Fr::ZERO, timestamp: 0 },
        };
        let header = chain.genesis_header();
        chain.archive.append(&[header.hash()]).expect("empty archive has room");
        chain
    }

    /// `BlockHeader.empty({state})`: zero last archive, zero sponge, zero globals and totals,
    /// over the current trees (so: the genesis header while the chain is still at genesis).
    pub fn genesis_header(&mut self) -> BlockHeader {
        BlockHeader {
            last_archive: Snapshot { root: Fr::ZERO, next_index: 0 },
            state: self.state_reference(),
            sponge_blob_hash: Fr::ZERO,
            globals: GlobalVariables::default(),
            total_fees: Fr::ZERO,
            total_mana_used: 0,
        }
    }

    pub fn profile(&self) -> Profile {
        self.profile
    }

    pub fn params(&self) -> &'static Params {
        self.profile.params()
    }

    pub fn chain_id(&self) -> Fr {
        self.chain_id
    }

    pub fn version(&self) -> Fr {
        self.version
    }

    pub fn last(&self) -> LastBlock {
        self.last
    }

    /// `state_reference`, hashing the trees with `chain` beside (`poseidon2::hash_tuples_beside`).
    pub fn state_reference_beside(&mut self, chain: &mut dyn PermutationChain) -> StateReference {
        self.l1_to_l2.flush_beside(chain);
        self.note_hash.flush_beside(chain);
        self.nullifier.flush_beside(chain);
        self.public_data.flush_beside(chain);
        self.state_reference()
    }

    pub fn state_reference(&mut self) -> StateReference {
        StateReference {
            l1_to_l2: self.l1_to_l2.snapshot(),
            note_hash: self.note_hash.snapshot(),
            nullifier: self.nullifier.snapshot(),
            public_data: self.public_data.snapshot(),
        }
    }

    pub fn archive_snapshot(&mut self) -> Snapshot {
        self.archive.snapshot()
    }

    /// Applies a checkpoint; a rejection leaves the chain exactly as it was.
    pub fn apply(&mut self, cp: &Checkpoint) -> Outcome {
        if cp.profile != self.profile {
            return Outcome::Rejected(Rejection::new(
                E::MalformedInput,
                format!("checkpoint is for profile {}, the chain is {}", cp.profile.name(), self.profile.name()),
            ));
        }
        let prepared = match self.prepare(cp) {
            Ok(p) => p,
            Err(r) => return Outcome::Rejected(r),
        };
        let last_before = self.last;
        self.begin();
        match self.execute(cp, &prepared.blocks, prepared.claimed.as_deref()) {
            Ok(accepted) => {
                self.commit();
                Outcome::Accepted(accepted)
            }
            Err(r) => {
                self.rollback();
                self.last = last_before;
                Outcome::Rejected(r)
            }
        }
    }

    /// §7.1 header ranges, then steps 1-3 of §5.2: decode (blob form), static checks, sequencing
    /// checks. Reads only.
    fn prepare<'a>(&self, cp: &'a Checkpoint) -> Result<Prepared<'a>, Rejection> {
        validate::header_ranges(&cp.header)?;
        let (blocks, claimed): (Cow<'a, [Block]>, Option<Vec<BlockEnd>>) = match &cp.body {
            Body::Blocks(blocks) => (Cow::Borrowed(blocks.as_slice()), None),
            Body::Blob(fields) => {
                let decoded = blob::decode_checkpoint(fields, self.params().max_blob_fields)?;
                let (blocks, claimed) = decoded.into_iter().map(|d| (d.block, d.claimed)).unzip();
                (Cow::Owned(blocks), Some(claimed))
            }
        };
        validate::static_checks(self.params(), &blocks, cp.l1_to_l2_messages.len())?;
        let position = ChainPosition {
            chain_id: self.chain_id,
            version: self.version,
            block_number: self.last.block_number,
            slot_number: self.last.slot_number,
            timestamp: self.last.timestamp,
        };
        let marker_timestamps: Option<Vec<u64>> = claimed.as_ref().map(|c| c.iter().map(|e| e.timestamp).collect());
        validate::sequencing_checks(&position, &cp.header, &blocks, marker_timestamps.as_deref())?;
        Ok(Prepared { blocks, claimed })
    }

    /// Steps 4-6 of §5.2. May fail half-way: the caller rolls back.
    fn execute(
        &mut self,
        cp: &Checkpoint,
        blocks: &[Block],
        claimed: Option<&[BlockEnd]>,
    ) -> Result<Accepted, Rejection> {
        let p = self.params();
        let mut messages = cp.l1_to_l2_messages.clone();
        messages.resize(p.l1_to_l2_msgs_per_checkpoint, Fr::ZERO);
        if fault!("l1-to-l2-capacity", self.l1_to_l2.append(&messages).is_err(), !self.l1_to_l2.has_room_for(messages.len() as u64 + 1) || self.l1_to_l2.append(&messages).is_err()) {
            return reject(E::TreeFull, "L1-to-L2 message tree is full");
        }

        let mut sponge = BlobSponge::new();
        let mut blob_fields = Vec::new();
        let mut block_header_hashes = Vec::with_capacity(blocks.len());
        for (b, block) in blocks.iter().enumerate() {
            let last_archive = self.archive.snapshot();
            for (t, tx) in block.txs.iter().enumerate() {
                self.apply_tx(tx)
                    .map_err(|r| Rejection { message: format!("block {b} tx {t}: {}", r.message), ..r })?;
            }
            // The txs' blob fields do not depend on the trees: their sponge duplexes run beside the
            // trees' hashing (in spare vector lanes on wasm32), the block end's after it.
            let start = blob_fields.len();
            for tx in &block.txs {
                blob::encode_tx(tx, &mut blob_fields);
            }
            sponge.absorb_all(&blob_fields[start..]);
            let state = self.state_reference_beside(&mut sponge);
            let end = BlockEnd {
                timestamp: cp.header.timestamp,
                block_number: block.block_number,
                num_txs: block.txs.len() as u64,
                l1_to_l2_next_index: state.l1_to_l2.next_index,
                note_hash_next_index: state.note_hash.next_index,
                nullifier_next_index: state.nullifier.next_index,
                public_data_next_index: state.public_data.next_index,
                total_mana_used: block.total_mana_used,
                last_archive_root: last_archive.root,
                note_hash_root: state.note_hash.root,
                nullifier_root: state.nullifier.root,
                public_data_root: state.public_data.root,
                l1_to_l2_root: if b == 0 { Some(state.l1_to_l2.root) } else { None },
            };
            let start = blob_fields.len();
            blob::encode_block_end(&end, &mut blob_fields);
            sponge.absorb_all(&blob_fields[start..]);

            if let Some(claimed) = claimed {
                check_end_state(b, &claimed[b], &end)?;
            }

            let header = BlockHeader {
                last_archive,
                state,
                sponge_blob_hash: sponge.squeeze_so_far(),
                globals: GlobalVariables {
                    chain_id: cp.header.chain_id,
                    version: cp.header.version,
                    block_number: block.block_number,
                    slot_number: cp.header.slot_number,
                    timestamp: cp.header.timestamp,
                    coinbase: cp.header.coinbase,
                    fee_recipient: cp.header.fee_recipient,
                    fee_per_da_gas: cp.header.fee_per_da_gas,
                    fee_per_l2_gas: cp.header.fee_per_l2_gas,
                },
                total_fees: block.txs.iter().map(|tx| tx.transaction_fee).sum(),
                total_mana_used: block.total_mana_used,
            };
            let header_hash = header.hash();
            if fault!("archive-capacity", self.archive.append(&[header_hash]).is_err(), !self.archive.has_room_for(2) || self.archive.append(&[header_hash]).is_err()) {
                return reject(E::TreeFull, format!("block {b}: archive tree is full"));
            }
            block_header_hashes.push(header_hash);
            self.last = LastBlock {
                block_number: block.block_number,
                slot_number: cp.header.slot_number,
                timestamp: cp.header.timestamp,
            };
        }
        let total = blob_fields.len() as u64 + 1;
        blob_fields.push(blob::checkpoint_end_marker(total));
        Ok(Accepted {
            state: self.state_reference(),
            archive: self.archive.snapshot(),
            block_header_hashes,
            blob_fields,
        })
    }

    /// §5.3, with the execution checks of §7.5 in their order.
    fn apply_tx(&mut self, tx: &TxEffect) -> Result<(), Rejection> {
        let p = self.params();

        let mut note_hashes = tx.note_hashes.clone();
        note_hashes.resize(p.max_note_hashes_per_tx, Fr::ZERO);
        if fault!("note-hash-capacity", self.note_hash.append(&note_hashes).is_err(), !self.note_hash.has_room_for(note_hashes.len() as u64 + 1) || self.note_hash.append(&note_hashes).is_err()) {
            return reject(E::TreeFull, "note hash tree is full");
        }

        insert_nullifier_batch(&mut self.nullifier, &tx.nullifiers, p.max_nullifiers_per_tx)?;
        for (i, (slot, value)) in tx.public_data_writes.iter().enumerate() {
            write_public_data(&mut self.public_data, *slot, *value)
                .map_err(|r| Rejection { message: format!("{} (write {i})", r.message), ..r })?;
        }
        Ok(())
    }

    fn begin(&mut self) {
        self.note_hash.begin();
        self.nullifier.begin();
        self.public_data.begin();
        self.l1_to_l2.begin();
        self.archive.begin();
    }

    fn commit(&mut self) {
        self.note_hash.commit();
        self.nullifier.commit();
        self.public_data.commit();
        self.l1_to_l2.commit();
        self.archive.commit();
    }

    fn rollback(&mut self) {
        self.note_hash.rollback();
        self.nullifier.rollback();
        self.public_data.rollback();
        self.l1_to_l2.rollback();
        self.archive.rollback();
    }
}

/// One tx's nullifiers padded to `batch` positions (§2.2), after the §7.5 checks in their order:
/// capacity, duplicates (first repeated position), existence (first position).
pub fn insert_nullifier_batch(tree: &mut IndexedTree, nullifiers: &[Fr], batch: usize) -> Result<(), Rejection> {
    let batch = batch.max(nullifiers.len());
    if !tree.has_room_for(fault!("nullifier-capacity", batch as u64, batch as u64 + 1)) {
        return reject(E::TreeFull, "nullifier tree is full");
    }
    let mut seen = HashSet::with_capacity(nullifiers.len());
    for (i, n) in nullifiers.iter().enumerate() {
        if !n.is_zero() && !seen.insert(*n) {
            return reject(E::DuplicateNullifier, format!("nullifier {i} repeats an earlier one"));
        }
    }
    for (i, n) in nullifiers.iter().enumerate() {
        if !n.is_zero() && tree.find(n).is_some() {
            return reject(E::NullifierExists, format!("nullifier {i} is already in the tree"));
        }
    }
    for i in 0..batch {
        let inserted = match nullifiers.get(i) {
            Some(n) if !n.is_zero() => tree.insert(*n, Fr::ZERO),
            _ => tree.push_empty(), // padding: an empty leaf
        };
        inserted.expect("capacity checked for the whole batch");
    }
    Ok(())
}

/// A public-data write (§2.2): in place if the slot exists, else a new leaf at `nextIndex`.
pub fn write_public_data(tree: &mut IndexedTree, slot: Fr, value: Fr) -> Result<(), Rejection> {
    match tree.find(&slot) {
        Some(pos) => {
            tree.update_value(pos, value);
            Ok(())
        }
        None => fault!("public-data-capacity", tree.insert(slot, value), if tree.has_room_for(2) { tree.insert(slot, value) } else { Err(crate::tree::TreeFull) }).or_else(|_| reject(E::TreeFull, "public data tree is full")),
    }
}

struct Prepared<'a> {
    blocks: Cow<'a, [Block]>,
    claimed: Option<Vec<BlockEnd>>,
}

/// §7.5 `E_END_STATE_MISMATCH`: the claimed indices and roots must be the computed ones.
fn check_end_state(b: usize, claimed: &BlockEnd, computed: &BlockEnd) -> Result<(), Rejection> {
    let mismatches: Vec<&str> = [
        ("l1ToL2.nextIndex", claimed.l1_to_l2_next_index == computed.l1_to_l2_next_index),
        ("noteHash.nextIndex", claimed.note_hash_next_index == computed.note_hash_next_index),
        ("nullifier.nextIndex", claimed.nullifier_next_index == computed.nullifier_next_index),
        ("publicData.nextIndex", claimed.public_data_next_index == computed.public_data_next_index),
        ("lastArchive.root", claimed.last_archive_root == computed.last_archive_root),
        ("noteHash.root", claimed.note_hash_root == computed.note_hash_root),
        ("nullifier.root", claimed.nullifier_root == computed.nullifier_root),
        ("publicData.root", claimed.public_data_root == computed.public_data_root),
        ("l1ToL2.root", claimed.l1_to_l2_root == computed.l1_to_l2_root),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(name, _)| name)
    .collect();
    if mismatches.is_empty() {
        Ok(())
    } else {
        reject(
            E::EndStateMismatch,
            format!("block {b}: claimed {} differ from the computed ones", mismatches.join(", ")),
        )
    }
}
