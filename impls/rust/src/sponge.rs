//! The blob sponge of §1.4: absorbs a checkpoint's blob fields one at a time.
//!
//! Unlike `poseidon2::hash`, the permutation is deferred: a full cache of 3 is only duplexed when
//! the next element arrives (or at squeeze), and the IV is a fixed domain constant, not a length.
//!
//! Absorbing only queues the elements; the duplexes they make ready run later, either alone (at
//! `squeeze`) or as a `PermutationChain` beside the Merkle trees' hashing
//! (`poseidon2::hash_tuples_beside`), which on wasm32 runs them in otherwise shared vector lanes.
//! The order of duplexes, and so every state, is the same either way.

use crate::field::Fr;
use crate::params::MAX_BLOB_FIELDS_AZTEC;
use crate::poseidon2::{permute, PermutationChain};
use std::collections::VecDeque;

#[derive(Clone, Debug)]
pub struct BlobSponge {
    state: [Fr; 4],
    /// Absorbed elements not yet duplexed into `state`: the cache of §1.4 plus, before they run,
    /// the full chunks of 3 that a later element has made ready.
    queue: VecDeque<Fr>,
}

impl Default for BlobSponge {
    fn default() -> Self {
        Self::new()
    }
}

impl BlobSponge {
    pub fn new() -> BlobSponge {
        let iv = Fr::from_u128((MAX_BLOB_FIELDS_AZTEC as u128) << 64);
        BlobSponge { state: [Fr::ZERO, Fr::ZERO, Fr::ZERO, iv], queue: VecDeque::new() }
    }

    pub fn absorb(&mut self, f: Fr) {
        self.queue.push_back(f);
    }

    pub fn absorb_all(&mut self, fs: &[Fr]) {
        self.queue.extend(fs);
    }

    /// The state with the next chunk of 3 added, if a later element has made that duplex ready.
    fn next_input(&mut self) -> Option<[Fr; 4]> {
        if self.queue.len() <= 3 {
            return None;
        }
        let mut s = self.state;
        for lane in s.iter_mut().take(3) {
            *lane += self.queue.pop_front().expect("more than 3 queued");
        }
        Some(s)
    }

    /// Runs the ready duplexes one by one.
    fn run_ready(&mut self) {
        while let Some(mut s) = self.next_input() {
            permute(&mut s);
            self.state = s;
        }
    }

    /// The squeeze of everything absorbed so far; the sponge itself goes on absorbing.
    pub fn squeeze_so_far(&mut self) -> Fr {
        self.run_ready();
        self.clone().squeeze()
    }

    /// Consumes the sponge: the final duplex over the cache (1 to 3 elements, none if nothing was
    /// ever absorbed), then the first state element.
    pub fn squeeze(mut self) -> Fr {
        self.run_ready();
        for (lane, x) in self.state.iter_mut().zip(&self.queue) {
            *lane += *x;
        }
        permute(&mut self.state);
        self.state[0]
    }
}

impl PermutationChain for BlobSponge {
    fn next_state(&mut self) -> Option<[Fr; 4]> {
        self.next_input()
    }

    fn finish(&mut self, permuted: [Fr; 4]) {
        self.state = permuted;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poseidon2::hash_tuples_beside;

    /// The sponge of §1.4 as written: duplex when a 4th element arrives, and at squeeze.
    fn eager(fields: &[Fr]) -> Fr {
        let mut state = [Fr::ZERO, Fr::ZERO, Fr::ZERO, Fr::from_u128((MAX_BLOB_FIELDS_AZTEC as u128) << 64)];
        let mut cache: Vec<Fr> = Vec::new();
        let duplex = |state: &mut [Fr; 4], cache: &[Fr]| {
            for (lane, x) in state.iter_mut().zip(cache) {
                *lane += *x;
            }
            crate::poseidon2::permute_u64(state);
        };
        for f in fields {
            if cache.len() == 3 {
                duplex(&mut state, &cache);
                cache.clear();
            }
            cache.push(*f);
        }
        duplex(&mut state, &cache);
        state[0]
    }

    #[test]
    fn deferred_duplexes_match_the_definition() {
        let fields: Vec<Fr> = (0..40u64).map(|i| Fr::from_u64(i * 7 + 1)).collect();
        for n in 0..fields.len() {
            let mut s = BlobSponge::new();
            s.absorb_all(&fields[..n / 2]);
            let mid = s.squeeze_so_far();
            assert_eq!(mid, eager(&fields[..n / 2]), "{n}");
            for f in &fields[n / 2..n] {
                s.absorb(*f);
            }
            assert_eq!(s.squeeze(), eager(&fields[..n]), "{n}");
        }
    }

    #[test]
    fn duplexes_run_beside_tuple_hashing() {
        // Through the dispatching hash_tuples_beside and through the two-lane path directly (the
        // one wasm32 selects), with chains shorter and longer than the tuple work.
        let fields: Vec<Fr> = (0..100u64).map(|i| Fr::from_u64(i * 13 + 5) * Fr::from_u64(1 << 40)).collect();
        for arity in [2, 3, 4] {
            for tuples in [0usize, 1, 2, 5, 40] {
                for n in [0usize, 3, 4, 10, 100] {
                    let inputs: Vec<Fr> = (0..(arity * tuples) as u64).map(|i| Fr::from_u64(i + 1) * Fr::from_u64(0xdead_beef)).collect();
                    let expect: Vec<Fr> = inputs.chunks(arity).map(crate::poseidon2::hash).collect();
                    for two_lane in [false, true] {
                        let mut s = BlobSponge::new();
                        s.absorb_all(&fields[..n]);
                        let mut out = Vec::new();
                        if two_lane {
                            crate::poseidon2_f64::hash_tuples_beside(&inputs, arity, &mut out, &mut s);
                        } else {
                            hash_tuples_beside(&inputs, arity, &mut out, &mut s);
                        }
                        assert_eq!(out, expect, "arity {arity} tuples {tuples} fields {n}");
                        // Every tuple's permutations carry a ready duplex while there is one.
                        let ready = n.saturating_sub(1) / 3;
                        if two_lane && tuples * arity.div_ceil(3) >= ready {
                            assert!(s.queue.len() <= 3, "duplexes left behind: arity {arity} tuples {tuples} fields {n}");
                        }
                        assert_eq!(s.squeeze(), eager(&fields[..n]), "arity {arity} tuples {tuples} fields {n}");
                    }
                }
            }
        }
    }
}
