//! difftower-stf-rust: an independent implementation of the difftower rollup state-transition
//! function, written from `spec/STF.md` (difftower-stf/1, Aztec 4.1.2 semantics).
//!
//! Layers, bottom up: `uint`/`field` (BN254 Fr), `grain`/`poseidon2` (hash), `sponge` (blob
//! sponge), `tree`/`indexed_tree` (Merkle trees), `header`, `blob` (field encoding), `validate`
//! (static and sequencing rules), `stf` (the transition), `msgpack`/`codec` (canonical bytes).

#[macro_use]
mod fault;

pub mod blob;
pub mod codec;
pub mod error;
pub mod field;
pub mod field_f64;
pub mod grain;
pub mod header;
pub mod indexed_tree;
pub mod model;
pub mod msgpack;
pub mod params;
pub mod poseidon2;
pub mod poseidon2_f64;
pub mod protocol;
pub mod sponge;
pub mod stf;
pub mod tree;
pub mod uint;
pub mod validate;

pub use error::{ErrorCode, Rejection};
pub use field::Fr;
pub use params::Profile;
pub use stf::{Accepted, Chain, Outcome};
