//! JSON conformance vectors → the crate's model types.
#![allow(dead_code)]

use difftower_stf_rust::field::Fr;
use difftower_stf_rust::model::{Block, Body, Checkpoint, CheckpointHeader, ContractClassLog, TxEffect};
use difftower_stf_rust::tree::Snapshot;
use difftower_stf_rust::Profile;
use serde_json::Value;

pub fn load(name: &str) -> Value {
    let p = format!("{}/../../conformance/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))).unwrap()
}

pub fn fr(v: &Value) -> Fr {
    Fr::from_hex(v.as_str().expect("hex string")).expect("field element")
}

pub fn frs(v: &Value) -> Vec<Fr> {
    v.as_array().expect("array").iter().map(fr).collect()
}

pub fn pairs(v: &Value) -> Vec<(Fr, Fr)> {
    v.as_array().unwrap().iter().map(|p| (fr(&p[0]), fr(&p[1]))).collect()
}

/// Integers appear as JSON numbers or decimal strings (u64 values beyond 2^53).
pub fn int(v: &Value) -> u64 {
    match v {
        Value::Number(n) => n.as_u64().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        _ => panic!("not an integer: {v}"),
    }
}

/// `[root, nextIndex]` with nextIndex a number or a hex field.
pub fn snapshot(root: &Value, next: &Value) -> Snapshot {
    let next_index = match next {
        Value::String(s) if s.starts_with("0x") => u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap(),
        other => int(other),
    };
    Snapshot { root: fr(root), next_index }
}

/// The 8-field state reference of the vectors as four snapshots.
pub fn state_ref(v: &Value) -> Vec<Snapshot> {
    let a = v.as_array().unwrap();
    (0..4).map(|i| snapshot(&a[2 * i], &a[2 * i + 1])).collect()
}

pub fn profile(v: &Value) -> Profile {
    Profile::from_name(v.as_str().unwrap().as_bytes()).unwrap()
}

pub fn header(h: &Value) -> CheckpointHeader {
    CheckpointHeader {
        chain_id: fr(&h["chainId"]),
        version: fr(&h["version"]),
        slot_number: fr(&h["slotNumber"]),
        timestamp: int(&h["timestamp"]),
        coinbase: fr(&h["coinbase"]),
        fee_recipient: fr(&h["feeRecipient"]),
        fee_per_da_gas: fr(&h["feePerDaGas"]),
        fee_per_l2_gas: fr(&h["feePerL2Gas"]),
    }
}

pub fn tx(t: &Value) -> TxEffect {
    TxEffect {
        revert_code: u8::try_from(int(&t["revertCode"])).expect("revertCode is a u8"),
        tx_hash: fr(&t["txHash"]),
        transaction_fee: fr(&t["transactionFee"]),
        note_hashes: frs(&t["noteHashes"]),
        nullifiers: frs(&t["nullifiers"]),
        l2_to_l1_msgs: frs(&t["l2ToL1Msgs"]),
        public_data_writes: pairs(&t["publicDataWrites"]),
        private_logs: t["privateLogs"].as_array().unwrap().iter().map(frs).collect(),
        public_logs: frs(&t["publicLogs"]),
        contract_class_log: match &t["contractClassLog"] {
            Value::Null => None,
            c => Some(ContractClassLog { contract_address: fr(&c["contractAddress"]), fields: frs(&c["fields"]) }),
        },
    }
}

pub fn blocks(v: &Value) -> Vec<Block> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|b| Block {
            block_number: int(&b["blockNumber"]),
            total_mana_used: int(&b["totalManaUsed"]),
            txs: b["txs"].as_array().unwrap().iter().map(tx).collect(),
        })
        .collect()
}

/// A vector checkpoint in blocks form.
pub fn checkpoint(profile: Profile, c: &Value) -> Checkpoint {
    Checkpoint {
        profile,
        header: header(&c["header"]),
        l1_to_l2_messages: frs(&c["l1ToL2Messages"]),
        body: Body::Blocks(blocks(&c["blocks"])),
    }
}
