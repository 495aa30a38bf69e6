//! Blob field encoding (§6): writing a checkpoint's fields, and decoding the blob form back into
//! blocks with their *claimed* end data (§6.3), straight from the list of field elements.

use crate::error::{reject, ErrorCode as E, Rejection};
use crate::field::Fr;
use crate::model::{Block, ContractClassLog, TxEffect};
use crate::params::{BLOCK_END_PREFIX, CHECKPOINT_END_PREFIX, TX_START_PREFIX};
use crate::uint::{self, Packer, U256};

// Bit widths of the packed markers (§6.1); the same in both profiles.
const L1_TO_L2_INDEX_BITS: u32 = 36;
const NOTE_HASH_INDEX_BITS: u32 = 42;
const NULLIFIER_INDEX_BITS: u32 = 42;
const PUBLIC_DATA_INDEX_BITS: u32 = 40;
const MANA_BITS: u32 = 48;
/// Bits below the L1-to-L2 index in the block end state field.
const STATE_FIELD_LOW_BITS: u32 = NOTE_HASH_INDEX_BITS + NULLIFIER_INDEX_BITS + PUBLIC_DATA_INDEX_BITS + MANA_BITS;

/// Shifts that isolate each marker's prefix.
const TX_START_SHIFT: u32 = 184;
const BLOCK_END_SHIFT: u32 = 112;
const CHECKPOINT_END_SHIFT: u32 = 32;

/// The data after a block's txs (§6.2): what the STF computes, or what a blob claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockEnd {
    pub timestamp: u64,
    pub block_number: u64,
    pub num_txs: u64,
    pub l1_to_l2_next_index: u64,
    pub note_hash_next_index: u64,
    pub nullifier_next_index: u64,
    pub public_data_next_index: u64,
    pub total_mana_used: u64,
    pub last_archive_root: Fr,
    pub note_hash_root: Fr,
    pub nullifier_root: Fr,
    pub public_data_root: Fr,
    /// Present for the first block of a checkpoint only.
    pub l1_to_l2_root: Option<Fr>,
}

// ------------------------------------------------------------------------------------------------
// Encoding

fn field(x: U256) -> Fr {
    Fr::from_canonical(&x).expect("markers are below 2^254")
}

/// Fields a tx occupies (§6.2), marker included. Callers ran the static checks first.
pub fn tx_field_count(tx: &TxEffect) -> usize {
    3 + tx.note_hashes.len()
        + tx.nullifiers.len()
        + tx.l2_to_l1_msgs.len()
        + 2 * tx.public_data_writes.len()
        + tx.private_logs.iter().map(|l| 1 + l.len()).sum::<usize>()
        + tx.public_logs.len()
        + tx.contract_class_log.as_ref().map_or(0, |c| 1 + c.fields.len())
}

/// Fields after a block's txs: 6, and 7 for the first block of a checkpoint.
pub fn block_end_field_count(first: bool) -> usize {
    if first {
        7
    } else {
        6
    }
}

pub fn encode_tx(tx: &TxEffect, out: &mut Vec<Fr>) {
    let count = tx_field_count(tx);
    let private_logs_length: usize = tx.private_logs.iter().map(Vec::len).sum();
    let class_log_length = tx.contract_class_log.as_ref().map_or(0, |c| c.fields.len());
    let marker = Packer::new()
        .push(TX_START_PREFIX, 32)
        .push(tx.note_hashes.len() as u64, 16)
        .push(tx.nullifiers.len() as u64, 16)
        .push(tx.l2_to_l1_msgs.len() as u64, 16)
        .push(tx.public_data_writes.len() as u64, 16)
        .push(tx.private_logs.len() as u64, 16)
        .push(private_logs_length as u64, 16)
        .push(tx.public_logs.len() as u64, 32)
        .push(class_log_length as u64, 16)
        .push(tx.revert_code.into(), 8)
        .push(count as u64, 32)
        .finish();
    let start = out.len();
    out.push(field(marker));
    out.push(tx.tx_hash);
    out.push(tx.transaction_fee);
    out.extend_from_slice(&tx.note_hashes);
    out.extend_from_slice(&tx.nullifiers);
    out.extend_from_slice(&tx.l2_to_l1_msgs);
    for (slot, value) in &tx.public_data_writes {
        out.push(*slot);
        out.push(*value);
    }
    for log in &tx.private_logs {
        out.push(Fr::from_u64(log.len() as u64));
        out.extend_from_slice(log);
    }
    out.extend_from_slice(&tx.public_logs);
    if let Some(c) = &tx.contract_class_log {
        out.push(c.contract_address);
        out.extend_from_slice(&c.fields);
    }
    debug_assert_eq!(out.len() - start, count);
}

