//! One or more triggers for every rule of §7 (small profile), the precedence between rules, and
//! all-or-nothing: after every rejection the chain must be byte-for-byte the chain before, and
//! must go on to behave exactly like an untouched copy.

use difftower_stf_rust::field::{Fr, MODULUS};
use difftower_stf_rust::model::{Block, Body, Checkpoint, CheckpointHeader, ContractClassLog, TxEffect};
use difftower_stf_rust::msgpack::{self, Value, Writer};
use difftower_stf_rust::uint;
use difftower_stf_rust::{blob, codec};
use difftower_stf_rust::{Chain, ErrorCode as E, Outcome, Profile};

fn f(n: u64) -> Fr {
    Fr::from_u64(n)
}

/// A valid tx; `seed` keeps nullifiers and slots distinct between txs.
fn tx(seed: u64) -> TxEffect {
    TxEffect {
        revert_code: 0,
        tx_hash: f(0xabcdef00 + seed),
        transaction_fee: f(3),
        note_hashes: vec![f(100 + seed)],
        nullifiers: vec![f(1000 + seed)],
        l2_to_l1_msgs: vec![f(200 + seed)],
        public_data_writes: vec![(f(300 + seed), f(7))],
        private_logs: vec![vec![f(1)]],
        public_logs: vec![f(2)],
        contract_class_log: None,
    }
}

/// A valid checkpoint following a chain whose last block is `last` (slot `last`, timestamp `10·last`).
fn base_after(last: u64) -> Checkpoint {
    Checkpoint {
        profile: Profile::Small,
        header: CheckpointHeader {
            chain_id: f(31337),
            version: f(1),
            slot_number: f(last + 1),
            timestamp: 10 * (last + 1),
            coinbase: f(5),
            fee_recipient: f(6),
            fee_per_da_gas: f(7),
            fee_per_l2_gas: f(8),
        },
        l1_to_l2_messages: vec![f(9)],
        body: Body::Blocks(vec![Block { block_number: last + 1, total_mana_used: 100, txs: vec![tx(1)] }]),
    }
}

fn base() -> Checkpoint {
    base_after(0)
}

fn genesis() -> Chain {
    Chain::genesis(Profile::Small, f(31337), f(1))
}

fn blocks_mut(cp: &mut Checkpoint) -> &mut Vec<Block> {
    match &mut cp.body {
        Body::Blocks(b) => b,
        Body::Blob(_) => panic!("blocks form expected"),
    }
}

fn tx_mut(cp: &mut Checkpoint) -> &mut TxEffect {
    &mut blocks_mut(cp)[0].txs[0]
}

fn with_tx(change: impl FnOnce(&mut TxEffect)) -> Checkpoint {
    let mut cp = base();
    change(tx_mut(&mut cp));
    cp
}

fn accepted(chain: &mut Chain, cp: &Checkpoint) -> difftower_stf_rust::Accepted {
    match chain.apply(cp) {
        Outcome::Accepted(a) => a,
        Outcome::Rejected(r) => panic!("expected acceptance, got {} {}", r.code, r.message),
    }
}

/// The blob fields `base()` produces on a fresh chain.
fn base_blob() -> Vec<Fr> {
    accepted(&mut genesis(), &base()).blob_fields
}

fn blob(fields: Vec<Fr>) -> Checkpoint {
    Checkpoint { body: Body::Blob(fields), ..base() }
}

/// Applies `outcome_of` to `chain`, expects `code`, then checks nothing changed.
fn expect_code_with(chain: &mut Chain, code: E, outcome_of: impl FnOnce(&mut Chain) -> Outcome) -> String {
    let untouched = chain.clone();
    let before = codec::encode_state(chain);
    let message = match outcome_of(chain) {
        Outcome::Rejected(r) => {
            assert_eq!(r.code, code, "wrong code, message: {}", r.message);
            r.message
        }
        Outcome::Accepted(_) => panic!("expected {code}, got acceptance"),
    };
    assert_eq!(codec::encode_state(chain), before, "{code}: state changed");
    let mut a = chain.clone();
    let mut b = untouched;
    assert_eq!(a.state_reference(), b.state_reference());
    assert_eq!(a.archive_snapshot(), b.archive_snapshot());
    // Behaves like the untouched chain afterwards (same outcome for the next checkpoint).
    let next = base_after(a.last().block_number);
    assert_eq!(codec::encode_outcome(&a.apply(&next)), codec::encode_outcome(&b.apply(&next)));
    message
}

fn expect_code(chain: &mut Chain, cp: &Checkpoint, code: E) -> String {
    expect_code_with(chain, code, |c| c.apply(cp))
}

fn expect_bytes(bytes: &[u8], code: E) -> String {
    expect_code_with(&mut genesis(), code, |c| codec::apply_checkpoint_bytes(c, bytes))
}

fn rejects(cp: &Checkpoint, code: E) -> String {
    expect_code(&mut genesis(), cp, code)
}

#[test]
fn baseline_is_accepted_in_both_forms_and_as_bytes() {
    let a = accepted(&mut genesis(), &base());
    let b = accepted(&mut genesis(), &blob(a.blob_fields.clone()));
    assert_eq!(a, b);
    let out = codec::apply_checkpoint_bytes(&mut genesis(), &codec::encode_checkpoint(&base()));
    assert_eq!(out, Outcome::Accepted(a.clone()));
    // Blob padding: trailing zero fields are accepted and not echoed.
    let mut padded = a.blob_fields.clone();
    padded.extend([Fr::ZERO; 5]);
    assert_eq!(accepted(&mut genesis(), &blob(padded)), a);
}

// ---- §7.1 input --------------------------------------------------------------------------------

fn base_value() -> Value {
    msgpack::decode(&codec::encode_checkpoint(&base())).unwrap()
}

