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
