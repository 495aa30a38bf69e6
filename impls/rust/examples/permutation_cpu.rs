//! Native CPU time per Poseidon2 permutation, for the benchmark's hash-count limit (bench/cpu.ts):
//! `permutations x this` is the least time any implementation of this hash could spend on a
//! checkpoint. Hashes N chained pairs (`hash_pair`, one permutation each) and prints one JSON
//! line. CPU time comes from /proc/self/schedstat (nanoseconds on CPU; the process has one thread).
//! Usage: `cargo run --release --example permutation_cpu -- [N]` (default 20000).

use difftower_stf_rust::{poseidon2, Fr};
use std::hint::black_box;

fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let Some(t0) = cpu_ns() else {
        eprintln!("permutation_cpu: /proc/self/schedstat is not readable");
        std::process::exit(4);
    };
    let (mut a, mut b) = (Fr::from_u64(1), Fr::from_u64(2));
    for _ in 0..n {
        let h = poseidon2::hash_pair(black_box(a), black_box(b));
        a = b;
        b = h;
    }
    black_box(b);
    let ns = cpu_ns().unwrap_or(t0) - t0;
    println!("{{\"permutations\":{n},\"cpuNs\":{ns},\"nsPerPermutation\":{:.1}}}", ns as f64 / n as f64);
}