fn entry<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
    let Value::Map(entries) = v else { panic!("not a map") };
    &mut entries.iter_mut().find(|(k, _)| *k == Value::Str(key.as_bytes().to_vec())).expect(key).1
}

fn first_tx(v: &mut Value) -> &mut Value {
    let Value::Array(blocks) = entry(v, "blocks") else { panic!() };
    let Value::Array(txs) = entry(&mut blocks[0], "txs") else { panic!() };
    &mut txs[0]
}

fn p_bytes() -> Value {
    Value::Bin(uint::to_be_bytes(&MODULUS).to_vec())
}

#[test]
fn malformed_input() {
    let m = |v: Value| expect_bytes(&msgpack::encode(&v), E::MalformedInput);
    expect_bytes(b"", E::MalformedInput);
    expect_bytes(&[0xc1], E::MalformedInput);
    expect_bytes(&[0x92, 0x01], E::MalformedInput);
    let good = codec::encode_checkpoint(&base());
    for cut in [1, good.len() / 2, good.len() - 1] {
        expect_bytes(&good[..cut], E::MalformedInput);
    }
    let mut trailing = good.clone();
    trailing.push(0);
    expect_bytes(&trailing, E::MalformedInput);

    let mut v = base_value();
    *entry(&mut v, "v") = Value::Int(2);
    m(v);
    let mut v = base_value();
    *entry(&mut v, "profile") = Value::Str(b"aztec".to_vec()); // another profile than the chain's
    m(v);
    let mut v = base_value();
    *entry(&mut v, "profile") = Value::Str(b"large".to_vec());
    m(v);
    let mut v = base_value();
    *entry(&mut v, "form") = Value::Str(b"both".to_vec());
    m(v);
    let mut v = base_value();
    *entry(&mut v, "blobFields") = Value::Array(vec![]); // blocks form with blob fields
    m(v);
    let mut v = base_value();
    let Value::Map(e) = &mut v else { panic!() };
    e.retain(|(k, _)| *k != Value::Str(b"header".to_vec())); // missing key
    m(v);
    let mut v = base_value();
    let Value::Map(e) = &mut v else { panic!() };
    e.push((Value::Str(b"extra".to_vec()), Value::Nil)); // unknown key
    m(v);
    let mut v = base_value();
    let Value::Map(e) = &mut v else { panic!() };
    let dup = e[0].clone();
    e.push(dup); // repeated key
    m(v);
    let mut v = base_value();
    let Value::Array(blocks) = entry(&mut v, "blocks") else { panic!() };
    *entry(&mut blocks[0], "blockNumber") = Value::Int(1 << 32); // u32 overflow
    m(v);
    let mut v = base_value();
    *entry(entry(&mut v, "header"), "timestamp") = Value::Int(-1);
    m(v);
    let mut v = base_value();
    *entry(first_tx(&mut v), "txHash") = Value::Bin(vec![1; 31]);
    m(v);
    let mut v = base_value();
    *entry(first_tx(&mut v), "noteHashes") = Value::Bin(vec![0; 32]);
    m(v);
    let mut v = base_value();
    *entry(first_tx(&mut v), "publicDataWrites") = Value::Array(vec![Value::Array(vec![p_bytes()])]);
    m(v);
    let mut v = base_value();
    *entry(first_tx(&mut v), "revertCode") = Value::Other; // a float, say
    m(v);
}

#[test]
fn field_out_of_range_and_its_precedence() {
    let mut v = base_value();
    *entry(first_tx(&mut v), "txHash") = p_bytes();
    expect_bytes(&msgpack::encode(&v), E::FieldOutOfRange);
    let mut v = base_value();
    *entry(entry(&mut v, "header"), "chainId") = Value::Bin(vec![0xff; 32]);
    expect_bytes(&msgpack::encode(&v), E::FieldOutOfRange);
    // Blob fields are range-checked before decoding.
    let mut v = msgpack::decode(&codec::encode_checkpoint(&blob(base_blob()))).unwrap();
    let Value::Array(fields) = entry(&mut v, "blobFields") else { panic!() };
    fields[3] = p_bytes();
    expect_bytes(&msgpack::encode(&v), E::FieldOutOfRange);
    // A structural error anywhere beats a range error earlier in the input.
    let mut v = base_value();
    *entry(entry(&mut v, "header"), "chainId") = p_bytes();
    *entry(first_tx(&mut v), "revertCode") = Value::Int(-3);
    expect_bytes(&msgpack::encode(&v), E::MalformedInput);
    // ...and the profile check too.
    let mut v = base_value();
    *entry(entry(&mut v, "header"), "chainId") = p_bytes();
    *entry(&mut v, "profile") = Value::Str(b"aztec".to_vec());
    expect_bytes(&msgpack::encode(&v), E::MalformedInput);
}

/// §4.5 / §7.1: the header values Aztec's types hold (slot u32, coinbase 160 bits, fees u128).
#[test]
fn header_ranges() {
    let two_to = |bits: u32| Fr::from_canonical(&uint::shl(&[1, 0, 0, 0], bits)).unwrap();
    let edge = |cp: &mut Checkpoint| {
        cp.header.slot_number = Fr::from_u64((1 << 32) - 1);
        cp.header.coinbase = two_to(160) - Fr::from_u64(1);
        cp.header.fee_per_da_gas = Fr::from_u128(u128::MAX);
        cp.header.fee_per_l2_gas = Fr::from_u128(u128::MAX);
    };
    let mut cp = base();
    edge(&mut cp);
    accepted(&mut genesis(), &cp);
    for (which, bits) in [(0, 32), (1, 160), (2, 128), (3, 128)] {
        let mut cp = base();
        edge(&mut cp);
        let h = &mut cp.header;
        *[&mut h.slot_number, &mut h.coinbase, &mut h.fee_per_da_gas, &mut h.fee_per_l2_gas][which] = two_to(bits);
        let m = rejects(&cp, E::HeaderOutOfRange);
        assert!(m.contains(&format!("{bits} bits")), "{m}");
    }
    // Before the static checks (no blocks at all), after the field range.
    let mut cp = base();
    cp.header.slot_number = two_to(32);
    blocks_mut(&mut cp).clear();
    rejects(&cp, E::HeaderOutOfRange);
}

