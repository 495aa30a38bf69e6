//! Poseidon2 (§1.2) and the hash (§1.3) over the exact-`f64` pair field of `field_f64`, the path
//! wasm32 selects. Compiled and tested on every target (it must equal `permute_u64` bit for bit).
//!
//! Two ways to fill the two lanes of a vector:
//! - `permute` (one state, used through `poseidon2::permute` for the few hashes that have no
//!   partner: header hashes, the sponge's last duplexes): the lanes hold two elements of the same
//!   state, `(s0, s1)` and `(s2, s3)`. A full round is 6 vector products; a partial round packs
//!   its 7 products (plus `D0·x`, which takes `D0·x^5 = x^4·(D0·x)` off the critical path) into 4:
//!   `(x², D0·x)`, `(x⁴, D1·s1)`, `(x⁵, D0·x⁵)`, `(D2·s2, D3·s3)`.
//! - `permute_pair` (`hash_many_bytes`, the `poseidon2-hash-many` hook, and `hash_tuples` /
//!   `hash_tuples_beside`, which the trees hash through): the lanes hold two independent states,
//!   so every operation is full width and no lane shuffles are needed; the partial rounds multiply
//!   by the diagonal through tables (`field_f64::cmul_add`, about half a Montgomery product). The
//!   two states are two tuples, or a tuple and a step of a `PermutationChain` (the blob sponge),
//!   whose steps would otherwise run alone on the slower one-state path.
//!
//! `D_i` here are the multipliers `diag[i]` of `poseidon2` (the spec's `D_i - 1`): a partial round
//! sets `s_i = D_i·s_i + Σ`. The state stays in Montgomery form (`·2^264`) for the whole
//! permutation; conversions happen once per permutation (`permute`, a chain's step) or once per
//! absorbed element and output (`hash_many_bytes`, `hash_tuples`).

use crate::field::Fr;
use crate::field_f64::{self as f, Pair, Table, F2, N};
use crate::grain::{ROUNDS_F, ROUNDS_P, T};
use crate::poseidon2::{constants, tuple_count, HashManyError, PermutationChain};
use crate::uint;
use core::ops::Add;
use std::sync::OnceLock;

struct Consts {
    // Pair mode: each constant in both lanes, Montgomery form.
    rc: Vec<[Pair; T]>,
    diag: [Box<Table>; T],
    // Single mode: lanes are state elements.
    full: Vec<(Pair, Pair)>,
    partial: Vec<Pair>,
    d0: Pair,
    d1: Pair,
    d23: Pair,
    // Conversions: `Fr` stores a·2^256, canonical integers are a.
    from_fr: Box<Table>,
    to_fr: Box<Table>,
    from_int: Box<Table>,
    to_int: Box<Table>,
    // The sponge IV of a 2-input hash (`2·2^64`) in both lanes (`hash_pairs`).
    iv2: Pair,
}

fn pow2(k: u32) -> Fr {
    let mut x = Fr::ONE;
    for _ in 0..k {
        x = x + x;
    }
    x
}

