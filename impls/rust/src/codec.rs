//! Canonical msgpack forms of §8: checkpoint (decode and encode), outcome (encode), state
//! (encode and decode, for snapshot/restore).
//!
//! Checkpoints are accepted only in canonical form (§8): the bytes must be exactly what
//! [`encode_checkpoint`] writes for the checkpoint they describe. Two checks make that so, both
//! `E_MALFORMED_INPUT`: on the wire, `msgpack::decode_canonical` refuses any non-minimal header,
//! float/extension type and trailing bytes; on the maps, every map must hold exactly the listed
//! keys in the listed order, once each. Values must have their §8 types and ranges (integers
//! within `u8`/`u32`/`u64`, field elements binaries of exactly 32 bytes, the other form's body
//! key `nil`). Every structural problem is found before any `E_FIELD_OUT_OF_RANGE` (§7.1 order),
//! so range problems are only remembered while parsing.
//!
//! State files are read leniently (any msgpack encoding, keys in any order, each exactly once):
//! the spec makes only checkpoints canonical-only, and a state file may come from another tool.
//! Everything this module writes (checkpoint, outcome, state) is canonical.

use crate::error::{ErrorCode as E, Rejection};
use crate::field::Fr;
use crate::indexed_tree::{IndexedTree, Kind};
use crate::model::{Block, Body, Checkpoint, CheckpointHeader, ContractClassLog, TxEffect};
use crate::msgpack::{self, Value, Writer};
use crate::params::Profile;
use crate::stf::{Chain, LastBlock, Outcome};
use crate::tree::MerkleTree;

/// A structural problem, with the path where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

type Parse<T> = Result<T, Malformed>;

fn malformed<T>(path: &str, what: impl std::fmt::Display) -> Parse<T> {
    Err(Malformed(format!("{path}: {what}")))
}

/// Whether a map's keys must also appear in the listed order (checkpoints) or may come in any
/// order (state files).
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyOrder {
    Listed,
    Any,
}

/// Reads the values of a map that must have exactly `keys`, each once.
fn map_fields<'a, const N: usize>(v: &'a Value, keys: [&str; N], path: &str, order: KeyOrder) -> Parse<[&'a Value; N]> {
    let Value::Map(entries) = v else { return malformed(path, "expected a map") };
    let mut found: [Option<&Value>; N] = [None; N];
    for (k, val) in entries {
        let Value::Str(name) = k else { return malformed(path, "map key is not a string") };
        let Some(i) = keys.iter().position(|key| key.as_bytes() == name.as_slice()) else {
            return malformed(path, format!("unexpected key {:?}", String::from_utf8_lossy(name)));
        };
        if found[i].replace(val).is_some() {
            return malformed(path, format!("key {} repeated", keys[i]));
        }
    }
    let mut out = [&Value::Nil; N];
    for i in 0..N {
        match found[i] {
            Some(v) => out[i] = v,
            None => return malformed(path, format!("missing key {}", keys[i])),
        }
    }
    if order == KeyOrder::Listed && fault!("map-keys-reordered-accepted", true, false) {
        // Exactly N distinct known keys: only their order can still differ.
        if let Some(i) = entries.iter().zip(keys).position(|((k, _), key)| *k != Value::Str(key.as_bytes().to_vec())) {
            return malformed(path, format!("key {} out of order (expected order: {})", keys[i], keys.join(", ")));
        }
    }
    Ok(out)
}

fn array<'a>(v: &'a Value, path: &str) -> Parse<&'a [Value]> {
    match v {
        Value::Array(items) => Ok(items),
        _ => malformed(path, "expected an array"),
    }
}

fn uint(v: &Value, max: u64, path: &str) -> Parse<u64> {
    match v {
        Value::Int(i) if *i >= 0 && *i <= max as i128 => Ok(*i as u64),
        Value::Int(i) => malformed(path, format!("integer {i} out of range 0..={max}")),
        _ => malformed(path, "expected an integer"),
    }
}

fn string<'a>(v: &'a Value, path: &str) -> Parse<&'a [u8]> {
    match v {
        Value::Str(s) => Ok(s),
        _ => malformed(path, "expected a string"),
    }
}

fn profile(v: &Value, path: &str) -> Parse<Profile> {
    let s = string(v, path)?;
    Profile::from_name(s).map_or_else(|| malformed(path, "unknown profile"), Ok)
}

