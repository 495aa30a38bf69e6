//! §8 "Checkpoints are accepted only in canonical form": every byte string but the canonical
//! encoding of a checkpoint is `E_MALFORMED_INPUT` (non-minimal headers, key order, repeated,
//! missing or unknown keys, trailing bytes, the other form's body key not nil), before any
//! `E_FIELD_OUT_OF_RANGE`; and everything the crate writes (checkpoint, outcome, state) is
//! canonical.

use difftower_stf_rust::field::{Fr, MODULUS};
use difftower_stf_rust::model::{Block, Body, Checkpoint, CheckpointHeader, ContractClassLog, TxEffect};
use difftower_stf_rust::msgpack::{self, Value};
use difftower_stf_rust::{codec, uint};
use difftower_stf_rust::{Chain, ErrorCode as E, Outcome, Profile};

fn f(n: u64) -> Fr {
    Fr::from_u64(n)
}

/// A checkpoint that uses every kind of value: u8/u32/u64 integers of several sizes, field
/// elements, nested arrays, a contract-class log map.
fn base() -> Checkpoint {
    let tx = TxEffect {
        revert_code: 2,
        tx_hash: f(0xabcdef),
        transaction_fee: f(3),
        note_hashes: vec![f(100), f(101)],
        nullifiers: vec![f(1000)],
        l2_to_l1_msgs: vec![f(200)],
        public_data_writes: vec![(f(300), f(7))],
        private_logs: vec![vec![f(1), f(2)]],
        public_logs: vec![f(2)],
        contract_class_log: Some(ContractClassLog { contract_address: f(9), fields: vec![f(4)] }),
    };
    Checkpoint {
        profile: Profile::Small,
        header: CheckpointHeader {
            chain_id: f(31337),
            version: f(1),
            slot_number: f(1),
            timestamp: 300, // uint16
            coinbase: f(5),
            fee_recipient: f(6),
            fee_per_da_gas: f(7),
            fee_per_l2_gas: f(8),
        },
        l1_to_l2_messages: vec![f(9)],
        body: Body::Blocks(vec![Block { block_number: 1, total_mana_used: 70_000, txs: vec![tx] }]),
    }
}

fn genesis() -> Chain {
    Chain::genesis(Profile::Small, f(31337), f(1))
}

fn apply(bytes: &[u8]) -> Outcome {
    let mut chain = genesis();
    let before = codec::encode_state(&chain);
    let outcome = codec::apply_checkpoint_bytes(&mut chain, bytes);
    if let Outcome::Rejected(_) = outcome {
        assert_eq!(codec::encode_state(&chain), before, "a rejection changed the state");
    }
    outcome
}

fn code(bytes: &[u8]) -> Option<E> {
    match apply(bytes) {
        Outcome::Accepted(_) => None,
        Outcome::Rejected(r) => Some(r.code),
    }
}

#[track_caller]
fn malformed(bytes: &[u8]) {
    match apply(bytes) {
        Outcome::Rejected(r) if r.code == E::MalformedInput => {}
        Outcome::Rejected(r) => panic!("expected E_MALFORMED_INPUT, got {} {}", r.code, r.message),
        Outcome::Accepted(_) => panic!("expected E_MALFORMED_INPUT, got acceptance for {bytes:02x?}"),
    }
}

/// The blob form of `base()`.
fn base_blob() -> Checkpoint {
    let Outcome::Accepted(a) = genesis().apply(&base()) else { panic!("base() must be valid") };
    Checkpoint { body: Body::Blob(a.blob_fields), ..base() }
}

/// `needle` must occur exactly once in `hay`; replaces it by `with`.
fn splice(hay: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let hits: Vec<usize> = (0..=hay.len() - needle.len()).filter(|&i| &hay[i..i + needle.len()] == needle).collect();
    assert_eq!(hits.len(), 1, "{needle:02x?} occurs {} times", hits.len());
    [&hay[..hits[0]], with, &hay[hits[0] + needle.len()..]].concat()
}

/// A fixstr key followed by its canonical value header, as bytes.
fn key(name: &str) -> Vec<u8> {
    [&[0xa0 | name.len() as u8][..], name.as_bytes()].concat()
}

#[test]
fn canonical_bytes_are_accepted_and_decode_back_to_themselves() {
    for cp in [base(), base_blob()] {
        let bytes = codec::encode_checkpoint(&cp);
        assert!(code(&bytes).is_none());
        assert_eq!(codec::decode_checkpoint(&bytes, Profile::Small).unwrap(), cp);
        assert!(msgpack::decode_canonical(&bytes).is_ok());
    }
}