fn consts() -> &'static Consts {
    static C: OnceLock<Consts> = OnceLock::new();
    C.get_or_init(|| {
        let c = constants();
        let r = pow2(264);
        // 1/2 = (p + 1)/2
        let half = {
            let mut h = crate::field::MODULUS;
            h[0] += 1;
            Fr::from_canonical(&[0, 1, 2, 3].map(|i| (h[i] >> 1) | if i < 3 { h[i + 1] << 63 } else { 0 }))
                .expect("(p + 1)/2 < p")
        };
        let inv = |k: u32| {
            let mut x = Fr::ONE;
            for _ in 0..k {
                x *= half;
            }
            x
        };
        let mont = |x: &Fr| f::digits(&(*x * r).to_canonical());
        let both = |x: &Fr| {
            let d = mont(x);
            f::pair(&d, &d)
        };
        let zero = [0.0; N];
        let half_rounds = ROUNDS_F / 2;
        let is_full = |r: usize| r < half_rounds || r >= half_rounds + ROUNDS_P;
        let d = c.diag.map(|x| mont(&x));
        Consts {
            rc: c.rc.iter().map(|rc| rc.each_ref().map(both)).collect(),
            diag: c.diag.each_ref().map(Table::new),
            full: (0..ROUNDS_F + ROUNDS_P)
                .filter(|&r| is_full(r))
                .map(|r| {
                    let m = c.rc[r].each_ref().map(mont);
                    (f::pair(&m[0], &m[1]), f::pair(&m[2], &m[3]))
                })
                .collect(),
            partial: (half_rounds..half_rounds + ROUNDS_P).map(|r| f::pair(&mont(&c.rc[r][0]), &zero)).collect(),
            d0: f::pair(&d[0], &d[0]),
            d1: f::pair(&d[1], &d[1]),
            d23: f::pair(&d[2], &d[3]),
            from_fr: Table::new(&pow2(8)),
            to_fr: Table::new(&inv(8)),
            from_int: Table::new(&r),
            to_int: Table::new(&inv(264)),
            iv2: both(&Fr::from_u128(2u128 << 64)),
        }
    })
}

// Both build their result fresh: from a copy of `a`, LLVM may emit `memory.copy` (a call in V8).
#[inline(always)]
fn map1(a: &Pair, g: impl Fn(F2) -> F2) -> Pair {
    core::array::from_fn(|k| g(a[k]))
}

#[inline(always)]
fn map2(a: &Pair, b: &Pair, g: impl Fn(F2, F2) -> F2) -> Pair {
    core::array::from_fn(|k| g(a[k], b[k]))
}

// ---- one state, lanes (s0, s1) and (s2, s3) -----------------------------------------------------

/// `M_E` on the lane layout `(y0, y1)`, `(y2, y3)` (the same additions as `poseidon2`), normalized.
#[inline(always)]
fn external_single(s01: &mut Pair, s23: &mut Pair) {
    let aa = map1(s01, |a| a.add(a.swap())); //          (y0 + y1, ..)
    let bb = map1(s23, |b| b.add(b.swap())); //          (y2 + y3, ..)
    let y13 = map2(s01, s23, |a, b| a.hi(b)); //         (y1, y3)
    let ba = map2(&bb, &aa, |b, a| b.blend(a)); //       (b, a)
    let g = map2(&y13, &ba, |y, ba| y.add(y).add(ba)); // (c, d) = (2y1 + b, 2y3 + a)
    let h = map2(&ba, &g, |ba, g| {
        let b2 = ba.add(ba);
        b2.add(b2).add(g.swap()) //                      (e, f) = (4b + d, 4a + c)
    });
    let k = map2(&g, &h, |g, h| g.add(h)); //            (c + e, d + f)
    *s01 = f::norm(&map2(&k, &h, |k, h| k.hi(h))); //    (d + f, f)
    *s23 = f::norm(&map2(&k, &h, |k, h| k.lo(h))); //    (c + e, e)
}

