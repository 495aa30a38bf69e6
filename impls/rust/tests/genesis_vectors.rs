mod common;
use common::*;
use difftower_stf_rust::{Chain, Fr, Profile};

#[test]
fn aztec_genesis_matches_constants() {
    let v = load("genesis.json");
    let g = &v["aztec"];
    let mut chain = Chain::genesis(Profile::Aztec, Fr::from_u64(31337), Fr::ONE);
    let header = chain.genesis_header();
    assert_eq!(header.hash(), fr(&g["headerHash"]), "GENESIS_BLOCK_HEADER_HASH");
    let archive = chain.archive_snapshot();
    assert_eq!(archive.root, fr(&g["archiveRoot"]), "GENESIS_ARCHIVE_ROOT");
    assert_eq!(archive.next_index, 1);
    assert_eq!(chain.state_reference().snapshots().to_vec(), state_ref(&g["state"]));
}

#[test]
fn sequence_geneses_match() {
    let v = load("checkpoints.json");
    for seq in v["sequences"].as_array().unwrap() {
        let mut chain = Chain::genesis(profile(&seq["profile"]), Fr::from_u64(31337), Fr::ONE);
        let g = &seq["genesis"];
        assert_eq!(chain.genesis_header().hash(), fr(&g["headerHash"]));
        assert_eq!(chain.state_reference().snapshots().to_vec(), state_ref(&g["state"]));
        assert_eq!(chain.archive_snapshot(), snapshot(&g["archive"][0], &g["archive"][1]));
    }
}