#[test]
fn non_minimal_headers_are_malformed() {
    let good = codec::encode_checkpoint(&base());
    let fr = |n: u64| [&[0xc4, 0x20][..], &f(n).to_be_bytes()].concat();
    let cases: Vec<Vec<u8>> = vec![
        // Integers: v (fixint 1), timestamp (uint16 300), totalManaUsed (uint32 70000),
        // blockNumber (fixint 1), revertCode (fixint 2).
        splice(&good, &[key("v"), vec![0x01]].concat(), &[key("v"), vec![0xcc, 0x01]].concat()),
        splice(&good, &[key("v"), vec![0x01]].concat(), &[key("v"), vec![0xd0, 0x01]].concat()),
        splice(&good, &[key("v"), vec![0x01]].concat(), &[key("v"), vec![0xcf, 0, 0, 0, 0, 0, 0, 0, 1]].concat()),
        splice(&good, &[key("timestamp"), vec![0xcd, 0x01, 0x2c]].concat(), &{
            [key("timestamp"), vec![0xce, 0, 0, 0x01, 0x2c]].concat()
        }),
        splice(&good, &[key("timestamp"), vec![0xcd, 0x01, 0x2c]].concat(), &{
            [key("timestamp"), vec![0xcf, 0, 0, 0, 0, 0, 0, 0x01, 0x2c]].concat()
        }),
        splice(&good, &[key("totalManaUsed"), vec![0xce, 0, 1, 0x11, 0x70]].concat(), &{
            [key("totalManaUsed"), vec![0xcf, 0, 0, 0, 0, 0, 1, 0x11, 0x70]].concat()
        }),
        splice(
            &good,
            &[key("blockNumber"), vec![0x01]].concat(),
            &[key("blockNumber"), vec![0xce, 0, 0, 0, 1]].concat(),
        ),
        splice(&good, &[key("revertCode"), vec![0x02]].concat(), &[key("revertCode"), vec![0xcc, 0x02]].concat()),
        // Strings: a key and a value as str8 / str16.
        splice(&good, &key("profile"), &[&[0xd9, 7][..], b"profile"].concat()),
        splice(&good, &[key("profile"), key("small")].concat(), &{
            [key("profile"), vec![0xda, 0, 5], b"small".to_vec()].concat()
        }),
        splice(
            &good,
            &[key("form"), key("blocks")].concat(),
            &[key("form"), vec![0xd9, 6], b"blocks".to_vec()].concat(),
        ),
        // Binaries: a field element as bin16 / bin32.
        splice(&good, &[key("txHash"), fr(0xabcdef)].concat(), &{
            [key("txHash"), vec![0xc5, 0, 0x20], f(0xabcdef).to_be_bytes().to_vec()].concat()
        }),
        splice(&good, &[key("txHash"), fr(0xabcdef)].concat(), &{
            [key("txHash"), vec![0xc6, 0, 0, 0, 0x20], f(0xabcdef).to_be_bytes().to_vec()].concat()
        }),
        // Arrays: the one-element message list as array16, a public-data write pair as array32.
        splice(
            &good,
            &[key("l1ToL2Messages"), vec![0x91]].concat(),
            &[key("l1ToL2Messages"), vec![0xdc, 0, 1]].concat(),
        ),
        splice(&good, &[key("publicDataWrites"), vec![0x91, 0x92]].concat(), &{
            [key("publicDataWrites"), vec![0x91, 0xdd, 0, 0, 0, 2]].concat()
        }),
        // Maps: the root (7 entries), the header (8) and the contract-class log (2).
        [&[0xde, 0, 7][..], &good[1..]].concat(),
        [&[0xdf, 0, 0, 0, 7][..], &good[1..]].concat(),
        splice(&good, &[key("header"), vec![0x88]].concat(), &[key("header"), vec![0xde, 0, 8]].concat()),
        splice(
            &good,
            &[key("contractClassLog"), vec![0x82]].concat(),
            &[key("contractClassLog"), vec![0xdf, 0, 0, 0, 2]].concat(),
        ),
    ];
    for bytes in &cases {
        assert_ne!(bytes, &good);
        // The same checkpoint in a looser encoding: a lenient reader would accept it.
        assert_eq!(msgpack::decode(bytes).unwrap(), msgpack::decode(&good).unwrap());
        malformed(bytes);
    }
    // The blob form: blobFields (23 fields, array16) as array32.
    let blob = codec::encode_checkpoint(&base_blob());
    let Body::Blob(fields) = &base_blob().body else { unreachable!() };
    assert!(fields.len() >= 16 && fields.len() < 1 << 16);
    let n = fields.len() as u16;
    let widened = splice(&blob, &[key("blobFields"), vec![0xdc], n.to_be_bytes().to_vec()].concat(), &{
        [key("blobFields"), vec![0xdd, 0, 0], n.to_be_bytes().to_vec()].concat()
    });
    malformed(&widened);
}