// ---- §7.2 blob decoding -------------------------------------------------------------------------

/// `x + 2^shift·k` as a field (for editing packed markers).
fn bump(x: Fr, shift: u32, k: u64) -> Fr {
    x + Fr::from_canonical(&uint::shl(&[k, 0, 0, 0], shift)).unwrap()
}

#[test]
fn blob_decoding_rules() {
    let good = base_blob();
    // Layout of base(): [txStart, hash, fee, nh, nf, l2l1, slot, value, len, log, publog,
    //                    blockEnd, stateField, archive, nh root, nf root, pd root, l1 root, end]
    assert_eq!(good.len(), 19);
    let with = |i: usize, x: Fr| {
        let mut g = good.clone();
        g[i] = x;
        blob(g)
    };
    rejects(&blob(vec![]), E::BlobEmpty);
    rejects(&with(0, f(1)), E::BlobBadTxMarker);
    rejects(&blob(vec![Fr::ZERO; 4]), E::BlobBadTxMarker);
    rejects(&blob(vec![good[18]]), E::BlobBadTxMarker); // checkpoint end marker where a tx starts
    rejects(&with(0, bump(good[0], 32, 4)), E::BlobBadRevertCode);
    rejects(&with(0, bump(good[0], 0, 100)), E::BlobTruncated); // numBlobFields beyond the blob
    rejects(&with(0, bump(good[0], 88, 1)), E::BlobTxLengthMismatch); // privateLogsLength
    rejects(&with(0, bump(good[0], 0, 1)), E::BlobTxLengthMismatch); // numBlobFields + 1 (fits)
    rejects(&with(8, f(1000)), E::BlobTruncated); // private log length beyond the blob
    rejects(&with(8, f(2)), E::BlobTxLengthMismatch); // log swallows one more field
    rejects(&with(12, bump(good[12], 172 + 36, 1)), E::BlobBadEndStateField);
    rejects(&with(11, bump(good[11], 0, 1)), E::BlobTxCountMismatch);
    rejects(&with(18, bump(good[18], 0, 1)), E::BlobCheckpointLengthMismatch);
    rejects(&blob(good[..18].to_vec()), E::BlobTruncated); // no checkpoint end marker
    rejects(&blob(good[..15].to_vec()), E::BlobTruncated); // block end data cut short
    rejects(&blob(good[..5].to_vec()), E::BlobTruncated); // inside a tx
    rejects(&blob(good[..11].to_vec()), E::BlobTruncated); // before the block end marker
    let mut trailing = good.clone();
    trailing.extend([Fr::ZERO, f(1), Fr::ZERO]);
    rejects(&blob(trailing), E::BlobTrailingData);
    // Precedence inside a marker: bad revert code before truncation.
    rejects(&with(0, bump(bump(good[0], 32, 4), 0, 100)), E::BlobBadRevertCode);
}

#[test]
fn tx_length_fields_num_blob_fields_zero_and_fields_left_in_the_blob() {
    let good = base_blob();
    // base()'s tx is fields 0..=10 (numBlobFields 11); 18 fields follow its marker.
    let with_fields = |fields: &[Fr], i: usize, x: Fr| {
        let mut g = fields.to_vec();
        g[i] = x;
        blob(g)
    };
    let with = |i: usize, x: Fr| with_fields(&good, i, x);
    // numBlobFields = 0: step 3 does not apply (no wrap-around to "huge"); step 5 rejects.
    let zero = good[0] - f(11);
    rejects(&with(0, zero), E::BlobTxLengthMismatch);
    // ...but a list running off the blob in step 4 comes first.
    rejects(&with(0, bump(zero, 168, 1000)), E::BlobTruncated);
    // Step 3 counts the fields left in the blob after the marker: 18 here.
    rejects(&with(0, bump(good[0], 0, 8)), E::BlobTxLengthMismatch); // numBlobFields - 1 = 18
    rejects(&with(0, bump(good[0], 0, 9)), E::BlobTruncated); // numBlobFields - 1 = 19
                                                              // Blob padding counts as fields left in the blob.
    let mut padded = good.clone();
    padded.extend([Fr::ZERO; 5]);
    rejects(&with_fields(&padded, 0, bump(good[0], 0, 9)), E::BlobTxLengthMismatch);
    rejects(&with_fields(&padded, 0, bump(good[0], 0, 14)), E::BlobTruncated);
    // A private log length beyond the tx's own numBlobFields but within the blob is read on (and
    // the tx then fails its length checks); beyond the blob it is truncation. The length field is
    // field 8, so 10 fields are left after it.
    rejects(&with(8, f(9)), E::BlobTxLengthMismatch);
    rejects(&with(8, f(10)), E::BlobTruncated); // the log fits, the public log after it does not
    rejects(&with(8, f(11)), E::BlobTruncated);
}