fn version_one(v: &Value, path: &str) -> Parse<()> {
    match v {
        Value::Int(1) => Ok(()),
        _ => malformed(path, "v must be 1"),
    }
}

/// Converts field elements, remembering (not failing on) the first one `>= p`.
#[derive(Default)]
struct Fields {
    out_of_range: Option<String>,
}

impl Fields {
    fn fr(&mut self, v: &Value, path: &str) -> Parse<Fr> {
        let Value::Bin(b) = v else { return malformed(path, "expected a 32-byte binary") };
        let Ok(bytes) = <&[u8; 32]>::try_from(b.as_slice()) else {
            return malformed(path, format!("field element of {} bytes, expected 32", b.len()));
        };
        match Fr::from_be_bytes(bytes) {
            Some(f) => Ok(f),
            None => {
                self.out_of_range.get_or_insert_with(|| format!("{path}: field element >= p"));
                Ok(Fr::ZERO)
            }
        }
    }

    fn list(&mut self, v: &Value, path: &str) -> Parse<Vec<Fr>> {
        array(v, path)?.iter().enumerate().map(|(i, x)| self.fr(x, &format!("{path}[{i}]"))).collect()
    }

    fn pair(&mut self, v: &Value, path: &str) -> Parse<(Fr, Fr)> {
        match array(v, path)? {
            [a, b] => Ok((self.fr(a, &format!("{path}[0]"))?, self.fr(b, &format!("{path}[1]"))?)),
            _ => malformed(path, "expected a pair"),
        }
    }

    fn pairs(&mut self, v: &Value, path: &str) -> Parse<Vec<(Fr, Fr)>> {
        array(v, path)?.iter().enumerate().map(|(i, x)| self.pair(x, &format!("{path}[{i}]"))).collect()
    }
}

// ------------------------------------------------------------------------------------------------
// Checkpoint

/// Decodes a checkpoint for a chain of profile `chain_profile`, with the §7.1 rules in order.
pub fn decode_checkpoint(bytes: &[u8], chain_profile: Profile) -> Result<Checkpoint, Rejection> {
    let mut fields = Fields::default();
    let cp = parse_checkpoint(bytes, &mut fields).map_err(|Malformed(m)| Rejection::new(E::MalformedInput, m))?;
    if cp.profile != chain_profile {
        return Err(Rejection::new(
            E::MalformedInput,
            format!("checkpoint names profile {}, the chain is {}", cp.profile.name(), chain_profile.name()),
        ));
    }
    if let Some(m) = fields.out_of_range {
        return Err(Rejection::new(E::FieldOutOfRange, m));
    }
    Ok(cp)
}

fn parse_checkpoint(bytes: &[u8], f: &mut Fields) -> Parse<Checkpoint> {
    let root = msgpack::decode_canonical(bytes).map_err(|e| Malformed(format!("not canonical msgpack: {}", e.0)))?;
    let [v, prof, header, msgs, form, blocks, blob] = map_fields(
        &root,
        ["v", "profile", "header", "l1ToL2Messages", "form", "blocks", "blobFields"],
        "checkpoint",
        KeyOrder::Listed,
    )?;
    version_one(v, "checkpoint.v")?;
    let profile = profile(prof, "checkpoint.profile")?;
    let header = parse_header(header, f)?;
    let l1_to_l2_messages = f.list(msgs, "l1ToL2Messages")?;
    let body = match (string(form, "form")?, blocks, blob) {
        (b"blocks", blocks, Value::Nil) => Body::Blocks(
            array(blocks, "blocks")?
                .iter()
                .enumerate()
                .map(|(i, b)| parse_block(b, &format!("blocks[{i}]"), f))
                .collect::<Parse<_>>()?,
        ),
        (b"blob", Value::Nil, blob) => Body::Blob(f.list(blob, "blobFields")?),
        (b"blocks", _, _) => return malformed("blobFields", "must be nil in the blocks form"),
        (b"blob", _, _) => return malformed("blocks", "must be nil in the blob form"),
        _ => return malformed("form", "unknown form"),
    };
    Ok(Checkpoint { profile, header, l1_to_l2_messages, body })
}

