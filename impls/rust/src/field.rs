//! BN254 scalar field `Fr` (§1.1), Montgomery arithmetic over four 64-bit limbs.
//!
//! An `Fr` holds `a·R mod p` with `R = 2^256`, always fully reduced (`< p`), so equality of the
//! stored limbs is equality of field elements. Multiplication is the CIOS Montgomery product.

use crate::uint::{self, U256};
use core::fmt;
use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// p = 21888242871839275222246405745257275088548364400416034343698204186575808495617.
pub const MODULUS: U256 = [0x43e1f593f0000001, 0x2833e84879b97091, 0xb85045b68181585d, 0x30644e72e131a029];

/// `-p^{-1} mod 2^64`, derived at compile time (Newton iteration doubles the correct bits).
const INV: u64 = {
    let mut inv: u64 = 1;
    let mut i = 0;
    while i < 7 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(MODULUS[0].wrapping_mul(inv)));
        i += 1;
    }
    inv.wrapping_neg()
};

/// `2^k mod p` by repeated modular doubling (compile time only).
const fn pow2_mod_p(k: u32) -> U256 {
    let mut x: U256 = [1, 0, 0, 0];
    let mut i = 0;
    while i < k {
        // p < 2^254, so doubling a reduced value never leaves 256 bits.
        x = [x[0] << 1, (x[1] << 1) | (x[0] >> 63), (x[2] << 1) | (x[1] >> 63), (x[3] << 1) | (x[2] >> 63)];
        if geq(&x, &MODULUS) {
            x = sub_limbs(&x, &MODULUS).0;
        }
        i += 1;
    }
    x
}

/// R mod p (the Montgomery form of 1) and R^2 mod p (converts into Montgomery form).
const R: U256 = pow2_mod_p(256);
const R2: U256 = pow2_mod_p(512);

const fn geq(a: &U256, b: &U256) -> bool {
    let mut i = 4;
    while i > 0 {
        i -= 1;
        if a[i] != b[i] {
            return a[i] > b[i];
        }
    }
    true
}

const fn add_limbs(a: &U256, b: &U256) -> (U256, u64) {
    let mut out = [0u64; 4];
    let mut carry = 0u64;
    let mut i = 0;
    while i < 4 {
        let s = (a[i] as u128) + (b[i] as u128) + (carry as u128);
        out[i] = s as u64;
        carry = (s >> 64) as u64;
        i += 1;
    }
    (out, carry)
}

const fn sub_limbs(a: &U256, b: &U256) -> (U256, u64) {
    let mut out = [0u64; 4];
    let mut borrow = 0u64;
    let mut i = 0;
    while i < 4 {
        let (d1, b1) = a[i].overflowing_sub(b[i]);
        let (d2, b2) = d1.overflowing_sub(borrow);
        out[i] = d2;
        borrow = (b1 | b2) as u64;
        i += 1;
    }
    (out, borrow)
}

/// Montgomery product `a·b·R^{-1} mod p` (CIOS: interleaved multiply and reduce, one limb at a time).
#[inline(always)]
const fn mont_mul(a: &U256, b: &U256) -> U256 {
    let mut t = [0u64; 6];
    let mut i = 0;
    while i < 4 {
        // t += a·b[i]
        let mut carry = 0u64;
        let mut j = 0;
        while j < 4 {
            let s = (a[j] as u128) * (b[i] as u128) + (t[j] as u128) + (carry as u128);
            t[j] = s as u64;
            carry = (s >> 64) as u64;
            j += 1;
        }
        let s = (t[4] as u128) + (carry as u128);
        t[4] = s as u64;
        t[5] = (s >> 64) as u64;

        // t = (t + m·p) / 2^64 with m chosen so the low limb vanishes.
        let m = t[0].wrapping_mul(INV);
        let s = (m as u128) * (MODULUS[0] as u128) + (t[0] as u128);
        let mut carry = (s >> 64) as u64;
        let mut j = 1;
        while j < 4 {
            let s = (m as u128) * (MODULUS[j] as u128) + (t[j] as u128) + (carry as u128);
            t[j - 1] = s as u64;
            carry = (s >> 64) as u64;
            j += 1;
        }
        let s = (t[4] as u128) + (carry as u128);
        t[3] = s as u64;
        t[4] = t[5] + ((s >> 64) as u64);
        i += 1;
    }
    let r = [t[0], t[1], t[2], t[3]];
    if t[4] != 0 || geq(&r, &MODULUS) {
        sub_limbs(&r, &MODULUS).0
    } else {
        r
    }
}

/// An element of the BN254 scalar field.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Fr(U256);

impl Fr {
    pub const ZERO: Fr = Fr([0; 4]);
    pub const ONE: Fr = Fr(R);

    /// The element with canonical integer value `x`, or `None` if `x >= p`.
    pub const fn from_canonical(x: &U256) -> Option<Fr> {
        if geq(x, &MODULUS) {
            None
        } else {
            Some(Fr(mont_mul(x, &R2)))
        }
    }

    pub const fn from_u64(v: u64) -> Fr {
        Fr(mont_mul(&[v, 0, 0, 0], &R2))
    }

    pub const fn from_u128(v: u128) -> Fr {
        Fr(mont_mul(&[v as u64, (v >> 64) as u64, 0, 0], &R2))
    }

