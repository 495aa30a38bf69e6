//! Poseidon2 over BN254, t = 4 (§1.2), and the variable-length hash (§1.3).
//!
//! Two implementations of the permutation: `permute_u64` over the 4×64-bit Montgomery field of
//! `field` (used on 64-bit targets, where `u128` products are native), and `poseidon2_f64` over the
//! exact-`f64` pair field of `field_f64` (selected on wasm32 with `simd128`, where it is several
//! times faster). Both are compiled and tested everywhere; `permute` and `hash_many_bytes` select.

use crate::field::Fr;
use crate::grain::{self, ROUNDS_F, ROUNDS_P, T};
use std::sync::OnceLock;

/// `D_i - 1` of the internal matrix `M_I = J + diag(D_i - 1)` (spec §1.2).
const INTERNAL_DIAG_HEX: [&str; 4] = [
    "0x10dc6e9c006ea38b04b1e03b4bd9490c0d03f98929ca1d7fb56821fd19d3b6e7",
    "0x0c28145b6a44df3e0149b3d0a30b3bb599df9756d4dd9b84a86b38cfb45a740b",
    "0x00544b8338791518b2c7645a50392798b21f75bb60e3596170067d00141cac15",
    "0x222c01175718386f2e2e82eb122789e352e105a3b8fa852613bc534433ee428b",
];

pub(crate) struct Constants {
    pub(crate) rc: Vec<[Fr; T]>,
    /// `D_i - 1`, the internal matrix's diagonal minus one.
    pub(crate) diag: [Fr; T],
}

pub(crate) fn constants() -> &'static Constants {
    static C: OnceLock<Constants> = OnceLock::new();
    C.get_or_init(|| Constants {
        rc: grain::round_constants(),
        diag: INTERNAL_DIAG_HEX.map(|h| Fr::from_hex(h).expect("diagonal constant")),
    })
}

/// `M_E` = rows [5,7,1,3], [4,6,1,1], [1,3,5,7], [1,1,4,6], evaluated with additions only.
#[inline(always)]
fn external_matrix(s: &mut [Fr; T]) {
    let [x0, x1, x2, x3] = *s;
    let a = x0 + x1; //               x0 + x1
    let b = x2 + x3; //               x2 + x3
    let c = x1 + x1 + b; //           2x1 + x2 + x3
    let d = x3 + x3 + a; //           x0 + x1 + 2x3
    let b4 = b + b;
    let e = b4 + b4 + d; //           x0 + x1 + 4x2 + 6x3      (row 4)
    let a4 = a + a;
    let f = a4 + a4 + c; //           4x0 + 6x1 + x2 + x3      (row 2)
    *s = [d + f, f, c + e, e]; //     rows 1 and 3 by sums
}

#[inline(always)]
fn internal_matrix(s: &mut [Fr; T], diag: &[Fr; T]) {
    let sum = s[0] + s[1] + s[2] + s[3];
    for i in 0..T {
        s[i] = s[i] * diag[i] + sum;
    }
}

/// Whether this build uses the `f64` pair field (wasm32 with `simd128`).
pub const USES_F64: bool = cfg!(all(target_arch = "wasm32", target_feature = "simd128"));

/// The Poseidon2 permutation of §1.2.
#[inline]
pub fn permute(s: &mut [Fr; T]) {
    #[cfg(test)]
    PERMUTATIONS.with(|c| c.set(c.get() + 1));
    if USES_F64 {
        crate::poseidon2_f64::permute(s)
    } else {
        permute_u64(s)
    }
}