fn parse_header(v: &Value, f: &mut Fields) -> Parse<CheckpointHeader> {
    let [chain_id, version, slot, ts, coinbase, recipient, da, l2] = map_fields(
        v,
        ["chainId", "version", "slotNumber", "timestamp", "coinbase", "feeRecipient", "feePerDaGas", "feePerL2Gas"],
        "header",
        KeyOrder::Listed,
    )?;
    Ok(CheckpointHeader {
        chain_id: f.fr(chain_id, "header.chainId")?,
        version: f.fr(version, "header.version")?,
        slot_number: f.fr(slot, "header.slotNumber")?,
        timestamp: uint(ts, u64::MAX, "header.timestamp")?,
        coinbase: f.fr(coinbase, "header.coinbase")?,
        fee_recipient: f.fr(recipient, "header.feeRecipient")?,
        fee_per_da_gas: f.fr(da, "header.feePerDaGas")?,
        fee_per_l2_gas: f.fr(l2, "header.feePerL2Gas")?,
    })
}

fn parse_block(v: &Value, path: &str, f: &mut Fields) -> Parse<Block> {
    let [number, mana, txs] = map_fields(v, ["blockNumber", "totalManaUsed", "txs"], path, KeyOrder::Listed)?;
    Ok(Block {
        block_number: uint(number, u32::MAX as u64, &format!("{path}.blockNumber"))?,
        total_mana_used: uint(mana, u64::MAX, &format!("{path}.totalManaUsed"))?,
        txs: array(txs, &format!("{path}.txs"))?
            .iter()
            .enumerate()
            .map(|(i, t)| parse_tx(t, &format!("{path}.txs[{i}]"), f))
            .collect::<Parse<_>>()?,
    })
}

fn parse_tx(v: &Value, path: &str, f: &mut Fields) -> Parse<TxEffect> {
    let [rc, hash, fee, nh, nf, l2l1, writes, plogs, publogs, cclog] = map_fields(
        v,
        [
            "revertCode",
            "txHash",
            "transactionFee",
            "noteHashes",
            "nullifiers",
            "l2ToL1Msgs",
            "publicDataWrites",
            "privateLogs",
            "publicLogs",
            "contractClassLog",
        ],
        path,
        KeyOrder::Listed,
    )?;
    let p = |k: &str| format!("{path}.{k}");
    let private_logs = array(plogs, &p("privateLogs"))?
        .iter()
        .enumerate()
        .map(|(i, l)| f.list(l, &format!("{path}.privateLogs[{i}]")))
        .collect::<Parse<_>>()?;
    let contract_class_log = match cclog {
        Value::Nil => None,
        other => {
            let [addr, fields] =
                map_fields(other, ["contractAddress", "fields"], &p("contractClassLog"), KeyOrder::Listed)?;
            Some(ContractClassLog {
                contract_address: f.fr(addr, &p("contractClassLog.contractAddress"))?,
                fields: f.list(fields, &p("contractClassLog.fields"))?,
            })
        }
    };
    Ok(TxEffect {
        // A u8 (§8): 256 and above is malformed here, 4..=255 is E_BAD_REVERT_CODE later.
        revert_code: uint(rc, u8::MAX as u64, &p("revertCode"))? as u8,
        tx_hash: f.fr(hash, &p("txHash"))?,
        transaction_fee: f.fr(fee, &p("transactionFee"))?,
        note_hashes: f.list(nh, &p("noteHashes"))?,
        nullifiers: f.list(nf, &p("nullifiers"))?,
        l2_to_l1_msgs: f.list(l2l1, &p("l2ToL1Msgs"))?,
        public_data_writes: f.pairs(writes, &p("publicDataWrites"))?,
        private_logs,
        public_logs: f.list(publogs, &p("publicLogs"))?,
        contract_class_log,
    })
}

fn write_fr(w: &mut Writer, x: &Fr) {
    w.bin(&x.to_be_bytes());
}

fn write_frs(w: &mut Writer, xs: &[Fr]) {
    w.array(xs.len());
    for x in xs {
        write_fr(w, x);
    }
}

fn write_pairs(w: &mut Writer, xs: &[(Fr, Fr)]) {
    w.array(xs.len());
    for (a, b) in xs {
        w.array(2);
        write_fr(w, a);
        write_fr(w, b);
    }
}