/// The permutation of one state (`poseidon2::permute` on wasm32).
pub fn permute(st: &mut [Fr; T]) {
    let c = consts();
    let digits = st.map(|x| f::digits(x.mont_limbs()));
    let mut s01 = f::cmul(&f::pair(&digits[0], &digits[1]), &c.from_fr);
    let mut s23 = f::cmul(&f::pair(&digits[2], &digits[3]), &c.from_fr);
    external_single(&mut s01, &mut s23);
    let full = |s01: &mut Pair, s23: &mut Pair, rc: &(Pair, Pair)| {
        let a = f::add(s01, &rc.0);
        let b = f::add(s23, &rc.1);
        let a2 = f::sqr(&a);
        let b2 = f::sqr(&b);
        let a4 = f::sqr(&a2);
        let b4 = f::sqr(&b2);
        *s01 = f::mul(&a4, &a);
        *s23 = f::mul(&b4, &b);
        external_single(s01, s23);
    };
    for rc in &c.full[..ROUNDS_F / 2] {
        full(&mut s01, &mut s23, rc);
    }
    for rc in &c.partial {
        let xp = f::add(&s01, rc); //                                     (x, s1)
        let v1 = f::mul(&map1(&xp, F2::dup0), &map2(&xp, &c.d0, F2::blend)); // (x², D0·x)
        let v2 = f::mul(&map2(&v1, &xp, F2::blend), &map2(&v1, &c.d1, |v, d| v.dup0().blend(d))); // (x⁴, D1·s1)
        let v3 = f::mul(&map1(&v2, F2::dup0), &map2(&xp, &v1, F2::blend)); // (x⁵, D0·x⁵)
        let v4 = f::mul(&s23, &c.d23); //                                  (D2·s2, D3·s3)
        let u = f::add(&s23, &map2(&v3, &xp, F2::blend)); //              (s2 + x⁵, s3 + s1)
        let sum = f::reduce(&map1(&u, |u| u.add(u.swap()))); //           (Σ, Σ)
        s01 = f::add(&map2(&v3, &v2, F2::hi), &sum);
        s23 = f::add(&v4, &sum);
    }
    for rc in &c.full[ROUNDS_F / 2..] {
        full(&mut s01, &mut s23, rc);
    }
    let [a, b] = f::unpair(&f::cmul(&s01, &c.to_fr));
    let [cc, d] = f::unpair(&f::cmul(&s23, &c.to_fr));
    *st = [a, b, cc, d].map(|x| Fr::from_mont_limbs(f::to_canonical(&x)));
}

// ---- two states, one per lane -------------------------------------------------------------------

/// `M_E` lane-wise; the outputs are normalized (`reduced`: also reduced to `|v| <= p/2`).
#[inline(always)]
fn external_pair(s: &mut [Pair; T], reduced: bool) {
    let [x0, x1, x2, x3] = *s;
    let a = f::add(&x0, &x1);
    let b = f::add(&x2, &x3);
    let c = f::add(&f::add(&x1, &x1), &b);
    let d = f::add(&f::add(&x3, &x3), &a);
    let b4 = f::add(&b, &b);
    let e = f::add(&f::add(&b4, &b4), &d);
    let a4 = f::add(&a, &a);
    let g = f::add(&f::add(&a4, &a4), &c);
    // Each output straight into its place (a temporary array would be copied with `memory.copy`).
    let fix = |x: &Pair| if reduced { f::reduce(x) } else { f::norm(x) };
    s[0] = fix(&f::add(&d, &g));
    s[1] = fix(&g);
    s[2] = fix(&f::add(&c, &e));
    s[3] = fix(&e);
}

/// A partial round of two states, one per lane, from `src` into `dst`: `x = src_0 + rc`, then
/// `dst_i = D_i·y_i + Σ` with `y = (x⁵, src_1, src_2, src_3)` and `Σ = Σ y_i`. Σ is left unreduced
/// (limbs below 2^26, value below 50p: the state comes normalized out of `M_E` or reduced out of
/// the previous partial round) and added before each product's own reduction (`cmul_add`).
#[inline(always)]
fn partial_round(src: &[Pair; T], dst: &mut [Pair; T], rc: &Pair, c: &Consts) {
    let x5 = f::pow5(&f::add(&src[0], rc));
    let sum = f::add(&f::add(&x5, &src[1]), &f::add(&src[2], &src[3]));
    dst[0] = f::cmul_add(&x5, &c.diag[0], &sum);
    dst[1] = f::cmul_add(&src[1], &c.diag[1], &sum);
    dst[2] = f::cmul_add(&src[2], &c.diag[2], &sum);
    dst[3] = f::cmul_add(&src[3], &c.diag[3], &sum);
}