#[cfg(test)]
thread_local! {
    /// Permutations run by `permute` on this thread (tests count work with it).
    pub static PERMUTATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The permutation over the 4×64-bit field.
pub fn permute_u64(s: &mut [Fr; T]) {
    let c = constants();
    let half = ROUNDS_F / 2;
    external_matrix(s);
    for r in 0..half {
        full_round(s, &c.rc[r]);
    }
    for r in half..half + ROUNDS_P {
        s[0] += c.rc[r][0];
        s[0] = s[0].pow5();
        internal_matrix(s, &c.diag);
    }
    for r in half + ROUNDS_P..ROUNDS_F + ROUNDS_P {
        full_round(s, &c.rc[r]);
    }
}

#[inline(always)]
fn full_round(s: &mut [Fr; T], rc: &[Fr; T]) {
    for i in 0..T {
        s[i] = (s[i] + rc[i]).pow5();
    }
    external_matrix(s);
}

/// Sponge hash of §1.3: IV `n·2^64` in the capacity lane, rate 3.
pub fn hash(inputs: &[Fr]) -> Fr {
    let mut s = [Fr::ZERO, Fr::ZERO, Fr::ZERO, Fr::from_u128((inputs.len() as u128) << 64)];
    if inputs.is_empty() {
        permute(&mut s);
    }
    for chunk in inputs.chunks(3) {
        for (lane, x) in s.iter_mut().zip(chunk) {
            *lane += *x;
        }
        permute(&mut s);
    }
    s[0]
}

/// `hash([sep] || xs)`.
pub fn hash_with_separator(inputs: &[Fr], separator: u64) -> Fr {
    let mut all = Vec::with_capacity(inputs.len() + 1);
    all.push(Fr::from_u64(separator));
    all.extend_from_slice(inputs);
    hash(&all)
}

/// Merkle node hash `H(l, r) = hash([l, r])` (§2).
pub fn hash_pair(l: Fr, r: Fr) -> Fr {
    let mut s = [l, r, Fr::ZERO, Fr::from_u128(2u128 << 64)];
    permute(&mut s);
    s[0]
}

/// `hash_pair` over the 4×64-bit field (the reference the `f64` batch is tested against).
pub fn hash_u64_pair(l: Fr, r: Fr) -> Fr {
    let mut s = [l, r, Fr::ZERO, Fr::from_u128(2u128 << 64)];
    permute_u64(&mut s);
    s[0]
}

/// `hash` of consecutive `arity`-tuples of `inputs`, appended to `out` in order. On wasm32 two
/// tuples share each permutation (one per vector lane); elsewhere it is `hash` tuple by tuple.
pub fn hash_tuples(inputs: &[Fr], arity: usize, out: &mut Vec<Fr>) {
    hash_tuples_beside(inputs, arity, out, &mut NoChain)
}

/// A sequential chain of permutations (a sponge's pending duplexes) that `hash_tuples_beside`
/// may advance in vector lanes the tuples would leave idle or share with each other. The chain
/// runs one permutation at a time: every state `next_state` hands out comes back permuted through
/// `finish` before `next_state` is called again.
pub trait PermutationChain {
    /// The next state to permute, or `None` if no permutation is ready now.
    fn next_state(&mut self) -> Option<[Fr; T]>;
    /// The permutation of the state the last `next_state` returned.
    fn finish(&mut self, permuted: [Fr; T]);
}

/// The chain with nothing to run.
pub struct NoChain;

impl PermutationChain for NoChain {
    fn next_state(&mut self) -> Option<[Fr; T]> {
        None
    }
    fn finish(&mut self, _: [Fr; T]) {
        unreachable!("NoChain hands out no state")
    }
}

/// `hash_tuples`, advancing `chain` on the way where that is cheaper than running it alone: on
/// wasm32 a permutation then carries one tuple in one lane and a step of the chain in the other
/// (a lone permutation of the chain costs more than a lane: `poseidon2_f64::permute` packs one
/// state into the two lanes less densely). Elsewhere the chain is left as it is. Either way the
/// tuples' hashes and the chain's states are those of `hash` and `permute`, bit for bit.
pub fn hash_tuples_beside(inputs: &[Fr], arity: usize, out: &mut Vec<Fr>, chain: &mut dyn PermutationChain) {
    if USES_F64 {
        crate::poseidon2_f64::hash_tuples_beside(inputs, arity, out, chain)
    } else {
        out.extend(inputs.chunks_exact(arity).map(hash))
    }
}

/// Why `hash_many_bytes` refused its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashManyError {
    ArityZero,
    PartialTuple,
    NotAFieldElement,
}

impl HashManyError {
    pub fn message(self) -> &'static str {
        match self {
            HashManyError::ArityZero => "arity must be at least 1",
            HashManyError::PartialTuple => "inputs are not whole tuples",
            HashManyError::NotAFieldElement => "element >= p",
        }
    }
}

/// Checks the shape of a `hash_many_bytes` input: the number of tuples.
pub(crate) fn tuple_count(inputs: &[u8], arity: usize) -> Result<usize, HashManyError> {
    if arity == 0 {
        return Err(HashManyError::ArityZero);
    }
    match arity.checked_mul(32) {
        Some(width) if inputs.len() % width == 0 => Ok(inputs.len() / width),
        _ => Err(HashManyError::PartialTuple),
    }
}

/// §1.3 hashes of consecutive `arity`-tuples: `inputs` holds the tuples one after the other, each
/// element 32 bytes big-endian; the result is one 32-byte big-endian hash per tuple. Refuses arity
/// 0, a partial tuple and any element `>= p` (checked before anything is hashed). Tuples are hashed
/// two at a time, one per vector lane, with the `f64` field on wasm32.
pub fn hash_many_bytes(inputs: &[u8], arity: usize) -> Result<Vec<u8>, HashManyError> {
    if USES_F64 {
        crate::poseidon2_f64::hash_many_bytes(inputs, arity)
    } else {
        hash_many_bytes_u64(inputs, arity)
    }
}

/// `hash_many_bytes` over the 4×64-bit field, one tuple at a time.
pub fn hash_many_bytes_u64(inputs: &[u8], arity: usize) -> Result<Vec<u8>, HashManyError> {
    tuple_count(inputs, arity)?;
    let elements = inputs
        .chunks_exact(32)
        .map(|x| Fr::from_be_bytes(x.try_into().expect("32-byte chunk")).ok_or(HashManyError::NotAFieldElement))
        .collect::<Result<Vec<Fr>, _>>()?;
    let mut tuple = Vec::with_capacity(arity);
    let mut out = Vec::with_capacity(elements.len() / arity * 32);
    for chunk in elements.chunks_exact(arity) {
        tuple.clear();
        tuple.extend_from_slice(chunk);
        out.extend_from_slice(&hash_u64(&tuple).to_be_bytes());
    }
    Ok(out)
}

/// `hash` with `permute_u64` (for at least one input).
fn hash_u64(inputs: &[Fr]) -> Fr {
    let mut s = [Fr::ZERO, Fr::ZERO, Fr::ZERO, Fr::from_u128((inputs.len() as u128) << 64)];
    for chunk in inputs.chunks(3) {
        for (lane, x) in s.iter_mut().zip(chunk) {
            *lane += *x;
        }
        permute_u64(&mut s);
    }
    s[0]
}
