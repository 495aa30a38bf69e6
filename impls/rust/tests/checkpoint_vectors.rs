//! checkpoints.json: every sequence from genesis (chainId 31337, version 1), each checkpoint in
//! blocks form, then again in blob form (expected.blobFields as the blob), then through the msgpack
//! codec with a snapshot/restore round trip before every checkpoint.
mod common;
use common::*;
use difftower_stf_rust::codec;
use difftower_stf_rust::model::{Body, Checkpoint};
use difftower_stf_rust::stf::Accepted;
use difftower_stf_rust::{Chain, Fr, Outcome, Profile};
use serde_json::Value;
use std::time::Instant;

fn expected(e: &Value) -> Accepted {
    let s = state_ref(&e["state"]);
    Accepted {
        state: difftower_stf_rust::header::StateReference {
            l1_to_l2: s[0],
            note_hash: s[1],
            nullifier: s[2],
            public_data: s[3],
        },
        archive: snapshot(&e["archive"][0], &e["archive"][1]),
        block_header_hashes: frs(&e["blockHeaderHashes"]),
        blob_fields: frs(&e["blobFields"]),
    }
}

fn as_blob(mut cp: Checkpoint, fields: Vec<Fr>) -> Checkpoint {
    cp.body = Body::Blob(fields);
    cp
}

enum Mode {
    Blocks,
    Blob,
    Bytes,
}

fn replay(mode: Mode) {
    let v = load("checkpoints.json");
    let seqs = v["sequences"].as_array().unwrap();
    assert!(!seqs.is_empty());
    for (s, seq) in seqs.iter().enumerate() {
        let profile: Profile = common::profile(&seq["profile"]);
        let mut chain = Chain::genesis(profile, Fr::from_u64(31337), Fr::ONE);
        for (c, item) in seq["checkpoints"].as_array().unwrap().iter().enumerate() {
            let want = expected(&item["expected"]);
            let cp = checkpoint(profile, &item["checkpoint"]);
            let started = Instant::now();
            let outcome = match mode {
                Mode::Blocks => chain.apply(&cp),
                Mode::Blob => chain.apply(&as_blob(cp, want.blob_fields.clone())),
                Mode::Bytes => {
                    // Restart from a restored snapshot so every checkpoint also tests restore.
                    chain = codec::decode_state(&codec::encode_state(&chain)).expect("restore");
                    let bytes = codec::encode_checkpoint(&cp);
                    let outcome = codec::apply_checkpoint_bytes(&mut chain, &bytes);
                    assert_eq!(
                        codec::encode_outcome(&outcome),
                        codec::encode_outcome(&Outcome::Accepted(want.clone()))
                    );
                    outcome
                }
            };
            if std::env::var_os("DT_TIMING").is_some() {
                eprintln!("sequence {s} ({}) checkpoint {c}: {:?}", profile.name(), started.elapsed());
            }
            match outcome {
                Outcome::Accepted(got) => {
                    let ctx = format!("sequence {s} checkpoint {c}");
                    assert_eq!(got.blob_fields.len(), want.blob_fields.len(), "{ctx}: blob field count");
                    for (i, (g, w)) in got.blob_fields.iter().zip(&want.blob_fields).enumerate() {
                        assert_eq!(g, w, "{ctx}: blob field {i}");
                    }
                    assert_eq!(got.state, want.state, "{ctx}: state reference");
                    assert_eq!(got.block_header_hashes, want.block_header_hashes, "{ctx}: header hashes");
                    assert_eq!(got.archive, want.archive, "{ctx}: archive");
                }
                Outcome::Rejected(r) => panic!("sequence {s} checkpoint {c} rejected: {} {}", r.code, r.message),
            }
        }
    }
}

#[test]
fn checkpoints_blocks_form() {
    replay(Mode::Blocks);
}

#[test]
fn checkpoints_blob_form() {
    replay(Mode::Blob);
}

#[test]
fn checkpoints_through_msgpack_and_restore() {
    replay(Mode::Bytes);
}