/// The permutation of two states at once, one per lane, in Montgomery form. In: limbs of at most
/// `2^24 + 2^7`, values below `2p`; out: normalized, `|v| <= p/2·(1 + 2^-19)`.
fn permute_pair(s: &mut [Pair; T], c: &Consts) {
    external_pair(s, false);
    let full = |s: &mut [Pair; T], rc: &[Pair; T], last: bool| {
        // The S-boxes' results go to a fresh local (into `s`, LLVM would copy each).
        let sbox = |i: usize| f::pow5(&f::add(&s[i], &rc[i]));
        let mut y = [sbox(0), sbox(1), sbox(2), sbox(3)];
        external_pair(&mut y, last);
        *s = y;
    };
    let half = ROUNDS_F / 2;
    for r in 0..half {
        full(s, &c.rc[r], false);
    }
    // Partial rounds two at a time, from `a` into `b` and back: every product lands in its final
    // place (a round in place would copy its four results into the state, and each copy is a
    // `memory.copy` call in V8). Both are fresh locals: into `s` itself (whose address the full
    // rounds have seen) LLVM would still copy.
    const { assert!(ROUNDS_P % 2 == 0) };
    let (mut a, mut b) = (*s, *s);
    for r in (half..half + ROUNDS_P).step_by(2) {
        partial_round(&a, &mut b, &c.rc[r][0], c);
        partial_round(&b, &mut a, &c.rc[r + 1][0], c);
    }
    *s = a;
    for r in half + ROUNDS_P..ROUNDS_F + ROUNDS_P {
        full(s, &c.rc[r], r + 1 == ROUNDS_F + ROUNDS_P);
    }
}

/// `poseidon2::hash_many_bytes` with two tuples per permutation.
pub fn hash_many_bytes(inputs: &[u8], arity: usize) -> Result<Vec<u8>, HashManyError> {
    let count = tuple_count(inputs, arity)?;
    let integer = |x: &[u8]| uint::from_be_bytes(x.try_into().expect("32-byte chunk"));
    // Every element is checked before anything is hashed.
    if !inputs.chunks_exact(32).all(|x| uint::cmp(&integer(x), &crate::field::MODULUS).is_lt()) {
        return Err(HashManyError::NotAFieldElement);
    }
    let limbs = |x: &[u8]| f::digits(&integer(x));
    let c = consts();
    let iv = {
        let d = f::digits(&(Fr::from_u128((arity as u128) << 64) * pow2(264)).to_canonical());
        f::pair(&d, &d)
    };
    let zero = [F2::ZERO; N];
    let width = 32 * arity;
    let mut out = Vec::with_capacity(count * 32);
    for first in (0..count).step_by(2) {
        let second = if first + 1 < count { first + 1 } else { first };
        let (a, b) = (&inputs[first * width..][..width], &inputs[second * width..][..width]);
        let mut s = [zero, zero, zero, iv];
        for start in (0..arity).step_by(3) {
            for lane in start..arity.min(start + 3) {
                let element = |t: &[u8]| limbs(&t[32 * lane..][..32]);
                let x = f::cmul(&f::pair(&element(a), &element(b)), &c.from_int);
                s[lane - start] = f::add(&s[lane - start], &x);
            }
            permute_pair(&mut s, c);
        }
        let [ha, hb] = f::unpair(&f::cmul(&s[0], &c.to_int));
        out.extend_from_slice(&uint::to_be_bytes(&f::to_canonical(&ha)));
        if second != first {
            out.extend_from_slice(&uint::to_be_bytes(&f::to_canonical(&hb)));
        }
    }
    Ok(out)
}

/// `poseidon2::hash` of consecutive `arity`-tuples of `inputs`, appended to `out` in order: two
/// tuples per permutation, one per lane (the Merkle trees hash a level's dirty nodes, the indexed
/// trees their changed leaves through this).
pub fn hash_tuples(inputs: &[Fr], arity: usize, out: &mut Vec<Fr>) {
    hash_tuples_beside(inputs, arity, out, &mut crate::poseidon2::NoChain)
}

/// What the second lane carries while a tuple runs in the first.
enum Lane1<'a> {
    /// Another tuple (the usual case: two tuples per permutation).
    Tuple(&'a [Fr]),
    /// Steps of the chain, one per permutation, while it has steps ready.
    Chain,
}

