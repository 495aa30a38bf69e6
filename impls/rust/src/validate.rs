//! Header ranges (§7.1, §4.5), static checks (§7.3) and sequencing checks (§7.4): everything
//! decidable before touching a tree.
//!
//! Order (§7.3's "Order" paragraph): the three checkpoint rows; then per block its three rows
//! followed by each tx's rows in table order (a row naming several codes checks them in the listed
//! order, each list by position); `E_BLOB_TOO_LARGE` last. §7.4 in table order.

use crate::blob::{block_end_field_count, tx_field_count};
use crate::error::{reject, ErrorCode as E, Rejection};
use crate::field::Fr;
use crate::model::{Block, CheckpointHeader, TxEffect};
use crate::params::Params;
use crate::uint;

const MANA_LIMIT: u64 = 1 << 48;

/// `E_HEADER_OUT_OF_RANGE`: header values wider than Aztec's types (§4.5): slot u32, coinbase
/// 160 bits, fees u128, in that order. Runs right after `E_FIELD_OUT_OF_RANGE` (§7.1).
pub fn header_ranges(h: &CheckpointHeader) -> Result<(), Rejection> {
    for (name, value, bits) in [
        ("slotNumber", &h.slot_number, 32usize),
        ("coinbase", &h.coinbase, 160),
        ("feePerDaGas", &h.fee_per_da_gas, 128),
        ("feePerL2Gas", &h.fee_per_l2_gas, 128),
    ] {
        let bytes = value.to_be_bytes();
        if bytes[..32 - bits / 8].iter().any(|&b| b != 0) {
            return reject(E::HeaderOutOfRange, format!("header.{name} {} does not fit in {bits} bits", value.to_hex()));
        }
    }
    Ok(())
}

pub fn static_checks(p: &Params, blocks: &[Block], num_l1_to_l2_msgs: usize) -> Result<(), Rejection> {
    if blocks.is_empty() {
        return reject(E::NoBlocks, "the checkpoint has no block");
    }
    if blocks.len() > p.max_blocks_per_checkpoint {
        return reject(E::TooManyBlocks, format!("{} blocks, at most {}", blocks.len(), p.max_blocks_per_checkpoint));
    }
    if num_l1_to_l2_msgs > p.l1_to_l2_msgs_per_checkpoint {
        return reject(
            E::TooManyL1ToL2Msgs,
            format!("{num_l1_to_l2_msgs} L1-to-L2 messages, at most {}", p.l1_to_l2_msgs_per_checkpoint),
        );
    }
    for (b, block) in blocks.iter().enumerate() {
        if b > 0 && block.txs.is_empty() {
            return reject(E::EmptyBlock, format!("block {b} has no tx"));
        }
        if block.txs.len() > p.max_txs_per_block {
            return reject(
                E::TooManyTxs,
                format!("block {b} has {} txs, at most {}", block.txs.len(), p.max_txs_per_block),
            );
        }
        if block.total_mana_used >= MANA_LIMIT {
            return reject(E::ManaOutOfRange, format!("block {b}: totalManaUsed {} >= 2^48", block.total_mana_used));
        }
        for (t, tx) in block.txs.iter().enumerate() {
            tx_checks(p, tx).map_err(|r| Rejection { message: format!("block {b} tx {t}: {}", r.message), ..r })?;
        }
    }
    let total: usize = blocks
        .iter()
        .enumerate()
        .map(|(b, block)| block.txs.iter().map(tx_field_count).sum::<usize>() + block_end_field_count(b == 0))
        .sum::<usize>()
        + 1;
    if total > p.max_blob_fields {
        return reject(E::BlobTooLarge, format!("{total} blob fields, at most {}", p.max_blob_fields));
    }
    Ok(())
}

fn too_long(code: E, what: &str, len: usize, max: usize) -> Result<(), Rejection> {
    if len > max {
        reject(code, format!("{len} {what}, at most {max}"))
    } else {
        Ok(())
    }
}

fn first_zero(code: E, what: &str, list: &[Fr]) -> Result<(), Rejection> {
    match list.iter().position(Fr::is_zero) {
        Some(i) => reject(code, format!("{what} {i} is zero")),
        None => Ok(()),
    }
}

