//! The blob sponge of §1.4: absorbs a checkpoint's blob fields one at a time.
//!
//! Unlike `poseidon2::hash`, the permutation is deferred: a full cache of 3 is only duplexed when
//! the next element arrives (or at squeeze), and the IV is a fixed domain constant, not a length.

use crate::field::Fr;
use crate::params::MAX_BLOB_FIELDS_AZTEC;
use crate::poseidon2::permute;

#[derive(Clone, Debug)]
pub struct BlobSponge {
    state: [Fr; 4],
    cache: Vec<Fr>,
}

impl Default for BlobSponge {
    fn default() -> Self {
        Self::new()
    }
}

impl BlobSponge {
    pub fn new() -> BlobSponge {
        let iv = Fr::from_u128((MAX_BLOB_FIELDS_AZTEC as u128) << 64);
        BlobSponge { state: [Fr::ZERO, Fr::ZERO, Fr::ZERO, iv], cache: Vec::with_capacity(3) }
    }

    fn duplex(&mut self) {
        for (lane, x) in self.state.iter_mut().zip(&self.cache) {
            *lane += *x;
        }
        permute(&mut self.state);
    }

    pub fn absorb(&mut self, f: Fr) {
        if self.cache.len() == 3 {
            self.duplex();
            self.cache.clear();
        }
        self.cache.push(f);
    }

    pub fn absorb_all(&mut self, fs: &[Fr]) {
        for f in fs {
            self.absorb(*f);
        }
    }

    /// Consumes the sponge; callers squeeze a clone so the running sponge is undisturbed.
    pub fn squeeze(mut self) -> Fr {
        self.duplex();
        self.state[0]
    }
}
