//! BN254 `Fr` arithmetic for WebAssembly: Montgomery form over eleven signed 24-bit limbs held
//! exactly in `f64`, two field elements per 128-bit vector (`f64x2`).
//!
//! Why: wasm32 has no 64×64→128-bit multiply, so every limb product of the 4×64-bit Montgomery
//! field of `field` is emulated (`__multi3`). A double holds any integer below 2^53 exactly, and
//! one `f64x2.mul` forms two exact 48-bit limb products; 9×29-bit limbs in `i64` (also measured)
//! are bound by the one scalar 64-bit multiplier. This module is compiled and tested on every
//! target; only wasm32 with `simd128` *selects* it (`poseidon2::permute`,
//! `poseidon2::hash_many_bytes`). With `simd128` (set by `build-wasm.sh`) a pair is one `v128`,
//! elsewhere `[f64; 2]`; the results are bit-identical either way since every operation is exact.
//!
//! Representation. A pair of elements is `[F2; 11]`; limb `k` of a lane is an integer `x_k` of any
//! sign and the lane's value is `v = Σ x_k·2^(24k)`. An element `a` is represented by any
//! `v ≡ a·2^264 (mod p)` (Montgomery form, `R = 2^264`), not necessarily reduced. *Normalized*
//! means `|x_k| <= 2^23 + 64` for `k < 10` (limb 10 takes the rest, `|x_10| <= |v|/2^240 + 1`).
//!
//! Exactness (the only failure mode is a sum above 2^53, which would round):
//! - `mul`/`sqr` (CIOS Montgomery, digits `m` in [-2^23, 2^23], `p`'s balanced digits
//!   `|p_j| <= 2^23`): an accumulator holds at most 11 products `a_i·b_j`, 10 products `m·p_j` and
//!   a carry below 2^30, so inputs with `max|a_i|·max|b_j| <= 2^49.3` are exact (`1.5·2^24 + 256`
//!   squared is 2^49.17). Value: `|out| <= |a|·|b|/2^264 + p/2·(1 + 2^-23)`, and `p/2^264 < 2^-10.4`,
//!   so inputs below `25p` give `|out| < p`. Output normalized.
//! - `cmul` (by a constant, through its table of `c·2^(24k) mod p`): a column is 11 products of
//!   at most `X·2^23`, and the quotient correction adds at most as much again, so input limbs
//!   `|x_k| <= X = 2^25` are exact whatever the input's *value*. Output normalized, `|v| <=
//!   p/2·(1 + 2^-19)`. `cmul_add` adds a small term (limbs `<= 2^26`, value `<= 2^10·p`) before
//!   the correction, within the same bounds.
//! - `reduce`: subtracts `round(v/p)·p` (the quotient estimated in `f64` from the top three limbs;
//!   its error is below 2^-19) and normalizes; exact while `max|x_k| + 2^23·|v|/p < 2^52`.
//! - `norm`/`norm2`: carry passes; `round(t)` is `(t + 1.5·2^76) - 1.5·2^76`, exact for `|t| < 2^75`.
//!   Wasm forbids fused multiply-add contraction and reassociation, so the engine computes exactly
//!   these IEEE operations.
//!
//! The tests at the bottom check every function against `Fr` on random and edge values, and with
//! limbs at the extremes of these bounds.
//!
//! Shape of the code (measured in V8, Node 20): loops are unrolled with constant indices so the
//! arrays live in wasm locals; `mul`, `sqr` and `cmul` are separate functions (inlining them into
//! the permutation made it a third slower: code size); `mul`/`sqr` end with one sequential carry
//! pass, `reduce` with two parallel ones (each measured faster in its place). The S-box `pow5` is
//! one function (two squares and a product: fewer calls, no intermediate through memory, ~3%
//! faster). Results are built fresh, not from a copy of an input: LLVM emits such a copy of a
//! pair (176 bytes) as `memory.copy`, which V8 runs as a call.

use crate::field::{Fr, MODULUS};
use crate::uint::U256;
use core::ops::{Add, Mul, Sub};