pub fn encode_block_end(end: &BlockEnd, out: &mut Vec<Fr>) {
    let marker = Packer::new()
        .push(BLOCK_END_PREFIX, 32)
        .push(end.timestamp, 64)
        .push(end.block_number, 32)
        .push(end.num_txs, 16)
        .finish();
    let state = Packer::new()
        .push(end.l1_to_l2_next_index, L1_TO_L2_INDEX_BITS)
        .push(end.note_hash_next_index, NOTE_HASH_INDEX_BITS)
        .push(end.nullifier_next_index, NULLIFIER_INDEX_BITS)
        .push(end.public_data_next_index, PUBLIC_DATA_INDEX_BITS)
        .push(end.total_mana_used, MANA_BITS)
        .finish();
    out.push(field(marker));
    out.push(field(state));
    out.push(end.last_archive_root);
    out.push(end.note_hash_root);
    out.push(end.nullifier_root);
    out.push(end.public_data_root);
    if let Some(r) = end.l1_to_l2_root {
        out.push(r);
    }
}

/// `numBlobFields` counts every field of the checkpoint, this marker included.
pub fn checkpoint_end_marker(num_blob_fields: u64) -> Fr {
    field(Packer::new().push(CHECKPOINT_END_PREFIX, 32).push(num_blob_fields, 32).finish())
}

// ------------------------------------------------------------------------------------------------
// Decoding (§6.3)

fn has_prefix(x: &U256, shift: u32, prefix: u64) -> bool {
    uint::shr(x, shift) == uint::from_u64(prefix)
}

pub fn is_tx_start_marker(x: &U256) -> bool {
    has_prefix(x, TX_START_SHIFT, TX_START_PREFIX)
}

pub fn is_block_end_marker(x: &U256) -> bool {
    has_prefix(x, BLOCK_END_SHIFT, BLOCK_END_PREFIX)
}

pub fn is_checkpoint_end_marker(x: &U256) -> bool {
    has_prefix(x, CHECKPOINT_END_SHIFT, CHECKPOINT_END_PREFIX)
}

/// A decoded block: its content and the end data its fields claim.
#[derive(Clone, Debug)]
pub struct DecodedBlock {
    pub block: Block,
    pub claimed: BlockEnd,
}

/// Left-to-right reader; running past the end is `E_BLOB_TRUNCATED`.
struct Reader<'a> {
    fields: &'a [Fr],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn left(&self) -> usize {
        self.fields.len() - self.pos
    }

    fn peek(&self) -> Option<U256> {
        self.fields.get(self.pos).map(Fr::to_canonical)
    }

    fn next(&mut self, what: &str) -> Result<Fr, Rejection> {
        match self.fields.get(self.pos) {
            Some(f) => {
                self.pos += 1;
                Ok(*f)
            }
            None => reject(E::BlobTruncated, format!("blob ends while reading {what} at field {}", self.pos)),
        }
    }

    fn take(&mut self, n: u64, what: &str) -> Result<Vec<Fr>, Rejection> {
        if n > self.left() as u64 {
            return reject(
                E::BlobTruncated,
                format!("{what}: {n} fields announced at field {}, {} left", self.pos, self.left()),
            );
        }
        let out = self.fields[self.pos..self.pos + n as usize].to_vec();
        self.pos += n as usize;
        Ok(out)
    }
}

