//! Indexed Merkle trees (§2.2): nullifier tree and public-data tree.
//!
//! Leaf preimages are kept by position next to a `MerkleTree` of their node values, and an ordered
//! map key → position answers "does this key exist" and "which leaf is the low leaf" in
//! O(log n). Keys are compared as integers: the map is keyed by the 32-byte big-endian encoding,
//! whose lexicographic order is the integer order.

use crate::field::Fr;
use crate::poseidon2::{hash_tuples_beside, NoChain, PermutationChain};
use crate::tree::{MerkleTree, Snapshot, TreeFull};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `(value, nextValue, nextIndex)`.
    Nullifier,
    /// `(slot, value, nextSlot, nextIndex)`.
    PublicData,
}

/// A leaf preimage. For nullifiers `value` is unused (always 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    pub key: Fr,
    pub value: Fr,
    pub next_key: Fr,
    pub next_index: u64,
}

pub type KeyBytes = [u8; 32];

#[derive(Clone)]
enum Undo {
    /// A position was appended (its key, if it was not an empty leaf, entered the map).
    Pushed(Option<KeyBytes>),
    /// A used position's preimage was replaced.
    Replaced(u64, Leaf),
}

#[derive(Clone)]
pub struct IndexedTree {
    kind: Kind,
    nodes: MerkleTree,
    /// `None` is an *empty leaf* (node value 0, not in the linked list).
    leaves: Vec<Option<Leaf>>,
    by_key: BTreeMap<KeyBytes, u64>,
    journal: Option<Vec<Undo>>,
    /// Positions whose leaf changed and whose node value is not computed yet: leaf hashes are
    /// computed in one batch before the root is needed (two per permutation on wasm32).
    stale: Vec<u64>,
}

impl IndexedTree {
    pub fn new(kind: Kind, height: u32) -> IndexedTree {
        IndexedTree { kind, nodes: MerkleTree::new(height), leaves: Vec::new(), by_key: BTreeMap::new(), journal: None, stale: Vec::new() }
    }

    /// Genesis prefill: key `i` at position `i`, each pointing to the next, the last to (0, 0).
    pub fn prefilled(kind: Kind, height: u32, count: u64) -> IndexedTree {
        let keys: Vec<(Fr, Fr)> = (0..count).map(|i| (Fr::from_u64(i), Fr::ZERO)).collect();
        IndexedTree::from_entries(kind, height, &keys).expect("prefill is a valid tree")
    }

    /// Rebuilds a tree from its leaves by position (§8 state): `(key, value)`, where a key 0 at a
    /// position other than 0 is an empty leaf. The linked list is implied by the key order.
    pub fn from_entries(kind: Kind, height: u32, entries: &[(Fr, Fr)]) -> Result<IndexedTree, String> {
        let mut t = IndexedTree::new(kind, height);
        if entries.len() as u64 > t.nodes.capacity() {
            return Err("more leaves than positions".into());
        }
        match entries.first() {
            Some((k, _)) if k.is_zero() => {}
            _ => return Err("position 0 must hold key 0".into()),
        }
        for (pos, (key, value)) in entries.iter().enumerate() {
            if pos > 0 && key.is_zero() {
                if !value.is_zero() {
                    return Err(format!("empty leaf at position {pos} has a value"));
                }
                t.leaves.push(None);
                continue;
            }
            if kind == Kind::Nullifier && !value.is_zero() {
                return Err("nullifier leaves have no value".into());
            }
            if t.by_key.insert(key.to_be_bytes(), pos as u64).is_some() {
                return Err(format!("key at position {pos} repeats"));
            }
            t.leaves.push(Some(Leaf { key: *key, value: *value, next_key: Fr::ZERO, next_index: 0 }));
        }
        // Link each key to its successor in key order.
        let order: Vec<u64> = t.by_key.values().copied().collect();
        for w in order.windows(2) {
            let next = t.leaves[w[1] as usize].unwrap();
            let leaf = t.leaves[w[0] as usize].as_mut().unwrap();
            leaf.next_key = next.key;
            leaf.next_index = w[1];
        }
        // Node values 0 for now; the keys' leaf hashes are computed in one batch (two per
        // permutation on wasm32) before the root is first needed, like any changed leaf's.
        t.nodes.append(&vec![Fr::ZERO; t.leaves.len()]).map_err(|_| "tree full".to_string())?;
        t.stale = (0..t.leaves.len() as u64).filter(|&pos| t.leaves[pos as usize].is_some()).collect();
        Ok(t)
    }