#[test]
fn blob_longer_than_max_blob_fields_is_refused_before_decoding() {
    let good = base_blob();
    let max = Profile::Small.params().max_blob_fields;
    let padded_to = |n: usize| {
        let mut g = good.clone();
        g.resize(n, Fr::ZERO);
        g
    };
    // Padding up to MAX_BLOB_FIELDS is fine and changes nothing.
    assert_eq!(accepted(&mut genesis(), &blob(padded_to(max))), accepted(&mut genesis(), &blob(good.clone())));
    let m = rejects(&blob(padded_to(max + 1)), E::BlobTooLarge);
    assert!(m.contains("97"), "{m}");
    rejects(&blob(padded_to(10 * max)), E::BlobTooLarge);
    // Checked before decoding: garbage, trailing data, a bad marker do not get a say.
    rejects(&blob(vec![f(1); max + 1]), E::BlobTooLarge);
    let mut trailing = padded_to(max + 1);
    trailing[max] = f(1);
    rejects(&blob(trailing), E::BlobTooLarge);
    let mut bad_marker = padded_to(max + 1);
    bad_marker[0] = f(1);
    rejects(&blob(bad_marker), E::BlobTooLarge);
    // ...and before static and sequencing checks.
    let mut cp = blob(padded_to(max + 1));
    cp.l1_to_l2_messages = vec![f(1); 5];
    cp.header.chain_id = f(2);
    rejects(&cp, E::BlobTooLarge);
    // After the §7.1 checks: a field >= p among too many fields is E_FIELD_OUT_OF_RANGE.
    let mut v = msgpack::decode(&codec::encode_checkpoint(&blob(padded_to(max + 1)))).unwrap();
    let Value::Array(fields) = entry(&mut v, "blobFields") else { panic!() };
    fields[max] = p_bytes();
    expect_bytes(&msgpack::encode(&v), E::FieldOutOfRange);
    // E_BLOB_EMPTY still first.
    rejects(&blob(vec![]), E::BlobEmpty);

    // The aztec profile: 24576 zero fields are decoded (and are not a tx), one more is too many.
    let aztec = |n: usize| Checkpoint { profile: Profile::Aztec, body: Body::Blob(vec![Fr::ZERO; n]), ..base() };
    let mut chain = Chain::genesis(Profile::Aztec, f(31337), f(1));
    assert_eq!(Profile::Aztec.params().max_blob_fields, 24576);
    expect_code(&mut chain, &aztec(24576), E::BlobBadTxMarker);
    expect_code(&mut chain, &aztec(24577), E::BlobTooLarge);
}

// ---- §7.3 static --------------------------------------------------------------------------------

#[test]
fn checkpoint_level_static_rules() {
    let mut cp = base();
    blocks_mut(&mut cp).clear();
    rejects(&cp, E::NoBlocks);

    let mut cp = base();
    for n in 2..=3 {
        blocks_mut(&mut cp).push(Block { block_number: n, total_mana_used: 0, txs: vec![tx(n)] });
    }
    rejects(&cp, E::TooManyBlocks);

    let mut cp = base();
    cp.l1_to_l2_messages = vec![f(1); 5];
    rejects(&cp, E::TooManyL1ToL2Msgs);
}

#[test]
fn block_level_static_rules() {
    let mut cp = base();
    blocks_mut(&mut cp).push(Block { block_number: 2, total_mana_used: 0, txs: vec![] });
    rejects(&cp, E::EmptyBlock);
    // The first block may be empty.
    let mut cp = base();
    blocks_mut(&mut cp)[0].txs.clear();
    accepted(&mut genesis(), &cp);

    // MAX_TXS_PER_BLOCK is 1 in the small profile (§3, §9.1): one tx more is too many, in any block.
    let mut cp = base();
    blocks_mut(&mut cp)[0].txs = vec![tx(1), tx(2)];
    let m = rejects(&cp, E::TooManyTxs);
    assert!(m.contains("block 0") && m.contains("2 txs"), "{m}");
    let mut cp = base();
    blocks_mut(&mut cp).push(Block { block_number: 2, total_mana_used: 0, txs: vec![tx(2), tx(3)] });
    let m = rejects(&cp, E::TooManyTxs);
    assert!(m.contains("block 1"), "{m}");

    let mut cp = base();
    blocks_mut(&mut cp)[0].total_mana_used = 1 << 48;
    rejects(&cp, E::ManaOutOfRange);
    blocks_mut(&mut cp)[0].total_mana_used = (1 << 48) - 1;
    accepted(&mut genesis(), &cp);
}

#[test]
fn tx_level_static_rules() {
    rejects(&with_tx(|t| t.revert_code = 4), E::BadRevertCode);
    rejects(&with_tx(|t| t.note_hashes = vec![f(1); 3]), E::TooManyNoteHashes);
    rejects(&with_tx(|t| t.nullifiers = vec![f(5), f(6), f(7)]), E::TooManyNullifiers);
    rejects(&with_tx(|t| t.l2_to_l1_msgs = vec![f(1); 3]), E::TooManyL2ToL1Msgs);
    rejects(&with_tx(|t| t.public_data_writes = vec![(f(1), f(1)); 3]), E::TooManyPublicDataWrites);
    rejects(&with_tx(|t| t.private_logs = vec![vec![f(1)]; 3]), E::TooManyPrivateLogs);
    rejects(&with_tx(|t| t.nullifiers.clear()), E::TxWithoutNullifier);
    rejects(&with_tx(|t| t.note_hashes = vec![f(1), Fr::ZERO]), E::ZeroNoteHash);
    rejects(&with_tx(|t| t.nullifiers = vec![f(5000), Fr::ZERO]), E::ZeroNullifier);
    rejects(&with_tx(|t| t.l2_to_l1_msgs = vec![Fr::ZERO]), E::ZeroL2ToL1Msg);
    rejects(&with_tx(|t| t.public_data_writes = vec![(Fr::ZERO, Fr::ZERO)]), E::EmptyPublicDataWrite);
    rejects(&with_tx(|t| t.private_logs = vec![vec![]]), E::BadPrivateLogLength);
    rejects(&with_tx(|t| t.private_logs = vec![vec![f(1); 4]]), E::BadPrivateLogLength);
    rejects(&with_tx(|t| t.public_logs = vec![f(1); 7]), E::PublicLogsTooLong);
    let ccl = |n: usize| Some(ContractClassLog { contract_address: f(9), fields: vec![f(1); n] });
    rejects(&with_tx(|t| t.contract_class_log = ccl(0)), E::BadContractClassLogLength);
    rejects(&with_tx(|t| t.contract_class_log = ccl(4)), E::BadContractClassLogLength);
    // Allowed edge cases: slot 0 with a value (updates prefill slot 0), full-size lists.
    accepted(&mut genesis(), &with_tx(|t| t.public_data_writes = vec![(Fr::ZERO, f(1))]));
    accepted(
        &mut genesis(),
        &with_tx(|t| {
            t.private_logs = vec![vec![f(1); 3]; 2];
            t.public_logs = vec![f(1); 6];
            t.contract_class_log = ccl(3);
        }),
    );
}

