//! trees.json: note-hash appends, padded nullifier batches and sequential public-data writes on
//! genesis trees, checking roots and next indices after every op.
mod common;
use common::*;
use difftower_stf_rust::indexed_tree::{IndexedTree, Kind};
use difftower_stf_rust::stf::{insert_nullifier_batch, write_public_data};
use difftower_stf_rust::tree::MerkleTree;

#[test]
fn tree_sequences() {
    let v = load("trees.json");
    let seqs = v["sequences"].as_array().unwrap();
    assert!(!seqs.is_empty());
    let mut ops_seen = 0;
    for (s, seq) in seqs.iter().enumerate() {
        let p = profile(&seq["profile"]).params();
        let mut note_hash = MerkleTree::new(p.note_hash_tree_height);
        let mut nullifier = IndexedTree::prefilled(Kind::Nullifier, p.nullifier_tree_height, p.nullifier_prefill);
        let mut public_data =
            IndexedTree::prefilled(Kind::PublicData, p.public_data_tree_height, p.public_data_prefill);
        for (o, op) in seq["ops"].as_array().unwrap().iter().enumerate() {
            match op["kind"].as_str().unwrap() {
                "noteHashes" => note_hash.append(&frs(&op["values"])).unwrap(),
                "nullifiers" => {
                    let values = frs(&op["values"]);
                    insert_nullifier_batch(&mut nullifier, &values, values.len()).unwrap()
                }
                "publicData" => {
                    for (slot, value) in pairs(&op["writes"]) {
                        write_public_data(&mut public_data, slot, value).unwrap();
                    }
                }
                k => panic!("unknown op {k}"),
            }
            let a = &op["after"];
            let ctx = format!("sequence {s} op {o} ({})", op["kind"]);
            assert_eq!(note_hash.snapshot(), snapshot(&a["noteHash"][0], &a["noteHash"][1]), "{ctx}: note hash");
            assert_eq!(nullifier.snapshot(), snapshot(&a["nullifier"][0], &a["nullifier"][1]), "{ctx}: nullifier");
            assert_eq!(
                public_data.snapshot(),
                snapshot(&a["publicData"][0], &a["publicData"][1]),
                "{ctx}: public data"
            );
            ops_seen += 1;
        }
    }
    assert!(ops_seen > 0);
}