/// §6.3 with the §7.2 checks in table order. `max_blob_fields` is the profile's
/// `MAX_BLOB_FIELDS`: a longer list, trailing zero padding included, is refused before decoding.
pub fn decode_checkpoint(fields: &[Fr], max_blob_fields: usize) -> Result<Vec<DecodedBlock>, Rejection> {
    if fields.is_empty() {
        return reject(E::BlobEmpty, "blobFields is empty");
    }
    if fields.len() > max_blob_fields {
        return reject(
            E::BlobTooLarge,
            format!("blobFields has {} elements, at most {max_blob_fields} (padding included)", fields.len()),
        );
    }
    let mut r = Reader { fields, pos: 0 };
    let mut blocks = Vec::new();
    loop {
        let first = blocks.is_empty();
        let mut txs = Vec::new();
        loop {
            let Some(next) = r.peek() else {
                return reject(
                    E::BlobTruncated,
                    format!("blob ends inside block {} before its end marker", blocks.len()),
                );
            };
            if is_block_end_marker(&next) {
                break;
            }
            txs.push(decode_tx(&mut r, next)?);
        }
        blocks.push(decode_block_end(&mut r, first, txs)?);
        match r.peek() {
            None => return reject(E::BlobTruncated, "blob ends before the checkpoint end marker"),
            Some(x) if is_checkpoint_end_marker(&x) => {
                r.pos += 1;
                let announced = uint::bits(&x, 0, 32);
                if announced != r.pos as u64 {
                    return reject(
                        E::BlobCheckpointLengthMismatch,
                        format!("checkpoint end marker announces {announced} fields, {} read", r.pos),
                    );
                }
                if let Some(i) = fields[r.pos..].iter().position(|f| !f.is_zero()).filter(|_| fault!("blob-trailing-data-accepted", true, false)) {
                    return reject(
                        E::BlobTrailingData,
                        format!("non-zero field {} after the checkpoint end marker", r.pos + i),
                    );
                }
                return Ok(blocks);
            }
            Some(_) => continue,
        }
    }
}

/// Decodes the tx whose first field (already peeked) is `m`.
fn decode_tx(r: &mut Reader, m: U256) -> Result<TxEffect, Rejection> {
    let at = r.pos;
    if !is_tx_start_marker(&m) {
        return reject(E::BlobBadTxMarker, format!("field {at} is neither a tx start nor a block end marker"));
    }
    r.pos += 1;
    let num_note_hashes = uint::bits(&m, 168, 16);
    let num_nullifiers = uint::bits(&m, 152, 16);
    let num_l2_to_l1 = uint::bits(&m, 136, 16);
    let num_writes = uint::bits(&m, 120, 16);
    let num_private_logs = uint::bits(&m, 104, 16);
    let private_logs_length = uint::bits(&m, 88, 16);
    let public_logs_length = uint::bits(&m, 56, 32);
    let class_log_length = uint::bits(&m, 40, 16);
    let revert_code = uint::bits(&m, 32, 8);
    let num_blob_fields = uint::bits(&m, 0, 32);

    if revert_code > 3 {
        return reject(E::BlobBadRevertCode, format!("tx at field {at}: revert code {revert_code}"));
    }
    if num_blob_fields > 0 && num_blob_fields - 1 > r.left() as u64 {
        return reject(
            E::BlobTruncated,
            format!("tx at field {at} announces {num_blob_fields} fields, {} left", r.left() + 1),
        );
    }
    let tx_hash = r.next("tx hash")?;
    let transaction_fee = r.next("transaction fee")?;
    let note_hashes = r.take(num_note_hashes, "note hashes")?;
    let nullifiers = r.take(num_nullifiers, "nullifiers")?;
    let l2_to_l1_msgs = r.take(num_l2_to_l1, "L2-to-L1 messages")?;
    let flat_writes = r.take(2 * num_writes, "public data writes")?;
    let public_data_writes = flat_writes.chunks(2).map(|c| (c[0], c[1])).collect();
    let mut private_logs = Vec::new();
    let mut private_sum: u64 = 0;
    for _ in 0..num_private_logs {
        let len_field = r.next("private log length")?.to_canonical();
        // A length that does not even fit a u64 certainly exceeds the fields left.
        let len = uint::to_u64(&len_field).unwrap_or(u64::MAX);
        private_logs.push(r.take(len, "private log")?);
        private_sum += len;
    }
    let public_logs = r.take(public_logs_length, "public logs")?;
    let contract_class_log = if class_log_length != 0 {
        let contract_address = r.next("contract class log address")?;
        let fields = r.take(class_log_length, "contract class log")?;
        Some(ContractClassLog { contract_address, fields })
    } else {
        None
    };
    if private_sum != private_logs_length {
        return reject(
            E::BlobTxLengthMismatch,
            format!("tx at field {at}: private log lengths sum to {private_sum}, marker says {private_logs_length}"),
        );
    }
    let read = (r.pos - at) as u64;
    if read != num_blob_fields {
        return reject(
            E::BlobTxLengthMismatch,
            format!("tx at field {at}: {read} fields, marker says {num_blob_fields}"),
        );
    }
    Ok(TxEffect {
        revert_code: revert_code as u8, // 0..=3, checked above
        tx_hash,
        transaction_fee,
        note_hashes,
        nullifiers,
        l2_to_l1_msgs,
        public_data_writes,
        private_logs,
        public_logs,
        contract_class_log,
    })
}