/// The decoded state file as a msgpack value, for looking at one tree's leaves.
fn state_entry(chain: &Chain, key: &str) -> Value {
    let mut v = msgpack::decode(&codec::encode_state(chain)).unwrap();
    entry(&mut v, key).clone()
}

#[test]
fn slot_zero_write_updates_the_prefilled_leaf_in_place() {
    let mut chain = genesis();
    let before = state_entry(&chain, "publicData");
    let Value::Array(leaves) = &before else { panic!() };
    assert_eq!(leaves.len(), 4); // small prefill
    let a = accepted(&mut chain, &with_tx(|t| t.public_data_writes = vec![(Fr::ZERO, f(5)), (f(301), f(6))]));
    assert_eq!(a.state.public_data.next_index, 5, "slot 0 appends nothing, slot 301 appends one leaf");
    let Value::Array(leaves) = state_entry(&chain, "publicData") else { panic!() };
    let leaf =
        |k: Fr, v: Fr| Value::Array(vec![Value::Bin(k.to_be_bytes().to_vec()), Value::Bin(v.to_be_bytes().to_vec())]);
    assert_eq!(leaves.len(), 5);
    assert_eq!(leaves[0], leaf(Fr::ZERO, f(5)));
    assert_eq!(leaves[4], leaf(f(301), f(6)));
    // The state file with a valued position 0 restores to the same chain.
    let mut restored = codec::decode_state(&codec::encode_state(&chain)).expect("restore");
    assert_eq!(codec::encode_state(&restored), codec::encode_state(&chain));
    assert_eq!(restored.state_reference(), chain.state_reference());
    // A later write to slot 0 updates it again; (0, 0) is still E_EMPTY_PUBLIC_DATA_WRITE.
    let mut cp = base_after(1);
    *tx_mut(&mut cp) = TxEffect { public_data_writes: vec![(Fr::ZERO, f(7))], ..tx(2) };
    let b = accepted(&mut restored, &cp);
    assert_eq!(b.state.public_data.next_index, 5);
    let Value::Array(leaves) = state_entry(&restored, "publicData") else { panic!() };
    assert_eq!(leaves[0], leaf(Fr::ZERO, f(7)));
    let mut cp = base_after(2);
    *tx_mut(&mut cp) = TxEffect { public_data_writes: vec![(Fr::ZERO, Fr::ZERO)], ..tx(3) };
    expect_code(&mut restored, &cp, E::EmptyPublicDataWrite);
}

/// A tx using every list to its maximum: 31 blob fields in the small profile.
fn big_tx(seed: u64) -> TxEffect {
    TxEffect {
        note_hashes: vec![f(100 + seed), f(150 + seed)],
        nullifiers: vec![f(1000 + seed), f(1500 + seed)],
        l2_to_l1_msgs: vec![f(1); 2],
        public_data_writes: vec![(f(300 + seed), f(1)), (f(350 + seed), f(1))],
        private_logs: vec![vec![f(1); 3]; 2],
        public_logs: vec![f(1); 6],
        contract_class_log: Some(ContractClassLog { contract_address: f(9), fields: vec![f(1); 3] }),
        ..tx(seed)
    }
}

/// The largest small checkpoint the static rules allow: two blocks of one maximal tx.
fn biggest_small() -> Checkpoint {
    let mut cp = base();
    *blocks_mut(&mut cp) = vec![
        Block { block_number: 1, total_mana_used: 0, txs: vec![big_tx(1)] },
        Block { block_number: 2, total_mana_used: 0, txs: vec![big_tx(2)] },
    ];
    cp
}

/// An aztec-profile tx of `4120 + public_logs` blob fields: 64 full private logs (64·17) and a
/// full contract-class log (1 + 3023) on top of `tx(seed)`'s single-element lists.
fn aztec_tx(seed: u64, public_logs: usize) -> TxEffect {
    TxEffect {
        private_logs: vec![vec![f(1); 16]; 64],
        public_logs: vec![f(2); public_logs],
        contract_class_log: Some(ContractClassLog { contract_address: f(9), fields: vec![f(1); 3023] }),
        ..tx(seed)
    }
}

/// An aztec-profile checkpoint of one block holding `txs`.
fn aztec_checkpoint(txs: Vec<TxEffect>) -> Checkpoint {
    let mut cp = Checkpoint { profile: Profile::Aztec, ..base() };
    *blocks_mut(&mut cp) = vec![Block { block_number: 1, total_mana_used: 0, txs }];
    cp
}

fn aztec_genesis() -> Chain {
    Chain::genesis(Profile::Aztec, f(31337), f(1))
}