/// The canonical bytes of a checkpoint (used by tests and clients; the STF only decodes).
pub fn encode_checkpoint(cp: &Checkpoint) -> Vec<u8> {
    let mut w = Writer::new();
    w.map(7);
    w.str("v");
    w.uint(1);
    w.str("profile");
    w.str(cp.profile.name());
    w.str("header");
    let h = &cp.header;
    w.map(8);
    for (k, x) in [("chainId", &h.chain_id), ("version", &h.version), ("slotNumber", &h.slot_number)] {
        w.str(k);
        write_fr(&mut w, x);
    }
    w.str("timestamp");
    w.uint(h.timestamp);
    for (k, x) in [
        ("coinbase", &h.coinbase),
        ("feeRecipient", &h.fee_recipient),
        ("feePerDaGas", &h.fee_per_da_gas),
        ("feePerL2Gas", &h.fee_per_l2_gas),
    ] {
        w.str(k);
        write_fr(&mut w, x);
    }
    w.str("l1ToL2Messages");
    write_frs(&mut w, &cp.l1_to_l2_messages);
    w.str("form");
    match &cp.body {
        Body::Blocks(blocks) => {
            w.str("blocks");
            w.str("blocks");
            w.array(blocks.len());
            for b in blocks {
                write_block(&mut w, b);
            }
            w.str("blobFields");
            w.nil();
        }
        Body::Blob(fields) => {
            w.str("blob");
            w.str("blocks");
            w.nil();
            w.str("blobFields");
            write_frs(&mut w, fields);
        }
    }
    w.into_bytes()
}

