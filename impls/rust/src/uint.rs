//! 256-bit unsigned integers as four little-endian 64-bit limbs.
//!
//! Used for the *integer* view of field elements: comparisons of keys and slots (§2.2), and the
//! bit-packed blob markers of §6.1, which are read and written as integers, not field values.

use core::cmp::Ordering;

/// Little-endian limbs: `x = l[0] + l[1]·2^64 + l[2]·2^128 + l[3]·2^192`.
pub type U256 = [u64; 4];

pub const ZERO: U256 = [0; 4];

pub fn from_be_bytes(b: &[u8; 32]) -> U256 {
    let mut out = [0u64; 4];
    for (i, limb) in out.iter_mut().enumerate() {
        let start = 32 - 8 * (i + 1);
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[start..start + 8]);
        *limb = u64::from_be_bytes(w);
    }
    out
}

pub fn to_be_bytes(x: &U256) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, limb) in x.iter().enumerate() {
        let start = 32 - 8 * (i + 1);
        out[start..start + 8].copy_from_slice(&limb.to_be_bytes());
    }
    out
}

pub fn cmp(a: &U256, b: &U256) -> Ordering {
    for i in (0..4).rev() {
        match a[i].cmp(&b[i]) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    Ordering::Equal
}

pub fn from_u64(v: u64) -> U256 {
    [v, 0, 0, 0]
}

/// `x >> n` for any `n` (bits shifted out are lost, `n >= 256` gives 0).
pub fn shr(x: &U256, n: u32) -> U256 {
    if n >= 256 {
        return ZERO;
    }
    let limbs = (n / 64) as usize;
    let bits = n % 64;
    let mut out = [0u64; 4];
    for i in 0..4 - limbs {
        let lo = x[i + limbs] >> bits;
        let hi = if bits > 0 && i + limbs + 1 < 4 { x[i + limbs + 1] << (64 - bits) } else { 0 };
        out[i] = lo | hi;
    }
    out
}

/// `x << n` truncated to 256 bits.
pub fn shl(x: &U256, n: u32) -> U256 {
    if n >= 256 {
        return ZERO;
    }
    let limbs = (n / 64) as usize;
    let bits = n % 64;
    let mut out = [0u64; 4];
    for i in limbs..4 {
        let lo = x[i - limbs] << bits;
        let hi = if bits > 0 && i > limbs { x[i - limbs - 1] >> (64 - bits) } else { 0 };
        out[i] = lo | hi;
    }
    out
}

/// The `width`-bit integer (width <= 64) at bit offset `shift` of `x`.
pub fn bits(x: &U256, shift: u32, width: u32) -> u64 {
    debug_assert!(width <= 64);
    let v = shr(x, shift)[0];
    if width == 64 {
        v
    } else {
        v & ((1u64 << width) - 1)
    }
}

/// `Some(x)` if `x` fits in a u64.
pub fn to_u64(x: &U256) -> Option<u64> {
    if x[1] == 0 && x[2] == 0 && x[3] == 0 {
        Some(x[0])
    } else {
        None
    }
}

/// Packs integers most significant first: each `push` shifts what is there left by `width`.
#[derive(Default)]
pub struct Packer {
    acc: U256,
}

impl Packer {
    pub fn new() -> Self {
        Packer { acc: ZERO }
    }

    pub fn push(mut self, value: u64, width: u32) -> Self {
        debug_assert!(width == 64 || value < (1u64 << width), "value {value} wider than {width} bits");
        let masked = if width == 64 { value } else { value & ((1u64 << width) - 1) };
        self.acc = shl(&self.acc, width);
        self.acc[0] |= masked;
        self
    }

    pub fn finish(self) -> U256 {
        self.acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_round_trip() {
        let x: U256 = [0x0123456789abcdef, 0xfedcba9876543210, 0x1111222233334444, 0x0055667788990011];
        for n in [0u32, 1, 17, 63, 64, 65, 100, 128, 190, 255] {
            let y = shl(&shr(&x, n), n);
            let mask_low = shl(&shr(&[u64::MAX; 4], n), n);
            let want = [x[0] & mask_low[0], x[1] & mask_low[1], x[2] & mask_low[2], x[3] & mask_low[3]];
            assert_eq!(y, want, "n = {n}");
        }
        assert_eq!(bits(&x, 4, 8), 0xde);
        assert_eq!(bits(&x, 60, 8), 0x00);
        assert_eq!(bits(&x, 56, 16), 0x1001);
    }

    #[test]
    fn packer_matches_manual() {
        let v = Packer::new().push(0xab, 8).push(0x1234, 16).push(u64::MAX, 64).finish();
        assert_eq!(v, [u64::MAX, 0xab1234, 0, 0]);
    }
}