fn tx_checks(p: &Params, tx: &TxEffect) -> Result<(), Rejection> {
    if tx.revert_code > 3 {
        return reject(E::BadRevertCode, format!("revert code {}", tx.revert_code));
    }
    too_long(E::TooManyNoteHashes, "note hashes", tx.note_hashes.len(), p.max_note_hashes_per_tx)?;
    too_long(E::TooManyNullifiers, "nullifiers", tx.nullifiers.len(), p.max_nullifiers_per_tx)?;
    too_long(E::TooManyL2ToL1Msgs, "L2-to-L1 messages", tx.l2_to_l1_msgs.len(), p.max_l2_to_l1_msgs_per_tx)?;
    too_long(
        E::TooManyPublicDataWrites,
        "public data writes",
        tx.public_data_writes.len(),
        p.max_public_data_writes_per_tx,
    )?;
    too_long(E::TooManyPrivateLogs, "private logs", tx.private_logs.len(), p.max_private_logs_per_tx)?;
    if tx.nullifiers.is_empty() {
        return reject(E::TxWithoutNullifier, "tx has no nullifier");
    }
    first_zero(E::ZeroNoteHash, "note hash", &tx.note_hashes)?;
    first_zero(E::ZeroNullifier, "nullifier", &tx.nullifiers)?;
    first_zero(E::ZeroL2ToL1Msg, "L2-to-L1 message", &tx.l2_to_l1_msgs)?;
    if let Some(i) = tx.public_data_writes.iter().position(|(s, v)| s.is_zero() && v.is_zero()) {
        return reject(E::EmptyPublicDataWrite, format!("public data write {i} is empty"));
    }
    if let Some(i) = tx.private_logs.iter().position(|l| l.is_empty() || l.len() > p.private_log_size_in_fields) {
        return reject(
            E::BadPrivateLogLength,
            format!("private log {i} has {} fields (1..={})", tx.private_logs[i].len(), p.private_log_size_in_fields),
        );
    }
    too_long(E::PublicLogsTooLong, "public log fields", tx.public_logs.len(), p.max_public_logs_length)?;
    if let Some(c) = &tx.contract_class_log {
        if c.fields.is_empty() || c.fields.len() > p.contract_class_log_size_in_fields {
            return reject(
                E::BadContractClassLogLength,
                format!(
                    "contract class log has {} fields (1..={})",
                    c.fields.len(),
                    p.contract_class_log_size_in_fields
                ),
            );
        }
    }
    Ok(())
}

/// What sequencing needs from the chain.
pub struct ChainPosition {
    pub chain_id: Fr,
    pub version: Fr,
    pub block_number: u64,
    pub slot_number: Fr,
    pub timestamp: u64,
}

/// §7.4. `marker_timestamps` are the blob form's block end marker timestamps.
pub fn sequencing_checks(
    chain: &ChainPosition,
    header: &CheckpointHeader,
    blocks: &[Block],
    marker_timestamps: Option<&[u64]>,
) -> Result<(), Rejection> {
    if header.chain_id != chain.chain_id {
        return reject(E::ChainId, "header.chainId differs from the chain's");
    }
    if header.version != chain.version {
        return reject(E::Version, "header.version differs from the chain's");
    }
    if fault!("slot-u64-truncation", uint::cmp(&header.slot_number.to_canonical(), &chain.slot_number.to_canonical()).is_le(), header.slot_number.to_canonical()[0] <= chain.slot_number.to_canonical()[0]) && fault!("slot-timestamp-precedence", true, header.timestamp > chain.timestamp) {
        return reject(E::Slot, "header.slotNumber is not after the last block's slot");
    }
    if header.timestamp <= chain.timestamp {
        return reject(
            E::Timestamp,
            format!("header.timestamp {} is not after the last block's {}", header.timestamp, chain.timestamp),
        );
    }
    if let Some(ts) = marker_timestamps {
        if let Some(b) = ts.iter().position(|t| *t != header.timestamp) {
            return reject(E::Timestamp, format!("block {b}: end marker timestamp {} != header.timestamp", ts[b]));
        }
    }
    for (b, block) in blocks.iter().enumerate() {
        let expected = chain.block_number + 1 + b as u64;
        if block.block_number != expected {
            return reject(E::BlockNumber, format!("block {b} has number {}, expected {expected}", block.block_number));
        }
    }
    Ok(())
}