#[test]
fn blob_too_large() {
    // With MAX_TXS_PER_BLOCK = 1 the small profile cannot reach its blob limit in the blocks form:
    // the largest checkpoint the other static rules allow is 2·31 + 7 + 6 + 1 = 76 <= 96 fields.
    let a = accepted(&mut genesis(), &biggest_small());
    assert_eq!(a.blob_fields.len(), 76);
    // So the blocks-form rule is exercised in the aztec profile: three txs of 4120 + L fields in
    // one block, plus 7 block end fields and the end marker.
    let fits = aztec_checkpoint(vec![aztec_tx(1, 4096), aztec_tx(2, 4096), aztec_tx(3, 4016)]);
    let a = accepted(&mut aztec_genesis(), &fits);
    assert_eq!(a.blob_fields.len(), 24576, "exactly MAX_BLOB_FIELDS fits");
    let too_large = aztec_checkpoint(vec![aztec_tx(1, 4096), aztec_tx(2, 4096), aztec_tx(3, 4017)]);
    let m = expect_code(&mut aztec_genesis(), &too_large, E::BlobTooLarge);
    assert!(m.contains("24577"), "{m}");
    // Counted over all blocks, the second block's end data included (6 fields, no L1-to-L2 root).
    let mut two_blocks = aztec_checkpoint(vec![aztec_tx(1, 4096), aztec_tx(2, 4096)]);
    blocks_mut(&mut two_blocks).push(Block { block_number: 2, total_mana_used: 0, txs: vec![aztec_tx(3, 4010)] });
    let a = accepted(&mut aztec_genesis(), &two_blocks);
    assert_eq!(a.blob_fields.len(), 24576);
    let mut two_blocks = aztec_checkpoint(vec![aztec_tx(1, 4096), aztec_tx(2, 4096)]);
    blocks_mut(&mut two_blocks).push(Block { block_number: 2, total_mana_used: 0, txs: vec![aztec_tx(3, 4011)] });
    expect_code(&mut aztec_genesis(), &two_blocks, E::BlobTooLarge);
}

#[test]
fn static_rule_precedence() {
    // Table rows before field order: too many private logs beats a zero note hash.
    let cp = with_tx(|t| {
        t.note_hashes = vec![Fr::ZERO];
        t.private_logs = vec![vec![f(1)]; 3];
    });
    rejects(&cp, E::TooManyPrivateLogs);
    // Revert code first of all tx rows.
    rejects(
        &with_tx(|t| {
            t.revert_code = 9;
            t.note_hashes = vec![f(1); 3];
        }),
        E::BadRevertCode,
    );
    // Checkpoint rows before block rows, block rows before the block's tx rows.
    let mut cp = with_tx(|t| t.revert_code = 9);
    cp.l1_to_l2_messages = vec![f(1); 5];
    rejects(&cp, E::TooManyL1ToL2Msgs);
    let mut cp = with_tx(|t| t.revert_code = 9);
    blocks_mut(&mut cp)[0].total_mana_used = 1 << 48;
    rejects(&cp, E::ManaOutOfRange);
    // Block 0's tx rows before block 1's block rows.
    let mut cp = with_tx(|t| t.revert_code = 9);
    blocks_mut(&mut cp).push(Block { block_number: 2, total_mana_used: 0, txs: vec![] });
    rejects(&cp, E::BadRevertCode);
    // Blob size last (reachable in the blocks form only in the aztec profile, see blob_too_large):
    // a bad revert code in the last tx, and a too-long public log list, beat it.
    let mut chain = aztec_genesis();
    let cp =
        aztec_checkpoint(vec![aztec_tx(1, 4096), aztec_tx(2, 4096), TxEffect { revert_code: 7, ..aztec_tx(3, 4096) }]);
    expect_code(&mut chain, &cp, E::BadRevertCode);
    let cp = aztec_checkpoint(vec![aztec_tx(1, 4096), aztec_tx(2, 4096), aztec_tx(3, 4097)]);
    expect_code(&mut chain, &cp, E::PublicLogsTooLong);
    // ...and so do the block rows: too many txs in the small profile, with every list at its maximum.
    let mut cp = biggest_small();
    blocks_mut(&mut cp)[1].txs.push(big_tx(3));
    rejects(&cp, E::TooManyTxs);
    // Static before sequencing.
    let mut cp = with_tx(|t| t.nullifiers.clear());
    cp.header.chain_id = f(1);
    rejects(&cp, E::TxWithoutNullifier);
    // Decoding before static: a decodable blob with a too-long list... vs a truncated one.
    let mut cp = blob(vec![f(1)]);
    cp.l1_to_l2_messages = vec![f(1); 5];
    rejects(&cp, E::BlobBadTxMarker);
}

/// A blob of one block holding `txs`, with `base()`'s block end data (roots are irrelevant
/// when a static rule fails first) and consistent counts.
fn blob_of_txs(txs: &[TxEffect]) -> Checkpoint {
    let good = base_blob();
    let mut fields = Vec::new();
    for t in txs {
        blob::encode_tx(t, &mut fields);
    }
    fields.push(bump(good[11], 0, txs.len() as u64 - 1)); // numTxs
    fields.extend_from_slice(&good[12..18]);
    fields.push(blob::checkpoint_end_marker(fields.len() as u64 + 1));
    blob(fields)
}

#[test]
fn static_rules_in_blob_form() {
    rejects(&blob_of_txs(&[tx(1), tx(2)]), E::TooManyTxs);
    rejects(&blob_of_txs(&[TxEffect { private_logs: vec![vec![]], ..tx(1) }]), E::BadPrivateLogLength);
    rejects(&blob_of_txs(&[TxEffect { nullifiers: vec![], ..tx(1) }]), E::TxWithoutNullifier);
    rejects(&blob_of_txs(&[TxEffect { note_hashes: vec![f(1); 3], ..tx(1) }]), E::TooManyNoteHashes);
    rejects(
        &blob_of_txs(&[TxEffect { public_data_writes: vec![(Fr::ZERO, Fr::ZERO)], ..tx(1) }]),
        E::EmptyPublicDataWrite,
    );
    rejects(&blob_of_txs(&[TxEffect { public_logs: vec![f(1); 7], ..tx(1) }]), E::PublicLogsTooLong);
    // The helper itself: with base()'s own tx it rebuilds base()'s blob exactly.
    accepted(&mut genesis(), &blob_of_txs(&[tx(1)]));
}