/// Repeats `$body` with `$i` bound to each constant of the range (the ranges used below). Every
/// array index becomes a constant, so the arrays stay in wasm locals (registers) rather than
/// linear memory.
macro_rules! unroll {
    ($i:ident in 0..2 => $body:block) => { unroll!(@each $i, $body, 0 1) };
    ($i:ident in 0..10 => $body:block) => { unroll!(@each $i, $body, 0 1 2 3 4 5 6 7 8 9) };
    ($i:ident in 0..11 => $body:block) => { unroll!(@each $i, $body, 0 1 2 3 4 5 6 7 8 9 10) };
    ($i:ident in 1..11 => $body:block) => { unroll!(@each $i, $body, 1 2 3 4 5 6 7 8 9 10) };
    ($i:ident in 2..11 => $body:block) => { unroll!(@each $i, $body, 2 3 4 5 6 7 8 9 10) };
    (@each $i:ident, $body:block, $($k:literal)*) => {
        $(
            {
                #[allow(non_upper_case_globals)]
                const $i: usize = $k;
                $body
            }
        )*
    };
}

/// Limbs per element and bits per limb (`R = 2^264`).
pub const N: usize = 11;
const W: u32 = 24;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use core::arch::wasm32::*;

    /// Two doubles, one per lane (`v128` as `f64x2`).
    #[derive(Clone, Copy)]
    pub struct F2(v128);

    impl F2 {
        pub const ZERO: F2 = F2(f64x2(0.0, 0.0));
        #[inline(always)]
        pub const fn new(a: f64, b: f64) -> F2 {
            F2(f64x2(a, b))
        }
        #[inline(always)]
        pub fn lanes(self) -> [f64; 2] {
            [f64x2_extract_lane::<0>(self.0), f64x2_extract_lane::<1>(self.0)]
        }
        /// `(self.0, self.0)`
        #[inline(always)]
        pub fn dup0(self) -> F2 {
            F2(i64x2_shuffle::<0, 0>(self.0, self.0))
        }
        /// `(self.1, self.0)`
        #[inline(always)]
        pub fn swap(self) -> F2 {
            F2(i64x2_shuffle::<1, 0>(self.0, self.0))
        }
        /// `(self.0, o.1)`
        #[inline(always)]
        pub fn blend(self, o: F2) -> F2 {
            F2(i64x2_shuffle::<0, 3>(self.0, o.0))
        }
        /// `(self.0, o.0)`
        #[inline(always)]
        pub fn lo(self, o: F2) -> F2 {
            F2(i64x2_shuffle::<0, 2>(self.0, o.0))
        }
        /// `(self.1, o.1)`
        #[inline(always)]
        pub fn hi(self, o: F2) -> F2 {
            F2(i64x2_shuffle::<1, 3>(self.0, o.0))
        }
    }

    impl core::ops::Add for F2 {
        type Output = F2;
        #[inline(always)]
        fn add(self, o: F2) -> F2 {
            F2(f64x2_add(self.0, o.0))
        }
    }

    impl core::ops::Sub for F2 {
        type Output = F2;
        #[inline(always)]
        fn sub(self, o: F2) -> F2 {
            F2(f64x2_sub(self.0, o.0))
        }
    }

    impl core::ops::Mul for F2 {
        type Output = F2;
        #[inline(always)]
        fn mul(self, o: F2) -> F2 {
            F2(f64x2_mul(self.0, o.0))
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes {
    /// Two doubles, one per lane (portable form; same results as the `simd128` one).
    #[derive(Clone, Copy)]
    pub struct F2([f64; 2]);

    impl F2 {
        pub const ZERO: F2 = F2([0.0, 0.0]);
        #[inline(always)]
        pub const fn new(a: f64, b: f64) -> F2 {
            F2([a, b])
        }
        #[inline(always)]
        pub fn lanes(self) -> [f64; 2] {
            self.0
        }
        #[inline(always)]
        pub fn dup0(self) -> F2 {
            F2([self.0[0], self.0[0]])
        }
        #[inline(always)]
        pub fn swap(self) -> F2 {
            F2([self.0[1], self.0[0]])
        }
        #[inline(always)]
        pub fn blend(self, o: F2) -> F2 {
            F2([self.0[0], o.0[1]])
        }
        #[inline(always)]
        pub fn lo(self, o: F2) -> F2 {
            F2([self.0[0], o.0[0]])
        }
        #[inline(always)]
        pub fn hi(self, o: F2) -> F2 {
            F2([self.0[1], o.0[1]])
        }
    }

    impl core::ops::Add for F2 {
        type Output = F2;
        #[inline(always)]
        fn add(self, o: F2) -> F2 {
            F2([self.0[0] + o.0[0], self.0[1] + o.0[1]])
        }
    }

    impl core::ops::Sub for F2 {
        type Output = F2;
        #[inline(always)]
        fn sub(self, o: F2) -> F2 {
            F2([self.0[0] - o.0[0], self.0[1] - o.0[1]])
        }
    }

    impl core::ops::Mul for F2 {
        type Output = F2;
        #[inline(always)]
        fn mul(self, o: F2) -> F2 {
            F2([self.0[0] * o.0[0], self.0[1] * o.0[1]])
        }
    }
}
pub use lanes::F2;

impl F2 {
    #[inline(always)]
    pub const fn splat(a: f64) -> F2 {
        F2::new(a, a)
    }
}

/// A pair of elements: limb `k` of both lanes in `[k]`.
pub type Pair = [F2; N];
/// The limbs of one element.
pub type Limbs = [f64; N];

/// Balanced base-2^24 digits of `x < 2^256`: `|d_k| <= 2^23` for `k < 10`.
pub const fn digits(x: &U256) -> Limbs {
    let mut d = [0i64; N];
    let mut i = 0;
    while i < N {
        let bit = i as u32 * W;
        let (w, s) = ((bit / 64) as usize, bit % 64);
        let mut v = x[w] >> s;
        if s + W > 64 && w + 1 < 4 {
            v |= x[w + 1] << (64 - s);
        }
        d[i] += (v & ((1 << W) - 1)) as i64;
        if i + 1 < N && d[i] > 1 << (W - 1) {
            d[i] -= 1 << W;
            d[i + 1] += 1;
        }
        i += 1;
    }
    let mut out = [0f64; N];
    let mut i = 0;
    while i < N {
        out[i] = d[i] as f64;
        i += 1;
    }
    out
}

/// `p` in balanced digits; `PB[0] = 1` because `p ≡ 1 (mod 2^28)`.
const PB: Limbs = digits(&MODULUS);
const PB2: [F2; N] = {
    let mut r = [F2::ZERO; N];
    let mut j = 0;
    while j < N {
        r[j] = F2::splat(PB[j]);
        j += 1;
    }
    r
};

/// `(t + C) - C` rounds `t` to the nearest multiple of 2^24 (`|t| < 2^75`).
const ROUND24: f64 = 1.5 * (1u128 << 76) as f64;
/// `(t + C) - C` rounds `t` to the nearest integer (`|t| < 2^51`).
const ROUND1: f64 = 1.5 * (1u64 << 52) as f64;
const INV_B: f64 = 1.0 / (1u64 << W) as f64;
/// 2^240/p, 2^216/p, 2^192/p (approximate; used only to estimate a quotient).
const P_F64: f64 = 21888242871839275222246405745257275088548364400416034343698204186575808495617.0;
const TWO120: f64 = (1u128 << 120) as f64;
const C10: f64 = TWO120 * TWO120 / P_F64;
const C9: f64 = C10 * INV_B;
const C8: f64 = C9 * INV_B;

#[inline(always)]
fn round24(t: F2) -> F2 {
    t.add(F2::splat(ROUND24)).sub(F2::splat(ROUND24))
}

/// Montgomery product of two pairs, lane by lane: `a·b·2^-264 (mod p)`, normalized. Preconditions
/// and bounds: module documentation. Operand scanning with the reduction interleaved (CIOS); the
/// next row's products are merged into the current row's shift.
#[inline(never)]
pub fn mul(a: &Pair, b: &Pair) -> Pair {
    mul_body(a, b)
}

/// The S-box in Montgomery form (`v⁵·2^-1056` for limbs of value `v`, i.e. `(aR)⁵/R⁴ = a⁵R`):
/// two squares and a product in one function (one call instead of three, the intermediates never
/// leave it: ~3% less CPU per permutation in V8 than calling `sqr`, `sqr`, `mul`). Input as for
/// `mul` (limbs `<= 1.5·2^24 + 256`, value below `25p`); output normalized, `|v| < p`.
#[inline(never)]
pub fn pow5(x: &Pair) -> Pair {
    let x2 = sqr_body(x);
    let x4 = sqr_body(&x2);
    mul_body(&x4, x)
}

#[inline(always)]
fn mul_body(a: &Pair, b: &Pair) -> Pair {
    let mut s = [F2::ZERO; N];
    unroll!(j in 0..11 => {
        s[j] = a[0].mul(b[j]);
    });
    unroll!(i in 0..11 => {
        let q = round24(s[0]);
        let m = s[0].sub(q); // s_0 - m·p_0 = q ≡ 0 (mod 2^24)
        let c = q.mul(F2::splat(INV_B));
        let mut n = [F2::ZERO; N];
        unroll!(j in 1..11 => {
            let mut v = s[j];
            if i < 10 {
                v = v.add(a[(i + 1) % N].mul(b[j - 1]));
            }
            if j == 1 {
                v = v.add(c);
            }
            n[j - 1] = v.sub(m.mul(PB2[j]));
        });
        if i < 10 {
            n[10] = a[(i + 1) % N].mul(b[10]);
        }
        s = n;
    });
    norm(&s)
}

/// Montgomery square of a pair: as `mul(a, a)` with the symmetric products formed once
/// (row `u` adds `a_u²` and `2a_u·a_v` for `v > u`: 66 products instead of 121).
#[inline(never)]
pub fn sqr(a: &Pair) -> Pair {
    sqr_body(a)
}

#[inline(always)]
fn sqr_body(a: &Pair) -> Pair {
    let mut s = [F2::ZERO; N];
    let d0 = a[0].add(a[0]);
    s[0] = a[0].mul(a[0]);
    unroll!(j in 1..11 => {
        s[j] = d0.mul(a[j]);
    });
    unroll!(i in 0..11 => {
        let q = round24(s[0]);
        let m = s[0].sub(q);
        let c = q.mul(F2::splat(INV_B));
        let mut n = [F2::ZERO; N];
        unroll!(j in 1..11 => {
            let mut v = s[j];
            if j == 1 {
                v = v.add(c);
            }
            n[j - 1] = v.sub(m.mul(PB2[j]));
        });
        if i < 10 {
            let u = (i + 1) % N;
            let du = a[u].add(a[u]);
            n[u] = n[u].add(a[u].mul(a[u]));
            unroll!(v in 1..11 => {
                if v > u {
                    n[v] = n[v].add(du.mul(a[v]));
                }
            });
        }
        s = n;
    });
    norm(&s)
}

/// Sequential carry pass: limbs 0..9 into [-2^23, 2^23], limb 10 takes the rest.
#[inline(always)]
pub fn norm(a: &Pair) -> Pair {
    let mut r = *a;
    unroll!(k in 0..10 => {
        let q = round24(r[k]);
        r[k] = r[k].sub(q);
        r[k + 1] = r[k + 1].add(q.mul(F2::splat(INV_B)));
    });
    r
}

/// Two parallel carry passes (shorter dependency chains than `norm`): limbs below 2^52 end in
/// [-2^23 - 33, 2^23 + 33] for limbs 0..9; limb 10 takes the rest.
#[inline(always)]
pub fn norm2(a: &Pair) -> Pair {
    let mut r = *a;
    unroll!(_pass in 0..2 => {
        let mut q = [F2::ZERO; N];
        unroll!(k in 0..10 => {
            q[k] = round24(r[k]);
            r[k] = r[k].sub(q[k]);
        });
        unroll!(k in 1..11 => {
            r[k] = r[k].add(q[k - 1].mul(F2::splat(INV_B)));
        });
    });
    r
}

/// `v - round(v/p)·p`, normalized: `|v| <= p/2·(1 + 2^-19)`. Exact when `max|l_k| + 2^23·|v|/p`
/// stays below 2^52 (the quotient correction adds at most `|q|·2^23` to a limb).
#[inline(always)]
pub fn reduce(l: &Pair) -> Pair {
    norm2(&correct(l))
}

/// The quotient correction of `reduce`, without the carries.
#[inline(always)]
fn correct(l: &Pair) -> Pair {
    let est = l[10].mul(F2::splat(C10)).add(l[9].mul(F2::splat(C9))).add(l[8].mul(F2::splat(C8)));
    let q = est.add(F2::splat(ROUND1)).sub(F2::splat(ROUND1));
    let mut r = *l;
    unroll!(k in 0..11 => {
        r[k] = r[k].sub(q.mul(PB2[k]));
    });
    r
}

/// Limb-wise sum (no carries).
#[inline(always)]
pub fn add(a: &Pair, b: &Pair) -> Pair {
    // Built fresh rather than from a copy of `a`: LLVM emits the copy as `memory.copy`, a call in V8.
    let mut r = [F2::ZERO; N];
    unroll!(k in 0..11 => {
        r[k] = a[k].add(b[k]);
    });
    r
}

/// Multiplication by a constant `c`: row `k` holds the digits of `c·2^(24k) mod p` (both lanes).
pub struct Table([[F2; N]; N]);

impl Table {
    /// The table of `c` (an element, not a Montgomery form: `cmul(x, &Table::new(c))` is `c·x`).
    pub fn new(c: &Fr) -> Box<Table> {
        let mut rows = Box::new(Table([[F2::ZERO; N]; N]));
        let two24 = Fr::from_u64(1 << W);
        let mut x = *c;
        for row in rows.0.iter_mut() {
            let d = digits(&x.to_canonical());
            for (t, v) in row.iter_mut().zip(d) {
                *t = F2::splat(v);
            }
            x *= two24;
        }
        rows
    }
}

static mut ORDERING_POINT: F2 = F2::ZERO;

/// A volatile store the engine must keep in program order. V8 issues all loads of a straight-line
/// block first otherwise (the 121 table entries then all wait in spill slots); an ordering point
/// every few columns keeps only the current column's entries live.
#[inline(always)]
fn ordering_point(v: F2) {
    // SAFETY: a plain store to a private static that nothing reads (wasm is single-threaded).
    unsafe { core::ptr::write_volatile(core::ptr::addr_of_mut!(ORDERING_POINT), v) }
}

#[inline(always)]
fn load(p: *const F2) -> F2 {
    // SAFETY: `p` points into a live `Table` (callers index within it).
    unsafe { core::ptr::read_volatile(p) }
}

/// `c·x (mod p)` for the constant of `t`, lane by lane: any input value, limbs `|x_k| <= 2^25`;
/// output normalized with `|v| <= p/2·(1 + 2^-19)`. About half the work of a Montgomery product:
/// 121 products against the table, then one quotient correction instead of 11 reduction rows.
#[inline(never)]
pub fn cmul(x: &Pair, t: &Table) -> Pair {
    reduce(&cmul_columns(x, t))
}

/// `c·x + y (mod p)`: `cmul` with `y` added before the quotient correction (one reduction for
/// both; Poseidon2's partial round `s_i·D_i + Σ`). `x` as for `cmul`; `y` with limbs `|y_k| <=
/// 2^26` and `|y| <= 2^10·p`, which moves the columns and the quotient by less than a 2^-25
/// fraction of their `cmul` bounds. Output as `cmul`'s.
#[inline(never)]
pub fn cmul_add(x: &Pair, t: &Table, y: &Pair) -> Pair {
    reduce(&add(&cmul_columns(x, t), y))
}

#[inline(always)]
fn cmul_columns(x: &Pair, t: &Table) -> Pair {
    let tp = t.0.as_ptr() as *const F2;
    let mut r = [F2::ZERO; N];
    // Each column sums its even and odd rows separately: two chains of additions half as long
    // (~2% less CPU per permutation in V8); the sums are exact in any order.
    unroll!(j in 0..11 => {
        let mut even = x[0].mul(load(tp.wrapping_add(j)));
        let mut odd = x[1].mul(load(tp.wrapping_add(N + j)));
        unroll!(k in 2..11 => {
            let term = x[k].mul(load(tp.wrapping_add(k * N + j)));
            if k % 2 == 0 {
                even = even.add(term);
            } else {
                odd = odd.add(term);
            }
            if k % 4 == 3 {
                ordering_point(odd);
            }
        });
        let acc = even.add(odd);
        r[j] = acc;
        ordering_point(acc);
    });
    r
}

/// Two elements' limbs as a pair.
pub fn pair(a: &Limbs, b: &Limbs) -> Pair {
    let mut r = [F2::ZERO; N];
    for (k, v) in r.iter_mut().enumerate() {
        *v = F2::new(a[k], b[k]);
    }
    r
}

/// The two lanes' limbs.
pub fn unpair(a: &Pair) -> [Limbs; 2] {
    let mut out = [[0.0; N]; 2];
    for (k, v) in a.iter().enumerate() {
        [out[0][k], out[1][k]] = v.lanes();
    }
    out
}

/// The integer in `[0, p)` congruent to the lane value `Σ x_k·2^(24k)`, for `|v| < 2^255`.
pub fn to_canonical(l: &Limbs) -> U256 {
    // Digits in [0, 2^24) with a signed carry (the carry out of limb 10 is a multiple of 2^264,
    // which vanishes modulo 2^256), then the digits packed into 64-bit words.
    let mut x = [0u64; 4];
    let mut c: i64 = 0;
    for (k, &limb) in l.iter().enumerate() {
        let t = limb as i64 + c; // exact: |limb| < 2^53
        let d = (t & ((1 << W) - 1)) as u64;
        c = t >> W;
        let bit = k as u32 * W;
        let (w, s) = ((bit / 64) as usize, bit % 64);
        if w < 4 {
            x[w] |= d << s;
            if s + W > 64 && w + 1 < 4 {
                x[w + 1] |= d >> (64 - s);
            }
        }
    }
    reduce_signed(x)
}

/// `x` is `v mod 2^256` for `|v| < 2^255`: returns `v mod p` in `[0, p)`.
fn reduce_signed(mut x: U256) -> U256 {
    let add = |a: &U256, b: &U256| -> U256 {
        let mut out = [0u64; 4];
        let mut c = 0u128;
        for i in 0..4 {
            let s = a[i] as u128 + b[i] as u128 + c;
            out[i] = s as u64;
            c = s >> 64;
        }
        out
    };
    while x[3] >> 63 == 1 {
        x = add(&x, &MODULUS);
    }
    while crate::uint::cmp(&x, &MODULUS) != core::cmp::Ordering::Less {
        let mut borrow = 0u64;
        for i in 0..4 {
            let (d1, b1) = x[i].overflowing_sub(MODULUS[i]);
            let (d2, b2) = d1.overflowing_sub(borrow);
            x[i] = d2;
            borrow = (b1 | b2) as u64;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uint;

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        /// A uniformly random-ish element below p.
        fn fr(&mut self) -> Fr {
            loop {
                let mut x = [self.next(), self.next(), self.next(), self.next()];
                x[3] >>= 2;
                if let Some(v) = Fr::from_canonical(&x) {
                    return v;
                }
            }
        }
    }

    fn pow2(k: u32) -> Fr {
        (0..k).fold(Fr::ONE, |x, _| x + x)
    }

    /// 2^-264
    fn rinv() -> Fr {
        let mut h = MODULUS;
        h[0] += 1;
        let half =
            Fr::from_canonical(&[0, 1, 2, 3].map(|i| (h[i] >> 1) | if i < 3 { h[i + 1] << 63 } else { 0 })).unwrap();
        (0..264).fold(Fr::ONE, |x, _| x * half)
    }

    /// The field value of arbitrary integer limbs (exact, through `Fr`).
    fn value(l: &Limbs) -> Fr {
        let mut acc = Fr::ZERO;
        let b = Fr::from_u64(1 << W);
        for &x in l.iter().rev() {
            assert_eq!(x, x.trunc(), "limb {x} is not an integer");
            assert!(x.abs() < 9007199254740992.0, "limb {x} is not exact");
            let m = Fr::from_u64(x.abs() as u64);
            acc = acc * b + if x < 0.0 { -m } else { m };
        }
        acc
    }

    fn limbs(x: &Fr) -> Limbs {
        digits(&x.to_canonical())
    }

    /// Limbs of an arbitrary signed integer of at most `bits` per limb pattern.
    fn extreme(rng: &mut Rng, magnitude: f64, pattern: u64) -> Limbs {
        let mut l = [0.0; N];
        for (k, x) in l.iter_mut().enumerate() {
            let sign = match pattern {
                0 => 1.0,
                1 => -1.0,
                2 => {
                    if k % 2 == 0 {
                        1.0
                    } else {
                        -1.0
                    }
                }
                _ => {
                    if rng.next() & 1 == 0 {
                        1.0
                    } else {
                        -1.0
                    }
                }
            };
            let m = if pattern < 3 { magnitude } else { magnitude - rng.below(1 << 20) as f64 };
            *x = sign * m;
        }
        // keep the top limb within the value bounds the callers promise (a few times p)
        l[N - 1] = l[N - 1].signum() * 4096.0;
        l
    }

    /// Top-limb bounds of normalized limbs for |v| <= p/2·(1 + 2^-19) and |v| < p: p/2^241, p/2^240.
    const HALF_P_TOP: f64 = 6195.0;
    const P_TOP: f64 = 12389.0;

    fn assert_normalized(l: &Limbs, top: f64) {
        for (k, &x) in l.iter().enumerate() {
            let bound = if k < N - 1 { 8388608.0 + 64.0 } else { top };
            assert!(x.abs() <= bound, "limb {k} = {x} above {bound}");
        }
    }

    fn edge_values() -> Vec<Fr> {
        let p_minus = |k: u64| -Fr::from_u64(k);
        let mut v = vec![Fr::ZERO, Fr::ONE, Fr::from_u64(2), p_minus(1), p_minus(2), p_minus(1 << 24)];
        // (p - 1)/2 and (p + 1)/2
        let half = (-Fr::ONE)
            * Fr::from_canonical(&{
                let mut h = MODULUS;
                h[0] += 1;
                [0, 1, 2, 3].map(|i| (h[i] >> 1) | if i < 3 { h[i + 1] << 63 } else { 0 })
            })
            .unwrap();
        v.push(half);
        v.push(half + Fr::ONE);
        // powers of two up to 2^253 (the largest below p), and 2^253 - 1
        for k in [23, 24, 47, 48, 128, 239, 240, 252, 253] {
            v.push(pow2(k));
            v.push(pow2(k) - Fr::ONE);
        }
        // all-ones digit patterns
        v.push(Fr::from_canonical(&[u64::MAX, u64::MAX, u64::MAX, (1 << 61) - 1]).unwrap());
        v
    }

    #[test]
    fn digits_round_trip() {
        let mut rng = Rng(11);
        let values: Vec<Fr> = edge_values().into_iter().chain((0..300).map(|_| rng.fr())).collect();
        for x in values {
            let l = limbs(&x);
            assert_normalized(&l, 2.0f64.powi(14));
            assert_eq!(to_canonical(&l), x.to_canonical());
            assert_eq!(value(&l), x);
            // negative representatives: v - p and v - 2p
            let mut neg = l;
            for (n, p) in neg.iter_mut().zip(PB) {
                *n -= 2.0 * p;
            }
            assert_eq!(to_canonical(&neg), x.to_canonical());
        }
        // integers at or above p (2^254 - 1, p, p + 1) reduce
        assert_eq!(to_canonical(&digits(&MODULUS)), [0; 4]);
        assert_eq!(to_canonical(&digits(&[u64::MAX, u64::MAX, u64::MAX, u64::MAX >> 2])), {
            (Fr::from_canonical(&[u64::MAX, u64::MAX, u64::MAX, u64::MAX >> 3]).unwrap() + pow2(253)).to_canonical()
        });
    }

    #[test]
    fn products_match_fr() {
        // Montgomery form: element a is a·2^264; mul(aR, bR) = abR.
        let r = pow2(264);
        let rinv = rinv();
        assert_eq!(r * rinv, Fr::ONE);
        let mut rng = Rng(5);
        let mut values = edge_values();
        values.extend((0..200).map(|_| rng.fr()));
        for (i, &a) in values.iter().enumerate() {
            let b = values[(i * 7 + 3) % values.len()];
            let c = values[(i * 13 + 1) % values.len()];
            let d = values[(i * 5 + 2) % values.len()];
            let (ma, mb, mc, md) = (limbs(&(a * r)), limbs(&(b * r)), limbs(&(c * r)), limbs(&(d * r)));
            let [x, y] = unpair(&mul(&pair(&ma, &mc), &pair(&mb, &md)));
            assert_eq!(value(&x), a * b * r);
            assert_eq!(value(&y), c * d * r);
            assert_normalized(&x, P_TOP);
            let [x, y] = unpair(&sqr(&pair(&ma, &mc)));
            assert_eq!(value(&x), a * a * r);
            assert_eq!(value(&y), c * c * r);
            assert_normalized(&y, P_TOP);
            let [x, y] = unpair(&pow5(&pair(&ma, &mc)));
            assert_eq!(value(&x), a.pow5() * r);
            assert_eq!(value(&y), c.pow5() * r);
            assert_normalized(&x, P_TOP);
            // constant multiplication (plain, not Montgomery: c·x)
            let t = Table::new(&b);
            let [x, y] = unpair(&cmul(&pair(&limbs(&a), &limbs(&c)), &t));
            assert_eq!(value(&x), a * b);
            assert_eq!(value(&y), c * b);
            assert_normalized(&x, HALF_P_TOP);
            assert_eq!(to_canonical(&x), (a * b).to_canonical());
            let [x, y] = unpair(&cmul_add(&pair(&limbs(&a), &limbs(&c)), &t, &pair(&limbs(&d), &limbs(&a))));
            assert_eq!(value(&x), a * b + d);
            assert_eq!(value(&y), c * b + a);
            assert_normalized(&y, HALF_P_TOP);
        }
    }

    #[test]
    fn extreme_limbs_stay_exact() {
        // mul/sqr: limbs up to 1.5·2^24 + 256 on both sides (the documented bound), every sign
        // pattern; cmul: limbs up to 2^25; reduce: limbs up to 2^48 and values up to 2^40·p.
        let rinv = rinv();
        let mut rng = Rng(99);
        let bound = 1.5 * 16777216.0 + 256.0;
        for pattern in 0..40 {
            let a = extreme(&mut rng, bound, pattern);
            let b = extreme(&mut rng, bound, pattern / 2);
            let [x, y] = unpair(&mul(&pair(&a, &b), &pair(&b, &a)));
            assert_eq!(value(&x), value(&a) * value(&b) * rinv);
            assert_eq!(value(&y), value(&a) * value(&b) * rinv);
            assert_normalized(&x, P_TOP);
            let [x, y] = unpair(&sqr(&pair(&a, &b)));
            assert_eq!(value(&x), value(&a) * value(&a) * rinv);
            assert_eq!(value(&y), value(&b) * value(&b) * rinv);
            // x⁵ in Montgomery form: (xR)⁵/R⁴, so the raw limbs' value v gives v⁵·R^-4
            let [x, y] = unpair(&pow5(&pair(&a, &b)));
            assert_eq!(value(&x), value(&a).pow5() * rinv * rinv * rinv * rinv);
            assert_eq!(value(&y), value(&b).pow5() * rinv * rinv * rinv * rinv);
            assert_normalized(&x, P_TOP);

            let big = extreme(&mut rng, 33554432.0, pattern);
            let mut big = big;
            big[N - 1] = (rng.below(1 << 25) as f64) * if pattern % 2 == 0 { 1.0 } else { -1.0 };
            let k = Fr::from_canonical(&[rng.next(), rng.next(), rng.next(), rng.next() >> 3]).unwrap();
            let [x, _] = unpair(&cmul(&pair(&big, &big), &Table::new(&k)));
            assert_eq!(value(&x), value(&big) * k);
            assert_normalized(&x, HALF_P_TOP);
            // cmul_add: the same x with an addend at its bounds (limbs 2^26, value about 2^10·p)
            let mut y = extreme(&mut rng, 67108864.0, pattern / 3);
            y[N - 1] = 16777216.0 * if pattern % 3 == 0 { 1.0 } else { -1.0 };
            let [x, _] = unpair(&cmul_add(&pair(&big, &big), &Table::new(&k), &pair(&y, &y)));
            assert_eq!(value(&x), value(&big) * k + value(&y));
            assert_normalized(&x, HALF_P_TOP);

            let mut wide = extreme(&mut rng, 2.0f64.powi(48), pattern);
            wide[N - 1] = 2.0f64.powi(40) * if pattern % 2 == 0 { 1.0 } else { -1.0 };
            let [x, _] = unpair(&reduce(&pair(&wide, &wide)));
            assert_eq!(value(&x), value(&wide));
            assert_normalized(&x, HALF_P_TOP);
        }
    }

    #[test]
    fn carries() {
        let mut rng = Rng(3);
        for _ in 0..200 {
            let mut l = [0.0; N];
            for x in l.iter_mut() {
                *x = (rng.next() >> 12) as f64 - 2.0f64.powi(51);
            }
            let p = pair(&l, &l);
            let [a, _] = unpair(&norm(&p));
            let [b, _] = unpair(&norm2(&p));
            assert_eq!(value(&a), value(&l));
            assert_eq!(value(&b), value(&l));
            assert_normalized(&a, f64::MAX);
            assert_normalized(&b, f64::MAX);
            assert_eq!(uint::cmp(&to_canonical(&a), &MODULUS), core::cmp::Ordering::Less);
        }
    }
}
