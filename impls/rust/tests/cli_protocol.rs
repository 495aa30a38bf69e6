//! The binary over its stdin/stdout protocol: every checkpoint vector sequence (blocks form),
//! with a snapshot/restore in the middle of each sequence.
mod common;
use common::*;
use difftower_stf_rust::codec;
use difftower_stf_rust::msgpack::{self, Value};
use difftower_stf_rust::stf::Accepted;
use difftower_stf_rust::{Fr, Outcome};
use std::io::{Read, Write};
use std::process::{Command, Stdio};

struct Proc {
    child: std::process::Child,
}

impl Proc {
    fn start() -> Proc {
        let child = Command::new(env!("CARGO_BIN_EXE_difftower-stf-rust"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn");
        Proc { child }
    }

    fn call(&mut self, entries: Vec<(&str, Value)>) -> Vec<(Value, Value)> {
        let body = msgpack::encode(&Value::Map(
            entries.into_iter().map(|(k, v)| (Value::Str(k.as_bytes().to_vec()), v)).collect(),
        ));
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(&(body.len() as u32).to_be_bytes()).unwrap();
        stdin.write_all(&body).unwrap();
        stdin.flush().unwrap();
        let stdout = self.child.stdout.as_mut().unwrap();
        let mut len = [0u8; 4];
        stdout.read_exact(&mut len).unwrap();
        let mut reply = vec![0u8; u32::from_be_bytes(len) as usize];
        stdout.read_exact(&mut reply).unwrap();
        match msgpack::decode(&reply).unwrap() {
            Value::Map(m) => {
                assert!(m.contains(&(Value::Str(b"ok".to_vec()), Value::Bool(true))), "{m:?}");
                m
            }
            other => panic!("{other:?}"),
        }
    }
}

fn get<'a>(m: &'a [(Value, Value)], key: &str) -> &'a Value {
    &m.iter().find(|(k, _)| *k == Value::Str(key.as_bytes().to_vec())).unwrap().1
}

fn s(x: &str) -> Value {
    Value::Str(x.as_bytes().to_vec())
}

fn fr_bin(x: u64) -> Value {
    Value::Bin(Fr::from_u64(x).to_be_bytes().to_vec())
}

#[test]
fn vectors_through_the_binary() {
    let v = load("checkpoints.json");
    let mut p = Proc::start();
    let hello = p.call(vec![("op", s("hello"))]);
    assert_eq!(get(&hello, "protocol"), &Value::Int(1));
    for seq in v["sequences"].as_array().unwrap() {
        let prof = profile(&seq["profile"]);
        p.call(vec![
            ("op", s("genesis")),
            ("profile", s(prof.name())),
            ("chainId", fr_bin(31337)),
            ("version", fr_bin(1)),
        ]);
        for (c, item) in seq["checkpoints"].as_array().unwrap().iter().enumerate() {
            if c == 1 {
                // Snapshot, wreck the chain with a fresh genesis, restore.
                let state = get(&p.call(vec![("op", s("snapshot"))]), "state").clone();
                p.call(vec![
                    ("op", s("genesis")),
                    ("profile", s(prof.name())),
                    ("chainId", fr_bin(1)),
                    ("version", fr_bin(1)),
                ]);
                p.call(vec![("op", s("restore")), ("state", state)]);
            }
            let bytes = codec::encode_checkpoint(&checkpoint(prof, &item["checkpoint"]));
            let reply = p.call(vec![("op", s("apply")), ("checkpoint", Value::Bin(bytes))]);
            let e = &item["expected"];
            let st = state_ref(&e["state"]);
            let want = Outcome::Accepted(Accepted {
                state: difftower_stf_rust::header::StateReference {
                    l1_to_l2: st[0],
                    note_hash: st[1],
                    nullifier: st[2],
                    public_data: st[3],
                },
                archive: snapshot(&e["archive"][0], &e["archive"][1]),
                block_header_hashes: frs(&e["blockHeaderHashes"]),
                blob_fields: frs(&e["blobFields"]),
            });
            assert_eq!(get(&reply, "outcome"), &Value::Bin(codec::encode_outcome(&want)));
        }
    }
    drop(p.child.stdin.take());
    assert!(p.child.wait().unwrap().success());
}