// ---- §7.4 sequencing ----------------------------------------------------------------------------

#[test]
fn sequencing_rules() {
    let mut cp = base();
    cp.header.chain_id = f(1);
    rejects(&cp, E::ChainId);
    let mut cp = base();
    cp.header.version = f(2);
    rejects(&cp, E::Version);
    let mut cp = base();
    cp.header.slot_number = Fr::ZERO;
    rejects(&cp, E::Slot);
    let mut cp = base();
    cp.header.timestamp = 0;
    rejects(&cp, E::Timestamp);
    let mut cp = base();
    blocks_mut(&mut cp)[0].block_number = 2;
    rejects(&cp, E::BlockNumber);
    let mut cp = base();
    blocks_mut(&mut cp).push(Block { block_number: 3, total_mana_used: 0, txs: vec![tx(2)] });
    rejects(&cp, E::BlockNumber);
    // Order: chain id, version, slot, timestamp, block number.
    let mut cp = base();
    cp.header.version = f(2);
    cp.header.slot_number = Fr::ZERO;
    cp.header.timestamp = 0;
    blocks_mut(&mut cp)[0].block_number = 5;
    rejects(&cp, E::Version);
    cp.header.version = f(1);
    rejects(&cp, E::Slot);
    cp.header.slot_number = f(4);
    rejects(&cp, E::Timestamp);

    // After one checkpoint, the same slot/timestamp/number are rejected.
    let mut chain = genesis();
    accepted(&mut chain, &base());
    let mut cp = base_after(1);
    cp.header.slot_number = f(1);
    expect_code(&mut chain, &cp, E::Slot);
    let mut cp = base_after(1);
    cp.header.timestamp = 10;
    expect_code(&mut chain, &cp, E::Timestamp);
    let mut cp = base_after(1);
    blocks_mut(&mut cp)[0].block_number = 1;
    expect_code(&mut chain, &cp, E::BlockNumber);
}

#[test]
fn blob_marker_timestamp_must_match_header() {
    let good = base_blob();
    let mut fields = good.clone();
    fields[11] = bump(fields[11], 48, 1); // block end marker timestamp + 1
    rejects(&blob(fields), E::Timestamp);
    // Block numbers come from the markers in the blob form.
    let mut fields = good;
    fields[11] = bump(fields[11], 16, 1);
    rejects(&blob(fields), E::BlockNumber);
}

// ---- §7.5 execution -----------------------------------------------------------------------------

/// State bytes of a small chain whose trees hold the given numbers of leaves.
fn crafted_state(note_hashes: u64, messages: u64, archive: u64, nullifiers: u64, public_data: u64) -> Chain {
    let last = archive - 1;
    let mut w = Writer::new();
    let frs = |w: &mut Writer, xs: Vec<Fr>| {
        w.array(xs.len());
        for x in xs {
            w.bin(&x.to_be_bytes());
        }
    };
    w.map(10);
    w.str("v");
    w.uint(1);
    w.str("profile");
    w.str("small");
    w.str("chainId");
    w.bin(&f(31337).to_be_bytes());
    w.str("version");
    w.bin(&f(1).to_be_bytes());
    w.str("last");
    w.map(3);
    w.str("blockNumber");
    w.uint(last);
    w.str("slotNumber");
    w.bin(&f(last).to_be_bytes());
    w.str("timestamp");
    w.uint(10 * last);
    w.str("noteHashes");
    frs(&mut w, (0..note_hashes).map(|i| f(50_000 + i)).collect());
    w.str("l1ToL2Messages");
    frs(&mut w, (0..messages).map(|_| Fr::ZERO).collect());
    w.str("archive");
    frs(&mut w, (0..archive).map(|i| f(60_000 + i)).collect());
    w.str("nullifiers");
    frs(&mut w, (0..nullifiers).map(|i| if i < 4 { f(i) } else { f(70_000 + i) }).collect());
    w.str("publicData");
    w.array(public_data as usize);
    for i in 0..public_data {
        w.array(2);
        w.bin(&(if i < 4 { f(i) } else { f(80_000 + i) }).to_be_bytes());
        w.bin(&(if i < 4 { Fr::ZERO } else { f(1) }).to_be_bytes());
    }
    codec::decode_state(&w.into_bytes()).expect("crafted state")
}

#[test]
fn tree_full_per_tree() {
    // Each tree one step from full, everything else roomy.
    let m = expect_code(&mut crafted_state(0, 29, 1, 4, 4), &base(), E::TreeFull);
    assert!(m.contains("L1-to-L2"), "{m}");
    let m = expect_code(&mut crafted_state(63, 0, 1, 4, 4), &base(), E::TreeFull);
    assert!(m.contains("note hash"), "{m}");
    let m = expect_code(&mut crafted_state(0, 0, 1, 63, 4), &base(), E::TreeFull);
    assert!(m.contains("nullifier"), "{m}");
    let m = expect_code(&mut crafted_state(0, 0, 32, 4, 4), &base_after(31), E::TreeFull);
    assert!(m.contains("archive"), "{m}");
    // Public data: per new slot, so the first new slot fits and the second does not.
    let two_new = |last| {
        let mut cp = base_after(last);
        tx_mut(&mut cp).public_data_writes = vec![(f(9001), f(1)), (f(9002), f(1))];
        cp
    };
    let m = expect_code(&mut crafted_state(0, 0, 1, 4, 63), &two_new(0), E::TreeFull);
    assert!(m.contains("public data") && m.contains("write 1"), "{m}");
    // Updates in place need no room.
    let mut cp = base();
    tx_mut(&mut cp).public_data_writes = vec![(f(80_010), f(5)), (f(2), f(5))];
    accepted(&mut crafted_state(0, 0, 1, 4, 64), &cp);
    // Exactly full is fine.
    accepted(&mut crafted_state(62, 28, 31, 62, 63), &base_after(30));
    // Order inside a tx: note hashes before nullifiers.
    let m = expect_code(&mut crafted_state(63, 0, 1, 63, 4), &base(), E::TreeFull);
    assert!(m.contains("note hash"), "{m}");
}