/// The root map's entries of `cp`'s canonical encoding.
fn root_entries(cp: &Checkpoint) -> Vec<(Value, Value)> {
    let Value::Map(e) = msgpack::decode(&codec::encode_checkpoint(cp)).unwrap() else { panic!() };
    e
}

fn entry<'a>(entries: &'a mut [(Value, Value)], name: &str) -> &'a mut Value {
    &mut entries.iter_mut().find(|(k, _)| *k == Value::Str(name.as_bytes().to_vec())).expect(name).1
}

fn map_mut(v: &mut Value) -> &mut Vec<(Value, Value)> {
    let Value::Map(e) = v else { panic!("not a map") };
    e
}

fn first_tx(entries: &mut [(Value, Value)]) -> &mut Vec<(Value, Value)> {
    let Value::Array(blocks) = entry(entries, "blocks") else { panic!() };
    let Value::Array(txs) = entry(map_mut(&mut blocks[0]), "txs") else { panic!() };
    map_mut(&mut txs[0])
}

fn encode_map(entries: Vec<(Value, Value)>) -> Vec<u8> {
    msgpack::encode(&Value::Map(entries))
}

#[test]
fn keys_must_be_exactly_the_listed_ones_in_order() {
    let s = |x: &str| Value::Str(x.as_bytes().to_vec());
    // Reordered: in the root, the header, a block, a tx and the contract-class log.
    let mut e = root_entries(&base());
    e.swap(0, 1);
    malformed(&encode_map(e));
    let mut e = root_entries(&base());
    let last = e.len() - 1;
    e.swap(last - 1, last); // blocks <-> blobFields
    malformed(&encode_map(e));
    let mut e = root_entries(&base());
    map_mut(entry(&mut e, "header")).swap(3, 4);
    malformed(&encode_map(e));
    let mut e = root_entries(&base());
    {
        let Value::Array(blocks) = entry(&mut e, "blocks") else { panic!() };
        map_mut(&mut blocks[0]).swap(0, 1);
    }
    malformed(&encode_map(e));
    let mut e = root_entries(&base());
    first_tx(&mut e).swap(8, 9);
    malformed(&encode_map(e));
    let mut e = root_entries(&base());
    map_mut(entry(first_tx(&mut e), "contractClassLog")).reverse();
    malformed(&encode_map(e));
    // Repeated (same value; also as the last entry), missing, unknown.
    let mut e = root_entries(&base());
    let dup = e[6].clone();
    e.push(dup);
    malformed(&encode_map(e));
    let mut e = root_entries(&base());
    let tx = first_tx(&mut e);
    let dup = tx[0].clone();
    tx.insert(1, dup);
    malformed(&encode_map(e));
    let mut e = root_entries(&base());
    e.retain(|(k, _)| *k != s("blobFields")); // the nil body key may not be left out either
    malformed(&encode_map(e));
    let mut e = root_entries(&base());
    first_tx(&mut e).retain(|(k, _)| *k != s("contractClassLog"));
    malformed(&encode_map(e));
    let mut e = root_entries(&base());
    e.push((s("extra"), Value::Nil));
    malformed(&encode_map(e));
    let mut e = root_entries(&base());
    map_mut(entry(&mut e, "header")).insert(0, (s("note"), Value::Nil));
    malformed(&encode_map(e));
    let mut e = root_entries(&base());
    e[0].0 = Value::Int(0); // a non-string key
    malformed(&encode_map(e));
}

#[test]
fn trailing_bytes_and_the_other_forms_body_key() {
    let good = codec::encode_checkpoint(&base());
    for extra in [&[0x00][..], &[0xc0], &[0x80], &good[..1]] {
        malformed(&[&good[..], extra].concat());
    }
    // Two checkpoints back to back are not one checkpoint.
    malformed(&[&good[..], &good[..]].concat());
    let s = |x: &str| Value::Str(x.as_bytes().to_vec());
    // Blocks form: blobFields must be nil, not [] nor false nor a list of fields.
    for other in [Value::Array(vec![]), Value::Bool(false), Value::Array(vec![Value::Bin(vec![0; 32])])] {
        let mut e = root_entries(&base());
        *entry(&mut e, "blobFields") = other;
        malformed(&encode_map(e));
    }
    // Blob form: blocks must be nil.
    for other in [Value::Array(vec![]), Value::Int(0)] {
        let mut e = root_entries(&base_blob());
        *entry(&mut e, "blocks") = other;
        malformed(&encode_map(e));
    }
    // And the form's own body key may not be nil.
    let mut e = root_entries(&base());
    *entry(&mut e, "blocks") = Value::Nil;
    malformed(&encode_map(e));
    let mut e = root_entries(&base_blob());
    *entry(&mut e, "blobFields") = Value::Nil;
    malformed(&encode_map(e));
    let mut e = root_entries(&base());
    *entry(&mut e, "form") = s("blob");
    malformed(&encode_map(e));
}

