use difftower_stf_rust::field::Fr;
use difftower_stf_rust::poseidon2;
use serde_json::Value;

fn fr(v: &Value) -> Fr {
    Fr::from_hex(v.as_str().unwrap()).unwrap()
}
fn frs(v: &Value) -> Vec<Fr> {
    v.as_array().unwrap().iter().map(fr).collect()
}
fn load() -> Value {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../../conformance/vectors/poseidon2.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn permutation_kats() {
    let v = load();
    let cases = v["permutation"].as_array().unwrap();
    assert!(!cases.is_empty());
    for c in cases {
        let mut s: [Fr; 4] = frs(&c["in"]).try_into().unwrap();
        poseidon2::permute(&mut s);
        assert_eq!(s.to_vec(), frs(&c["out"]));
    }
}

#[test]
fn hash_kats() {
    let v = load();
    for c in v["hash"].as_array().unwrap() {
        assert_eq!(poseidon2::hash(&frs(&c["in"])), fr(&c["out"]));
    }
}

#[test]
fn hash_with_separator_kats() {
    let v = load();
    for c in v["withSeparator"].as_array().unwrap() {
        let sep = c["separator"].as_u64().unwrap();
        assert_eq!(poseidon2::hash_with_separator(&frs(&c["in"]), sep), fr(&c["out"]));
    }
}

/// Both permutation implementations (4×64-bit and the exact-f64 pair field wasm32 selects) on
/// every permutation KAT, whatever this target selects.
#[test]
fn permutation_kats_both_fields() {
    let v = load();
    for c in v["permutation"].as_array().unwrap() {
        let input: [Fr; 4] = frs(&c["in"]).try_into().unwrap();
        let (mut a, mut b) = (input, input);
        poseidon2::permute_u64(&mut a);
        difftower_stf_rust::poseidon2_f64::permute(&mut b);
        assert_eq!(a.to_vec(), frs(&c["out"]));
        assert_eq!(b.to_vec(), frs(&c["out"]));
    }
}

/// `hash_many_bytes` (both fields, and the selected one) on every hash and hash-with-separator
/// KAT with at least one input, one batch per arity as the component hook calls it.
#[test]
fn hash_many_kats() {
    let v = load();
    let mut cases: Vec<(Vec<Fr>, Fr)> =
        v["hash"].as_array().unwrap().iter().map(|c| (frs(&c["in"]), fr(&c["out"]))).collect();
    for c in v["withSeparator"].as_array().unwrap() {
        let mut input = vec![Fr::from_u64(c["separator"].as_u64().unwrap())];
        input.extend(frs(&c["in"]));
        cases.push((input, fr(&c["out"])));
    }
    cases.retain(|(input, _)| !input.is_empty());
    let arities: std::collections::BTreeSet<usize> = cases.iter().map(|(i, _)| i.len()).collect();
    assert!(arities.len() > 5);
    for arity in arities {
        let batch: Vec<&(Vec<Fr>, Fr)> = cases.iter().filter(|(i, _)| i.len() == arity).collect();
        let bytes: Vec<u8> = batch.iter().flat_map(|(i, _)| i.iter().flat_map(|x| x.to_be_bytes())).collect();
        let expected: Vec<u8> = batch.iter().flat_map(|(_, out)| out.to_be_bytes()).collect();
        assert_eq!(poseidon2::hash_many_bytes(&bytes, arity).unwrap(), expected);
        assert_eq!(poseidon2::hash_many_bytes_u64(&bytes, arity).unwrap(), expected);
        assert_eq!(difftower_stf_rust::poseidon2_f64::hash_many_bytes(&bytes, arity).unwrap(), expected);
    }
}