/// `poseidon2::hash_tuples_beside`: while `chain` has a permutation ready, lane 0 carries a tuple
/// and lane 1 the chain's state (converted in and out of the lane form at each step, a few
/// constant products against the ~230 of a permutation); otherwise two tuples share a permutation.
pub fn hash_tuples_beside(inputs: &[Fr], arity: usize, out: &mut Vec<Fr>, chain: &mut dyn PermutationChain) {
    assert!(arity > 0 && inputs.len() % arity == 0, "hash_tuples: partial tuple");
    let c = consts();
    let iv = if arity == 2 {
        c.iv2
    } else {
        let d = f::digits(&(Fr::from_u128((arity as u128) << 64) * pow2(264)).to_canonical());
        f::pair(&d, &d)
    };
    let zero = [F2::ZERO; N];
    let limbs = |x: &Fr| f::digits(x.mont_limbs());
    let to_lanes = |x: &Fr, y: &Fr| f::cmul(&f::pair(&limbs(x), &limbs(y)), &c.from_fr);
    let from_lanes = |x: &Pair| f::unpair(&f::cmul(x, &c.to_fr)).map(|l| Fr::from_mont_limbs(f::to_canonical(&l)));
    let count = inputs.len() / arity;
    let mut next = 0;
    while next < count {
        let a = &inputs[next * arity..][..arity];
        next += 1;
        // The first chunk's chain step decides the lane's use for the whole tuple.
        let mut step = chain.next_state();
        let lane1 = if step.is_some() || next == count {
            Lane1::Chain
        } else {
            next += 1;
            Lane1::Tuple(&inputs[(next - 1) * arity..][..arity])
        };
        let mut s = [zero, zero, zero, iv];
        for (chunk, start) in (0..arity).step_by(3).enumerate() {
            let width = arity.min(start + 3) - start;
            match lane1 {
                Lane1::Tuple(b) => {
                    for i in 0..width {
                        s[i] = f::add(&s[i], &to_lanes(&a[start + i], &b[start + i]));
                    }
                }
                Lane1::Chain => {
                    if chunk > 0 {
                        step = chain.next_state();
                    }
                    match &step {
                        // Lane 0 absorbs, lane 1 is replaced by the chain's state.
                        Some(st) => {
                            for i in 0..T {
                                let x = to_lanes(if i < width { &a[start + i] } else { &Fr::ZERO }, &st[i]);
                                s[i] = map2(&f::add(&s[i], &x), &x, F2::blend);
                            }
                        }
                        // Lane 1 idles (its value stays within the bounds of a permuted state).
                        None => {
                            for i in 0..width {
                                s[i] = f::add(&s[i], &to_lanes(&a[start + i], &Fr::ZERO));
                            }
                        }
                    }
                }
            }
            permute_pair(&mut s, c);
            if let (Lane1::Chain, Some(_)) = (&lane1, &step) {
                let [s0, s1] = from_lanes(&map2(&s[0], &s[1], F2::hi));
                let [s2, s3] = from_lanes(&map2(&s[2], &s[3], F2::hi));
                chain.finish([s0, s1, s2, s3]);
            }
        }
        let [ha, hb] = from_lanes(&s[0]);
        out.push(ha);
        if let Lane1::Tuple(_) = lane1 {
            out.push(hb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poseidon2::{hash_many_bytes_u64, permute_u64};

    struct Rng(u64);
    impl Rng {
        fn fr(&mut self) -> Fr {
            loop {
                let mut x = [0u64; 4];
                for w in x.iter_mut() {
                    self.0 ^= self.0 << 13;
                    self.0 ^= self.0 >> 7;
                    self.0 ^= self.0 << 17;
                    *w = self.0;
                }
                x[3] >>= 2;
                if let Some(v) = Fr::from_canonical(&x) {
                    return v;
                }
            }
        }
    }

    fn edge() -> Vec<Fr> {
        vec![Fr::ZERO, Fr::ONE, -Fr::ONE, -Fr::from_u64(2), pow2(253), pow2(253) - Fr::ONE, pow2(252)]
    }

    #[test]
    fn single_state_permutation_matches_u64() {
        let mut rng = Rng(17);
        let e = edge();
        let mut states: Vec<[Fr; T]> =
            (0..e.len()).map(|i| [e[i], e[(i + 1) % e.len()], e[(i + 3) % e.len()], e[i]]).collect();
        states.push([-Fr::ONE; T]);
        states.push([Fr::ZERO; T]);
        states.extend((0..150).map(|_| [rng.fr(), rng.fr(), rng.fr(), rng.fr()]));
        for s in states {
            let (mut a, mut b) = (s, s);
            permute(&mut a);
            permute_u64(&mut b);
            assert_eq!(a, b, "state {s:?}");
            // chained: the output is a valid input again
            permute(&mut a);
            permute_u64(&mut b);
            assert_eq!(a, b);
        }
    }

    #[test]
    fn hash_many_matches_u64() {
        let mut rng = Rng(23);
        let e = edge();
        for arity in 1..=8 {
            for count in 0..=5 {
                let mut bytes = Vec::new();
                for i in 0..arity * count {
                    let x = if i % 3 == 0 { e[i % e.len()] } else { rng.fr() };
                    bytes.extend_from_slice(&x.to_be_bytes());
                }
                let a = hash_many_bytes(&bytes, arity).unwrap();
                let b = hash_many_bytes_u64(&bytes, arity).unwrap();
                assert_eq!(a, b, "arity {arity} count {count}");
                assert_eq!(a.len(), 32 * count);
            }
        }
        // a long batch of pairs (the benchmark's shape)
        let bytes: Vec<u8> = (0..2 * 301).flat_map(|_| rng.fr().to_be_bytes()).collect();
        assert_eq!(hash_many_bytes(&bytes, 2).unwrap(), hash_many_bytes_u64(&bytes, 2).unwrap());
    }

    #[test]
    fn hash_tuples_matches_u64() {
        let mut rng = Rng(29);
        let e = edge();
        for count in 0..=7 {
            let pairs: Vec<[Fr; 2]> =
                (0..count).map(|i| if i % 2 == 0 { [e[i % e.len()], e[(i + 2) % e.len()]] } else { [rng.fr(), rng.fr()] }).collect();
            let mut out = Vec::new();
            hash_tuples(pairs.as_flattened(), 2, &mut out);
            let expect: Vec<Fr> = pairs.iter().map(|p| crate::poseidon2::hash_u64_pair(p[0], p[1])).collect();
            assert_eq!(out, expect, "count {count}");
        }
        for arity in [1, 3, 4, 5] {
            for count in 0..=5 {
                let inputs: Vec<Fr> = (0..arity * count).map(|i| if i % 4 == 0 { e[i % e.len()] } else { rng.fr() }).collect();
                let mut out = Vec::new();
                hash_tuples(&inputs, arity, &mut out);
                let bytes: Vec<u8> = inputs.iter().flat_map(|x| x.to_be_bytes()).collect();
                let expect: Vec<Fr> =
                    hash_many_bytes_u64(&bytes, arity).unwrap().chunks(32).map(|h| Fr::from_be_bytes(h.try_into().unwrap()).unwrap()).collect();
                assert_eq!(out, expect, "arity {arity} count {count}");
            }
        }
    }

    #[test]
    fn hash_many_refusals() {
        let p = crate::uint::to_be_bytes(&crate::field::MODULUS);
        let one = Fr::ONE.to_be_bytes();
        for f in [hash_many_bytes, hash_many_bytes_u64] {
            assert_eq!(f(&one, 0), Err(HashManyError::ArityZero));
            assert_eq!(f(&one[..31], 1), Err(HashManyError::PartialTuple));
            assert_eq!(f(&[one, one, one].concat(), 2), Err(HashManyError::PartialTuple));
            assert_eq!(f(&[one, p].concat(), 2), Err(HashManyError::NotAFieldElement));
            assert_eq!(f(&[0xff; 32], 1), Err(HashManyError::NotAFieldElement));
            assert_eq!(f(&[], 3), Ok(vec![]));
            assert_eq!(f(&one, usize::MAX / 8), Err(HashManyError::PartialTuple));
        }
    }
}
