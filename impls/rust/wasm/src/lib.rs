//! Component glue: the world `difftower:stf/stf-with-bench` (wit/stf.wit: the `stf` world plus
//! `poseidon2-hash-many`) over the difftower-stf-rust crate. All logic lives in the library; this
//! file only moves bytes and holds the one chain.

use difftower_stf_rust::{codec, poseidon2, Chain, Fr, Profile};
use std::cell::RefCell;

wit_bindgen::generate!({
    world: "stf-with-bench",
    path: "../../../wit/stf.wit",
});

thread_local! {
    // A component instance is single-threaded; the chain lives as long as the instance.
    static CHAIN: RefCell<Option<Chain>> = const { RefCell::new(None) };
}

const NO_CHAIN: &str = "no chain: call genesis or restore first";

fn field(bytes: &[u8], what: &str) -> Result<Fr, String> {
    <&[u8; 32]>::try_from(bytes)
        .ok()
        .and_then(Fr::from_be_bytes)
        .ok_or_else(|| format!("{what}: not a 32-byte field element below p"))
}

struct Stf;

impl Guest for Stf {
    fn genesis(profile: String, chain_id: Vec<u8>, version: Vec<u8>) -> Result<(), String> {
        let profile = Profile::from_name(profile.as_bytes()).ok_or_else(|| format!("unknown profile {profile:?}"))?;
        let chain = Chain::genesis(profile, field(&chain_id, "chain-id")?, field(&version, "version")?);
        CHAIN.with(|c| *c.borrow_mut() = Some(chain));
        Ok(())
    }

    fn apply(checkpoint: Vec<u8>) -> Result<Vec<u8>, String> {
        CHAIN.with(|c| {
            let mut c = c.borrow_mut();
            let chain = c.as_mut().ok_or(NO_CHAIN)?;
            Ok(codec::encode_outcome(&codec::apply_checkpoint_bytes(chain, &checkpoint)))
        })
    }

    fn snapshot() -> Result<Vec<u8>, String> {
        CHAIN.with(|c| c.borrow().as_ref().map(codec::encode_state).ok_or_else(|| NO_CHAIN.to_string()))
    }

    fn restore(state: Vec<u8>) -> Result<(), String> {
        let chain = codec::decode_state(&state)?;
        CHAIN.with(|c| *c.borrow_mut() = Some(chain));
        Ok(())
    }

    /// Benchmark hook (world `stf-with-bench`): §1.3 hashes of consecutive `arity`-tuples, two
    /// tuples per permutation (`poseidon2::hash_many_bytes`). Misuse traps (the WIT documents it):
    /// there is no error channel.
    fn poseidon2_hash_many(inputs: Vec<u8>, arity: u32) -> Vec<u8> {
        poseidon2::hash_many_bytes(&inputs, arity as usize)
            .unwrap_or_else(|e| panic!("poseidon2-hash-many: {}", e.message()))
    }
}

export!(Stf);