fn write_block(w: &mut Writer, b: &Block) {
    w.map(3);
    w.str("blockNumber");
    w.uint(b.block_number);
    w.str("totalManaUsed");
    w.uint(b.total_mana_used);
    w.str("txs");
    w.array(b.txs.len());
    for tx in &b.txs {
        w.map(10);
        w.str("revertCode");
        w.uint(tx.revert_code.into());
        w.str("txHash");
        write_fr(w, &tx.tx_hash);
        w.str("transactionFee");
        write_fr(w, &tx.transaction_fee);
        w.str("noteHashes");
        write_frs(w, &tx.note_hashes);
        w.str("nullifiers");
        write_frs(w, &tx.nullifiers);
        w.str("l2ToL1Msgs");
        write_frs(w, &tx.l2_to_l1_msgs);
        w.str("publicDataWrites");
        write_pairs(w, &tx.public_data_writes);
        w.str("privateLogs");
        w.array(tx.private_logs.len());
        for log in &tx.private_logs {
            write_frs(w, log);
        }
        w.str("publicLogs");
        write_frs(w, &tx.public_logs);
        w.str("contractClassLog");
        match &tx.contract_class_log {
            None => w.nil(),
            Some(c) => {
                w.map(2);
                w.str("contractAddress");
                write_fr(w, &c.contract_address);
                w.str("fields");
                write_frs(w, &c.fields);
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Outcome

/// Snapshots are `[root, nextIndex]` with `nextIndex` a msgpack integer.
pub fn encode_outcome(outcome: &Outcome) -> Vec<u8> {
    let mut w = Writer::new();
    match outcome {
        Outcome::Accepted(a) => {
            w.map(6);
            w.str("v");
            w.uint(1);
            w.str("status");
            w.str("accepted");
            w.str("state");
            w.array(8);
            for s in a.state.snapshots() {
                write_fr(&mut w, &s.root);
                w.uint(s.next_index);
            }
            w.str("archive");
            w.array(2);
            write_fr(&mut w, &a.archive.root);
            w.uint(a.archive.next_index);
            w.str("blockHeaderHashes");
            write_frs(&mut w, &a.block_header_hashes);
            w.str("blobFields");
            write_frs(&mut w, &a.blob_fields);
        }
        Outcome::Rejected(r) => {
            w.map(4);
            w.str("v");
            w.uint(1);
            w.str("status");
            w.str("rejected");
            w.str("code");
            w.str(r.code.as_str());
            w.str("message");
            w.str(&r.message);
        }
    }
    w.into_bytes()
}

/// Decodes and applies checkpoint bytes; the outcome covers every input, malformed included.
pub fn apply_checkpoint_bytes(chain: &mut Chain, bytes: &[u8]) -> Outcome {
    match decode_checkpoint(bytes, chain.profile()) {
        Ok(cp) => chain.apply(&cp),
        Err(r) => Outcome::Rejected(r),
    }
}

// ------------------------------------------------------------------------------------------------
// State

pub fn encode_state(chain: &Chain) -> Vec<u8> {
    let mut w = Writer::new();
    w.map(10);
    w.str("v");
    w.uint(1);
    w.str("profile");
    w.str(chain.profile.name());
    w.str("chainId");
    write_fr(&mut w, &chain.chain_id);
    w.str("version");
    write_fr(&mut w, &chain.version);
    w.str("last");
    w.map(3);
    w.str("blockNumber");
    w.uint(chain.last.block_number);
    w.str("slotNumber");
    write_fr(&mut w, &chain.last.slot_number);
    w.str("timestamp");
    w.uint(chain.last.timestamp);
    w.str("noteHashes");
    write_frs(&mut w, chain.note_hash.leaves());
    w.str("l1ToL2Messages");
    write_frs(&mut w, chain.l1_to_l2.leaves());
    w.str("archive");
    write_frs(&mut w, chain.archive.leaves());
    w.str("nullifiers");
    let nullifiers: Vec<Fr> = chain.nullifier.entries().into_iter().map(|(k, _)| k).collect();
    write_frs(&mut w, &nullifiers);
    w.str("publicData");
    write_pairs(&mut w, &chain.public_data.entries());
    w.into_bytes()
}

/// Rebuilds a chain from state bytes. Any problem (including a field `>= p`) is an error.
pub fn decode_state(bytes: &[u8]) -> Result<Chain, String> {
    let root = msgpack::decode(bytes).map_err(|e| format!("msgpack: {}", e.0))?;
    let mut f = Fields::default();
    let chain = parse_state(&root, &mut f).map_err(|Malformed(m)| m)?;
    if let Some(m) = f.out_of_range {
        return Err(m);
    }
    Ok(chain)
}

fn parse_state(root: &Value, f: &mut Fields) -> Parse<Chain> {
    let [v, prof, chain_id, version, last, note_hashes, messages, archive, nullifiers, public_data] = map_fields(
        root,
        [
            "v",
            "profile",
            "chainId",
            "version",
            "last",
            "noteHashes",
            "l1ToL2Messages",
            "archive",
            "nullifiers",
            "publicData",
        ],
        "state",
        KeyOrder::Any,
    )?;
    version_one(v, "state.v")?;
    let profile = profile(prof, "state.profile")?;
    let p = profile.params();
    let [number, slot, ts] = map_fields(last, ["blockNumber", "slotNumber", "timestamp"], "state.last", KeyOrder::Any)?;
    let last = LastBlock {
        block_number: uint(number, u32::MAX as u64, "state.last.blockNumber")?,
        slot_number: f.fr(slot, "state.last.slotNumber")?,
        timestamp: uint(ts, u64::MAX, "state.last.timestamp")?,
    };
    let tree = |f: &mut Fields, v: &Value, height: u32, path: &str| -> Parse<MerkleTree> {
        let mut t = MerkleTree::new(height);
        let leaves = f.list(v, path)?;
        if t.append(&leaves).is_err() {
            return malformed(path, "more leaves than the tree has positions");
        }
        Ok(t)
    };
    let note_hash = tree(f, note_hashes, p.note_hash_tree_height, "state.noteHashes")?;
    let l1_to_l2 = tree(f, messages, p.l1_to_l2_msg_tree_height, "state.l1ToL2Messages")?;
    let archive = tree(f, archive, p.archive_height, "state.archive")?;
    if archive.is_empty() {
        return malformed("state.archive", "the archive holds at least the genesis header");
    }
    let nullifier_keys: Vec<(Fr, Fr)> =
        f.list(nullifiers, "state.nullifiers")?.into_iter().map(|k| (k, Fr::ZERO)).collect();
    let nullifier = IndexedTree::from_entries(Kind::Nullifier, p.nullifier_tree_height, &nullifier_keys)
        .or_else(|e| malformed("state.nullifiers", e))?;
    let writes = f.pairs(public_data, "state.publicData")?;
    let public_data = IndexedTree::from_entries(Kind::PublicData, p.public_data_tree_height, &writes)
        .or_else(|e| malformed("state.publicData", e))?;
    Ok(Chain {
        profile,
        chain_id: f.fr(chain_id, "state.chainId")?,
        version: f.fr(version, "state.version")?,
        note_hash,
        nullifier,
        public_data,
        l1_to_l2,
        archive,
        last,
    })
}