#[test]
fn nullifier_rules() {
    rejects(&with_tx(|t| t.nullifiers = vec![f(5000), f(5000)]), E::DuplicateNullifier);
    rejects(&with_tx(|t| t.nullifiers = vec![f(5000), f(3)]), E::NullifierExists); // prefill key 3
                                                                                   // Duplicates before existence.
    rejects(&with_tx(|t| t.nullifiers = vec![f(2), f(2)]), E::DuplicateNullifier);
    // Existing from an earlier tx of the same checkpoint (one tx a block in the small profile: the
    // earlier block), of the same block (aztec profile), and from an earlier checkpoint.
    let mut cp = base();
    blocks_mut(&mut cp).push(Block {
        block_number: 2,
        total_mana_used: 0,
        txs: vec![TxEffect { nullifiers: vec![f(5000), f(1001)], ..tx(2) }],
    });
    let m = rejects(&cp, E::NullifierExists);
    assert!(m.contains("block 1"), "{m}");
    let same_block = |second: TxEffect| {
        let mut cp = Checkpoint { profile: Profile::Aztec, ..base() };
        blocks_mut(&mut cp)[0].txs = vec![tx(1), second];
        cp
    };
    accepted(&mut aztec_genesis(), &same_block(tx(2)));
    expect_code(&mut aztec_genesis(), &same_block(TxEffect { nullifiers: vec![f(1001)], ..tx(2) }), E::NullifierExists);
    let mut chain = genesis();
    accepted(&mut chain, &base());
    let mut cp = base_after(1);
    tx_mut(&mut cp).nullifiers = vec![f(1001)];
    expect_code(&mut chain, &cp, E::NullifierExists);
}

#[test]
fn failure_in_a_later_block_rolls_back_earlier_blocks() {
    // Block 1 executes fully (trees, archive, `last`) before block 2 fails.
    let mut cp = base();
    blocks_mut(&mut cp).push(Block {
        block_number: 2,
        total_mana_used: 0,
        txs: vec![TxEffect { nullifiers: vec![f(1001)], ..tx(2) }],
    });
    let m = rejects(&cp, E::NullifierExists);
    assert!(m.contains("block 1"), "{m}");
    // On a chain with history, too.
    let mut chain = genesis();
    accepted(&mut chain, &base());
    let mut cp = base_after(1);
    blocks_mut(&mut cp)[0].txs = vec![tx(5)];
    blocks_mut(&mut cp).push(Block {
        block_number: 3,
        total_mana_used: 0,
        txs: vec![TxEffect { public_data_writes: vec![(f(301), f(9))], nullifiers: vec![f(1005)], ..tx(6) }],
    });
    expect_code(&mut chain, &cp, E::NullifierExists);
}

#[test]
fn end_state_mismatch() {
    let good = base_blob();
    // Each claimed item: the state field's indices, and every root.
    for (i, delta_shift) in [(12usize, Some(172u32)), (12, Some(130)), (12, Some(88)), (12, Some(48))] {
        let mut fields = good.clone();
        fields[i] = bump(fields[i], delta_shift.unwrap(), 1);
        rejects(&blob(fields), E::EndStateMismatch);
    }
    for i in 13..=17 {
        let mut fields = good.clone();
        fields[i] += f(1);
        rejects(&blob(fields), E::EndStateMismatch);
    }
    // totalManaUsed is not compared: it is the block's input in the blob form.
    let mut fields = good.clone();
    fields[12] = bump(fields[12], 0, 1);
    let a = accepted(&mut genesis(), &blob(fields.clone()));
    assert_eq!(a.blob_fields, fields);
    // The comparison comes before the archive capacity check.
    let mut chain = crafted_state(0, 0, 32, 4, 4);
    let mut cp = base_after(31);
    let mut fields = accepted(&mut crafted_state(0, 0, 31, 4, 4), &base_after(30)).blob_fields;
    // Re-target the blob at block 32 (marker), slot/timestamp from base_after(31).
    fields[11] = bump(fields[11], 16, 1);
    fields[11] = bump(fields[11], 48, 10);
    cp.body = Body::Blob(fields);
    expect_code(&mut chain, &cp, E::EndStateMismatch);
}

#[test]
fn blob_form_outcome_is_the_reencoding() {
    let round_trip = |cp: &Checkpoint, mut chain: Chain| {
        let mut other = chain.clone();
        let a = accepted(&mut chain, cp);
        let b = accepted(&mut other, &Checkpoint { body: Body::Blob(a.blob_fields.clone()), ..cp.clone() });
        assert_eq!(a, b);
        assert_eq!(codec::encode_state(&chain), codec::encode_state(&other));
    };
    // An empty first block, then a maximal tx.
    let mut cp = base();
    *blocks_mut(&mut cp) = vec![
        Block { block_number: 1, total_mana_used: 9, txs: vec![] },
        Block { block_number: 2, total_mana_used: 0, txs: vec![big_tx(1)] },
    ];
    round_trip(&cp, genesis());
    // Two blocks of one tx each, a maximal and a plain one.
    let mut cp = biggest_small();
    blocks_mut(&mut cp)[1].txs = vec![tx(2)];
    round_trip(&cp, genesis());
    // Several txs in one block (aztec profile, as small allows one).
    let mut cp = Checkpoint { profile: Profile::Aztec, ..base() };
    *blocks_mut(&mut cp) = vec![
        Block { block_number: 1, total_mana_used: 9, txs: vec![] },
        Block { block_number: 2, total_mana_used: 0, txs: vec![big_tx(1), tx(2)] },
    ];
    round_trip(&cp, aztec_genesis());
}
