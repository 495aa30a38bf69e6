//! Native timing of the Poseidon2 2-to-1 hash, measured like `wasm/smoke.mjs --bench`: 5,000
//! random pairs (elements below 2^253), one warm-up pass, 9 timed passes, median µs per hash.
//! Not run by `cargo test` (which only compiles it): `cargo run --release --example poseidon2_bench`.
//!
//! Lines: `poseidon2::hash` one pair at a time (what the STF uses; the 4×64-bit field natively),
//! `hash_many_bytes` (the batch entry point; selects the same field natively), and the exact-f64
//! pair field that wasm32 selects, run natively for comparison (portable `[f64; 2]` lanes).

use difftower_stf_rust::{poseidon2, poseidon2_f64, Fr};
use std::hint::black_box;
use std::time::Instant;

fn median_us(pairs: usize, mut pass: impl FnMut()) -> (f64, f64, f64) {
    pass();
    let mut runs: Vec<f64> = (0..9)
        .map(|_| {
            let t = Instant::now();
            pass();
            t.elapsed().as_secs_f64() * 1e6 / pairs as f64
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    (runs[4], runs[0], runs[8])
}

fn main() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut random_bytes = || {
        let mut b = [0u8; 32];
        for chunk in b.chunks_exact_mut(8) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            chunk.copy_from_slice(&seed.to_be_bytes());
        }
        b[0] &= 0x1f;
        b
    };
    let count = 5000;
    let bytes: Vec<u8> = (0..2 * count).flat_map(|_| random_bytes()).collect();
    let pairs: Vec<[Fr; 2]> = bytes
        .chunks_exact(64)
        .map(|p| [0, 1].map(|i| Fr::from_be_bytes(p[32 * i..32 * i + 32].try_into().unwrap()).unwrap()))
        .collect();
    let report = |what: &str, (median, lo, hi): (f64, f64, f64)| {
        println!("native {what}: median {median:.2} us per 2-to-1 hash (9 runs of {count}, {lo:.2}..{hi:.2})");
    };
    report(
        "poseidon2::hash",
        median_us(count, || {
            black_box(pairs.iter().fold(Fr::ZERO, |acc, p| acc + poseidon2::hash(black_box(p))));
        }),
    );
    report(
        "poseidon2::hash_many_bytes",
        median_us(count, || {
            black_box(poseidon2::hash_many_bytes(black_box(&bytes), 2).unwrap());
        }),
    );
    report(
        "poseidon2_f64::hash_many_bytes (the wasm32 path, run natively)",
        median_us(count, || {
            black_box(poseidon2_f64::hash_many_bytes(black_box(&bytes), 2).unwrap());
        }),
    );
}