    /// 32 big-endian bytes; `None` if the integer is `>= p` (no silent reduction).
    pub fn from_be_bytes(b: &[u8; 32]) -> Option<Fr> {
        Fr::from_canonical(&uint::from_be_bytes(b))
    }

    /// The canonical integer in `[0, p)`.
    pub fn to_canonical(&self) -> U256 {
        mont_mul(&self.0, &[1, 0, 0, 0])
    }

    pub fn to_be_bytes(&self) -> [u8; 32] {
        uint::to_be_bytes(&self.to_canonical())
    }

    /// The stored Montgomery limbs `a·2^256 mod p` (for other representations of the field).
    pub(crate) const fn mont_limbs(&self) -> &U256 {
        &self.0
    }

    /// The element whose Montgomery limbs are `m` (must be `< p`).
    pub(crate) const fn from_mont_limbs(m: U256) -> Fr {
        Fr(m)
    }

    pub fn is_zero(&self) -> bool {
        self.0 == [0; 4]
    }

    pub fn square(&self) -> Fr {
        Fr(mont_mul(&self.0, &self.0))
    }

    /// The Poseidon2 S-box `x^5`.
    #[inline(always)]
    pub fn pow5(&self) -> Fr {
        let x2 = self.square();
        let x4 = x2.square();
        x4 * *self
    }

    /// Parses `0x`-prefixed (or bare) hex of at most 64 digits; `None` if malformed or `>= p`.
    pub fn from_hex(s: &str) -> Option<Fr> {
        let digits = s.strip_prefix("0x").unwrap_or(s);
        if digits.is_empty() || digits.len() > 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        let padded = format!("{digits:0>64}");
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(padded.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Fr::from_be_bytes(&bytes)
    }

    /// `0x` followed by 64 lowercase hex digits (the conformance vectors' spelling).
    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(66);
        s.push_str("0x");
        for b in self.to_be_bytes() {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

impl fmt::Debug for Fr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fr({})", self.to_hex())
    }
}

impl Add for Fr {
    type Output = Fr;
    #[inline(always)]
    fn add(self, rhs: Fr) -> Fr {
        // Both < p < 2^254: the sum has no carry out of 256 bits.
        let (s, _) = add_limbs(&self.0, &rhs.0);
        if geq(&s, &MODULUS) {
            Fr(sub_limbs(&s, &MODULUS).0)
        } else {
            Fr(s)
        }
    }
}

impl Sub for Fr {
    type Output = Fr;
    #[inline(always)]
    fn sub(self, rhs: Fr) -> Fr {
        let (d, borrow) = sub_limbs(&self.0, &rhs.0);
        if borrow != 0 {
            Fr(add_limbs(&d, &MODULUS).0)
        } else {
            Fr(d)
        }
    }
}

impl Neg for Fr {
    type Output = Fr;
    fn neg(self) -> Fr {
        Fr::ZERO - self
    }
}

impl Mul for Fr {
    type Output = Fr;
    #[inline(always)]
    fn mul(self, rhs: Fr) -> Fr {
        Fr(mont_mul(&self.0, &rhs.0))
    }
}

impl AddAssign for Fr {
    #[inline(always)]
    fn add_assign(&mut self, rhs: Fr) {
        *self = *self + rhs;
    }
}

impl SubAssign for Fr {
    fn sub_assign(&mut self, rhs: Fr) {
        *self = *self - rhs;
    }
}

impl MulAssign for Fr {
    fn mul_assign(&mut self, rhs: Fr) {
        *self = *self * rhs;
    }
}

impl core::iter::Sum for Fr {
    fn sum<I: Iterator<Item = Fr>>(iter: I) -> Fr {
        iter.fold(Fr::ZERO, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_consistent() {
        // INV·p ≡ -1 (mod 2^64)
        assert_eq!(MODULUS[0].wrapping_mul(INV), u64::MAX);
        assert_eq!(Fr::ONE.to_canonical(), [1, 0, 0, 0]);
        assert_eq!(Fr::from_u64(7).to_canonical(), [7, 0, 0, 0]);
    }

    #[test]
    fn arithmetic_identities() {
        let a = Fr::from_hex("0x2abef1a6766b87bb7ebc92f4b273f3e4cdc96d1bbfd10aac39f321af2dc5bec7").unwrap();
        let b = Fr::from_hex("0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593efffffff").unwrap();
        assert_eq!(a + b - b, a);
        assert_eq!(a * Fr::ONE, a);
        assert_eq!(b + Fr::from_u64(2), Fr::ZERO); // b = p - 2
        assert_eq!(-Fr::ONE, b + Fr::ONE);
        assert_eq!((a + b) * a, a * a + b * a);
        assert_eq!(a.pow5(), a * a * a * a * a);
        assert_eq!(
            Fr::from_u128(1u128 << 64) * Fr::from_u128(1u128 << 64),
            Fr::from_u128(1u128 << 127) * Fr::from_u64(2)
        );
    }

    #[test]
    fn bytes_and_range() {
        let p_bytes = uint::to_be_bytes(&MODULUS);
        assert!(Fr::from_be_bytes(&p_bytes).is_none());
        let mut pm1 = p_bytes;
        pm1[31] -= 1;
        let x = Fr::from_be_bytes(&pm1).unwrap();
        assert_eq!(x.to_be_bytes(), pm1);
        assert_eq!(x + Fr::ONE, Fr::ZERO);
        assert!(Fr::from_hex("0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001").is_none());
    }
}