    pub fn len(&self) -> u64 {
        self.leaves.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    pub fn has_room_for(&self, n: u64) -> bool {
        self.nodes.has_room_for(n)
    }

    pub fn snapshot(&mut self) -> Snapshot {
        self.hash_stale_leaves();
        self.nodes.snapshot()
    }

    /// Hashes the changed leaves and the nodes above them, advancing `chain` in the hashing's
    /// spare lanes (`poseidon2::hash_tuples_beside`).
    pub fn flush_beside(&mut self, chain: &mut dyn PermutationChain) {
        self.hash_stale_leaves_beside(chain);
        self.nodes.flush_beside(chain);
    }

    /// Computes the node values of the changed leaves, all in one batch.
    fn hash_stale_leaves(&mut self) {
        self.hash_stale_leaves_beside(&mut NoChain)
    }

    fn hash_stale_leaves_beside(&mut self, chain: &mut dyn PermutationChain) {
        if self.stale.is_empty() {
            return;
        }
        let mut stale = std::mem::take(&mut self.stale);
        stale.sort_unstable();
        stale.dedup();
        let arity = match self.kind {
            Kind::Nullifier => 3,
            Kind::PublicData => 4,
        };
        let mut inputs = Vec::with_capacity(stale.len() * arity);
        for &pos in &stale {
            let l = self.leaves[pos as usize].expect("only non-empty leaves are stale");
            match self.kind {
                Kind::Nullifier => inputs.extend([l.key, l.next_key, Fr::from_u64(l.next_index)]),
                Kind::PublicData => inputs.extend([l.key, l.value, l.next_key, Fr::from_u64(l.next_index)]),
            }
        }
        let mut hashes = Vec::with_capacity(stale.len());
        hash_tuples_beside(&inputs, arity, &mut hashes, chain);
        for (&pos, &h) in stale.iter().zip(&hashes) {
            self.nodes.set(pos, h);
        }
    }

    /// The leaves by position as `(key, value)`, empty leaves as `(0, 0)` (§8 state).
    pub fn entries(&self) -> Vec<(Fr, Fr)> {
        self.leaves.iter().map(|l| l.map_or((Fr::ZERO, Fr::ZERO), |l| (l.key, l.value))).collect()
    }

    /// Position of the leaf with this key, if any.
    pub fn find(&self, key: &Fr) -> Option<u64> {
        self.by_key.get(&key.to_be_bytes()).copied()
    }

    /// Position of the non-empty leaf with the largest key `< key`.
    fn low_leaf(&self, key: &KeyBytes) -> u64 {
        let (_, pos) = self.by_key.range(..*key).next_back().expect("key 0 is always present");
        *pos
    }

    fn replace(&mut self, pos: u64, leaf: Leaf) {
        let slot = self.leaves[pos as usize].as_mut().expect("replacing a non-empty leaf");
        if let Some(j) = self.journal.as_mut() {
            j.push(Undo::Replaced(pos, *slot));
        }
        *slot = leaf;
        self.stale.push(pos);
    }

    fn push(&mut self, leaf: Option<Leaf>) {
        let pos = self.len();
        let key = leaf.map(|l| l.key.to_be_bytes());
        if let Some(k) = key {
            self.by_key.insert(k, pos);
        }
        if let Some(j) = self.journal.as_mut() {
            j.push(Undo::Pushed(key));
        }
        self.leaves.push(leaf);
        // an empty leaf's node value is 0; a key's is hashed with the other changed leaves
        self.nodes.push(Fr::ZERO);
        if leaf.is_some() {
            self.stale.push(pos);
        }
    }

    /// Appends an empty leaf (nullifier batch padding).
    pub fn push_empty(&mut self) -> Result<(), TreeFull> {
        if !self.has_room_for(1) {
            return Err(TreeFull);
        }
        self.push(None);
        Ok(())
    }

    /// Inserts a key that is not in the tree at position `nextIndex` (§2.2, "Insertion").
    pub fn insert(&mut self, key: Fr, value: Fr) -> Result<(), TreeFull> {
        debug_assert!(self.find(&key).is_none() && !key.is_zero());
        if !self.has_room_for(1) {
            return Err(TreeFull);
        }
        let pos = self.len();
        let low_pos = self.low_leaf(&key.to_be_bytes());
        let low = self.leaves[low_pos as usize].expect("low leaf is non-empty");
        self.replace(low_pos, Leaf { next_key: key, next_index: pos, ..low });
        self.push(Some(Leaf { key, value, next_key: low.next_key, next_index: low.next_index }));
        Ok(())
    }

    /// Replaces the value of an existing key in place (public-data update, §2.2).
    pub fn update_value(&mut self, pos: u64, value: Fr) {
        let leaf = self.leaves[pos as usize].expect("updating a non-empty leaf");
        if leaf.value != value && fault!("public-data-zero-write-dropped", true, !value.is_zero()) {
            self.replace(pos, Leaf { value, ..leaf });
        }
    }

    pub fn begin(&mut self) {
        self.hash_stale_leaves(); // a rollback must not lose node values from before `begin`
        self.journal = Some(Vec::new());
        self.nodes.begin();
    }

    pub fn commit(&mut self) {
        self.hash_stale_leaves();
        self.journal = None;
        self.nodes.commit();
    }

    pub fn rollback(&mut self) {
        if let Some(journal) = self.journal.take() {
            for undo in journal.into_iter().rev() {
                match undo {
                    Undo::Pushed(key) => {
                        self.leaves.pop();
                        if let Some(k) = key {
                            self.by_key.remove(&k);
                        }
                    }
                    Undo::Replaced(pos, leaf) => self.leaves[pos as usize] = Some(leaf),
                }
            }
        }
        self.stale.clear(); // all from this checkpoint (`begin` hashed the rest); the nodes roll back
        self.nodes.rollback();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Recomputes the whole tree from `entries()` and compares roots: the incremental linked
    /// list must equal the one implied by key order.
    fn check_consistent(t: &mut IndexedTree, kind: Kind, height: u32) {
        let mut rebuilt = IndexedTree::from_entries(kind, height, &t.entries()).unwrap();
        assert_eq!(t.snapshot(), rebuilt.snapshot());
    }

    #[test]
    fn inserts_keep_list_sorted_and_rollback_restores() {
        for kind in [Kind::Nullifier, Kind::PublicData] {
            let mut t = IndexedTree::prefilled(kind, 6, 4);
            let v = if kind == Kind::Nullifier { Fr::ZERO } else { Fr::from_u64(5) };
            t.insert(Fr::from_u64(100), v).unwrap();
            t.insert(Fr::from_u64(50), v).unwrap();
            t.push_empty().unwrap();
            check_consistent(&mut t, kind, 6);
            let before = t.snapshot();
            let entries = t.entries();
            t.begin();
            t.insert(Fr::from_u64(75), v).unwrap();
            t.insert(Fr::from_u64(7), v).unwrap();
            if kind == Kind::PublicData {
                t.update_value(2, Fr::from_u64(9));
            }
            check_consistent(&mut t, kind, 6);
            t.rollback();
            assert_eq!(t.snapshot(), before);
            assert_eq!(t.entries(), entries);
            assert!(t.find(&Fr::from_u64(75)).is_none());
            t.insert(Fr::from_u64(75), v).unwrap();
            check_consistent(&mut t, kind, 6);
        }
    }
}