#[test]
fn malformed_beats_field_out_of_range() {
    let p = uint::to_be_bytes(&MODULUS);
    // Out of range alone.
    let mut e = root_entries(&base());
    *entry(first_tx(&mut e), "txHash") = Value::Bin(p.to_vec());
    let out_of_range = encode_map(e.clone());
    assert_eq!(code(&out_of_range), Some(E::FieldOutOfRange));
    // ...plus a non-minimal header after it, a reordered key, trailing bytes: all malformed.
    let widened = splice(&out_of_range, &[key("v"), vec![0x01]].concat(), &[key("v"), vec![0xcc, 0x01]].concat());
    malformed(&widened);
    let mut reordered = e.clone();
    map_mut(entry(&mut reordered, "header")).swap(0, 1);
    malformed(&encode_map(reordered));
    malformed(&[&out_of_range[..], &[0xc0]].concat());
    // A u8 out of range beats a field out of range too.
    *entry(first_tx(&mut e), "revertCode") = Value::Int(256);
    malformed(&encode_map(e));
}

#[test]
fn revert_code_is_a_u8() {
    let with_rc = |rc: i128| {
        let mut e = root_entries(&base());
        *entry(first_tx(&mut e), "revertCode") = Value::Int(rc);
        encode_map(e)
    };
    assert_eq!(code(&with_rc(0)), None);
    assert_eq!(code(&with_rc(3)), None);
    for rc in [4, 5, 127, 128, 200, 255] {
        assert_eq!(code(&with_rc(rc)), Some(E::BadRevertCode), "{rc}");
    }
    for rc in [256, 257, 65535, 65536, 1 << 32, u64::MAX as i128, -1, -200] {
        assert_eq!(code(&with_rc(rc)), Some(E::MalformedInput), "{rc}");
    }
    // 255 as uint8 is canonical (0xcc 0xff); 256 is uint16 (0xcd 0x01 0x00).
    assert!(with_rc(255).windows(3).any(|w| w == [b'e', 0xcc, 0xff]));
}

/// Writes `v` with random valid headers (possibly wider than needed) and, for maps, a random
/// entry order: a lenient reader sees the same checkpoint in every output.
struct Loose(u64);

impl Loose {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545f4914f6cdd1d)
    }

    fn pick<T: Clone>(&mut self, options: &[T]) -> T {
        options[(self.next() % options.len() as u64) as usize].clone()
    }

    /// Mostly canonical, so that outputs with a single deviation are common.
    fn header(&mut self, out: &mut Vec<u8>, n: usize, fix: Option<(u8, usize)>, tags: [u8; 3]) {
        let mut options = Vec::new();
        if let Some((base, max)) = fix {
            if n <= max {
                options.push(vec![base | n as u8]);
            }
        }
        if tags[0] != 0 && n <= 0xff {
            options.push(vec![tags[0], n as u8]);
        }
        if n <= 0xffff {
            options.push([&[tags[1]][..], &(n as u16).to_be_bytes()].concat());
        }
        options.push([&[tags[2]][..], &(n as u32).to_be_bytes()].concat());
        let choice = if self.next() % 16 == 0 { self.pick(&options) } else { options[0].clone() };
        out.extend_from_slice(&choice);
    }

    fn write(&mut self, v: &Value, out: &mut Vec<u8>) {
        match v {
            Value::Int(i) if *i >= 0 => {
                let i = *i as u64;
                let mut options = vec![msgpack::encode(v)];
                for (k, tag) in [(1usize, 0xccu8), (2, 0xcd), (4, 0xce), (8, 0xcf)] {
                    if k == 8 || i < 1 << (8 * k) {
                        options.push([&[tag][..], &i.to_be_bytes()[8 - k..]].concat());
                    }
                }
                if i < 1 << 63 {
                    options.push([&[0xd3][..], &i.to_be_bytes()[..]].concat());
                }
                let choice = if self.next() % 16 == 0 { self.pick(&options) } else { options[0].clone() };
                out.extend_from_slice(&choice);
            }
            Value::Str(s) => {
                self.header(out, s.len(), Some((0xa0, 31)), [0xd9, 0xda, 0xdb]);
                out.extend_from_slice(s);
            }
            Value::Bin(b) => {
                self.header(out, b.len(), None, [0xc4, 0xc5, 0xc6]);
                out.extend_from_slice(b);
            }
            Value::Array(items) => {
                self.header(out, items.len(), Some((0x90, 15)), [0, 0xdc, 0xdd]);
                items.iter().for_each(|x| self.write(x, out));
            }
            Value::Map(entries) => {
                self.header(out, entries.len(), Some((0x80, 15)), [0, 0xde, 0xdf]);
                let mut entries = entries.clone();
                if entries.len() > 1 && self.next() % 16 == 0 {
                    let i = (self.next() % entries.len() as u64) as usize;
                    let j = (self.next() % entries.len() as u64) as usize;
                    entries.swap(i, j);
                }
                for (k, x) in &entries {
                    self.write(k, out);
                    self.write(x, out);
                }
            }
            other => out.extend_from_slice(&msgpack::encode(other)),
        }
    }
}

