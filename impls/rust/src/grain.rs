//! Poseidon2 round constants, derived here (not copied) with the Grain LFSR procedure of the
//! Poseidon2 reference parameter script (HorizenLabs `poseidon2_rust_params.sage`): 80-bit LFSR
//! seeded with the parameters, 160 warm-up clocks, self-shrinking output (a pair `(1, b)` yields
//! `b`, a pair `(0, _)` yields nothing), 254-bit big-endian draws with rejection of values `>= p`.
//! Poseidon2 draws `R_F·t + R_P` constants; a partial round's single constant is followed by
//! `t - 1` zeros. The result is checked against spec §1.2 (`RC[0][0]`) and the bb.js vectors.

use crate::field::{Fr, MODULUS};
use crate::uint::{self, U256};

/// Parameters of the instance: `field=1` (prime field), `sbox=0` (x^alpha), n=254, t=4, R_F=8, R_P=56.
const FIELD: u64 = 1;
const SBOX: u64 = 0;
const FIELD_BITS: u32 = 254;
pub const T: usize = 4;
pub const ROUNDS_F: usize = 8;
pub const ROUNDS_P: usize = 56;

struct Grain {
    /// The 80 state bits, oldest first (index 0 is the next to drop).
    bits: [u8; 80],
}

impl Grain {
    fn new() -> Grain {
        let mut seed = Vec::with_capacity(80);
        let mut push = |value: u64, width: u32| {
            for i in (0..width).rev() {
                seed.push(((value >> i) & 1) as u8);
            }
        };
        push(FIELD, 2);
        push(SBOX, 4);
        push(FIELD_BITS as u64, 12);
        push(T as u64, 12);
        push(ROUNDS_F as u64, 10);
        push(ROUNDS_P as u64, 10);
        push((1u64 << 30) - 1, 30);
        let mut g = Grain { bits: [0; 80] };
        g.bits.copy_from_slice(&seed);
        for _ in 0..160 {
            g.clock();
        }
        g
    }

    /// One LFSR step: feedback taps 62, 51, 38, 23, 13, 0; returns the new bit.
    fn clock(&mut self) -> u8 {
        let b = &self.bits;
        let new = b[62] ^ b[51] ^ b[38] ^ b[23] ^ b[13] ^ b[0];
        self.bits.copy_within(1.., 0);
        self.bits[79] = new;
        new
    }

    /// Self-shrinking generator: draw pairs until the first bit is 1, output the second.
    fn next_bit(&mut self) -> u8 {
        loop {
            let select = self.clock();
            let value = self.clock();
            if select == 1 {
                return value;
            }
        }
    }

    fn draw(&mut self, nbits: u32) -> U256 {
        let mut x = uint::ZERO;
        for _ in 0..nbits {
            x = uint::shl(&x, 1);
            x[0] |= self.next_bit() as u64;
        }
        x
    }

    fn next_field_element(&mut self) -> Fr {
        loop {
            let x = self.draw(FIELD_BITS);
            if let Some(f) = Fr::from_canonical(&x) {
                debug_assert!(uint::cmp(&x, &MODULUS).is_lt());
                return f;
            }
        }
    }
}

/// The 64×4 table `RC` of §1.2 (rounds 0..3 full, 4..59 partial, 60..63 full).
pub fn round_constants() -> Vec<[Fr; T]> {
    let mut g = Grain::new();
    let half = ROUNDS_F / 2;
    let mut rc = Vec::with_capacity(ROUNDS_F + ROUNDS_P);
    for r in 0..ROUNDS_F + ROUNDS_P {
        let partial = r >= half && r < half + ROUNDS_P;
        let mut row = [Fr::ZERO; T];
        if partial {
            row[0] = g.next_field_element();
        } else {
            for c in row.iter_mut() {
                *c = g.next_field_element();
            }
        }
        rc.push(row);
    }
    rc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_constant_matches_spec() {
        let rc = round_constants();
        assert_eq!(rc.len(), 64);
        assert_eq!(rc[0][0].to_hex(), "0x19b849f69450b06848da1d39bd5e4a4302bb86744edc26238b0878e269ed23e5");
        assert!(!rc[63][3].is_zero());
        assert!(rc[4][1].is_zero() && rc[59][3].is_zero());
    }
}