fn decode_block_end(r: &mut Reader, first: bool, txs: Vec<TxEffect>) -> Result<DecodedBlock, Rejection> {
    let at = r.pos;
    let need = block_end_field_count(first);
    if r.left() < need {
        return reject(E::BlobTruncated, format!("block end at field {at} needs {need} fields, {} left", r.left()));
    }
    let marker = r.next("block end marker")?.to_canonical();
    let state = r.next("block end state field")?.to_canonical();
    let l1_to_l2_next_index = uint::to_u64(&uint::shr(&state, STATE_FIELD_LOW_BITS)).unwrap_or(u64::MAX);
    if l1_to_l2_next_index >= 1u64 << L1_TO_L2_INDEX_BITS {
        return reject(E::BlobBadEndStateField, format!("block end state field at {}: top part too large", at + 1));
    }
    let num_txs = uint::bits(&marker, 0, 16);
    if num_txs != txs.len() as u64 {
        return reject(
            E::BlobTxCountMismatch,
            format!("block end marker at field {at} announces {num_txs} txs, {} decoded", txs.len()),
        );
    }
    let mut below = STATE_FIELD_LOW_BITS;
    let mut take_bits = |width: u32| {
        below -= width;
        uint::bits(&state, below, width)
    };
    let note_hash_next_index = take_bits(NOTE_HASH_INDEX_BITS);
    let nullifier_next_index = take_bits(NULLIFIER_INDEX_BITS);
    let public_data_next_index = take_bits(PUBLIC_DATA_INDEX_BITS);
    let total_mana_used = take_bits(MANA_BITS);
    let claimed = BlockEnd {
        timestamp: uint::bits(&marker, 48, 64),
        block_number: uint::bits(&marker, 16, 32),
        num_txs,
        l1_to_l2_next_index,
        note_hash_next_index,
        nullifier_next_index,
        public_data_next_index,
        total_mana_used,
        last_archive_root: r.next("last archive root")?,
        note_hash_root: r.next("note hash root")?,
        nullifier_root: r.next("nullifier root")?,
        public_data_root: r.next("public data root")?,
        l1_to_l2_root: if first { Some(r.next("L1-to-L2 root")?) } else { None },
    };
    let block = Block { block_number: claimed.block_number, total_mana_used, txs };
    Ok(DecodedBlock { block, claimed })
}