/// `v` with every map's entries sorted by key (order-insensitive comparison).
fn sorted(v: Value) -> Value {
    match v {
        Value::Map(entries) => {
            let mut entries: Vec<(Value, Value)> = entries.into_iter().map(|(k, x)| (k, sorted(x))).collect();
            entries.sort_by_key(|(k, _)| format!("{k:?}"));
            Value::Map(entries)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[test]
fn every_other_encoding_of_the_same_checkpoint_is_malformed() {
    let mut loose = Loose(0x00c0_ffee_1234_5678);
    let mut rejected = 0;
    for cp in [base(), base_blob()] {
        let canonical = codec::encode_checkpoint(&cp);
        let value = msgpack::decode(&canonical).unwrap();
        let accepted = apply(&canonical);
        assert!(matches!(accepted, Outcome::Accepted(_)));
        for _ in 0..400 {
            let mut bytes = Vec::new();
            loose.write(&value, &mut bytes);
            // Same keys and values, any encoding and order: a lenient reader sees `cp`.
            assert_eq!(sorted(msgpack::decode(&bytes).unwrap()), sorted(value.clone()));
            if bytes == canonical {
                assert_eq!(apply(&bytes), accepted);
            } else {
                malformed(&bytes);
                rejected += 1;
            }
        }
    }
    assert!(rejected > 300, "{rejected}");
}

#[test]
fn everything_written_is_canonical() {
    let s = |x: &str| Value::Str(x.as_bytes().to_vec());
    let mut chain = genesis();
    let state0 = codec::encode_state(&chain);
    let Outcome::Accepted(a) = chain.apply(&base()) else { panic!() };
    let accepted = codec::encode_outcome(&Outcome::Accepted(a));
    let state1 = codec::encode_state(&chain);
    // A rejected outcome with a long message (str8) and one with a short one.
    let long = codec::encode_outcome(&codec::apply_checkpoint_bytes(&mut chain, &[0xc1]));
    let short = codec::encode_outcome(&Outcome::Rejected(difftower_stf_rust::Rejection::new(E::Slot, "x")));
    for bytes in [&state0, &state1, &accepted, &long, &short, &codec::encode_checkpoint(&base_blob())] {
        let v = msgpack::decode_canonical(bytes).expect("canonical");
        assert_eq!(&msgpack::encode(&v), bytes);
    }
    // Key order as listed in §8.
    let keys = |bytes: &[u8]| -> Vec<Value> {
        let Value::Map(e) = msgpack::decode(bytes).unwrap() else { panic!() };
        e.into_iter().map(|(k, _)| k).collect()
    };
    let listed = |names: &[&str]| names.iter().map(|n| s(n)).collect::<Vec<_>>();
    assert_eq!(keys(&accepted), listed(&["v", "status", "state", "archive", "blockHeaderHashes", "blobFields"]));
    assert_eq!(keys(&long), listed(&["v", "status", "code", "message"]));
    assert_eq!(
        keys(&state1),
        listed(&[
            "v",
            "profile",
            "chainId",
            "version",
            "last",
            "noteHashes",
            "l1ToL2Messages",
            "archive",
            "nullifiers",
            "publicData"
        ])
    );
    // nextIndex values are the shortest integers: the accepted outcome's state array.
    let Value::Map(e) = msgpack::decode(&accepted).unwrap() else { panic!() };
    let Value::Array(state) = &e[2].1 else { panic!() };
    assert!(state.iter().skip(1).step_by(2).all(|x| matches!(x, Value::Int(_))));
}
