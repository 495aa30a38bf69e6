//! Dense-prefix Merkle tree (§2) stored as one node array per level.
//!
//! Only positions `< len` are stored; level `k` holds the nodes over them
//! (`ceil(len / 2^k)` entries) and everything to the right is the empty-subtree value `Z_k`.
//! Writes only touch leaves and remember them as dirty; the internal nodes are recomputed level by
//! level on the next `root()`, so a batch of writes costs its distinct paths once, and per-write
//! cost depends on the height, never on the number of leaves.
//!
//! An optional journal records every leaf write so a rejected checkpoint can be undone exactly.

use crate::field::Fr;
use crate::poseidon2::{hash_pair, hash_tuples_beside, NoChain, PermutationChain};
use std::sync::OnceLock;

/// Highest tree in any profile (note-hash and nullifier trees of `aztec`).
pub const MAX_HEIGHT: u32 = 42;

/// `Z_0 = 0`, `Z_{k+1} = H(Z_k, Z_k)` for k up to MAX_HEIGHT.
pub fn empty_subtree_roots() -> &'static [Fr] {
    static Z: OnceLock<Vec<Fr>> = OnceLock::new();
    Z.get_or_init(|| {
        let mut z = vec![Fr::ZERO];
        for k in 0..MAX_HEIGHT as usize {
            z.push(hash_pair(z[k], z[k]));
        }
        z
    })
}

/// A tree's `(root, nextIndex)` (§2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub root: Fr,
    pub next_index: u64,
}

#[derive(Debug, Clone)]
pub struct TreeFull;

#[derive(Clone)]
pub struct MerkleTree {
    height: u32,
    /// `levels[0]` are the leaf node values, `levels[height]` holds at most the root.
    levels: Vec<Vec<Fr>>,
    /// Leaf positions written (or removed) since the internal nodes were last recomputed.
    dirty: Vec<u64>,
    /// While a checkpoint runs: `(position, previous value)`, `None` for an appended position.
    journal: Option<Vec<(u64, Option<Fr>)>>,
}

impl MerkleTree {
    pub fn new(height: u32) -> MerkleTree {
        assert!(height <= MAX_HEIGHT);
        MerkleTree { height, levels: vec![Vec::new(); height as usize + 1], dirty: Vec::new(), journal: None }
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// Number of leaf positions `2^height`.
    pub fn capacity(&self) -> u64 {
        1u64 << self.height
    }

    /// `nextIndex`: positions `0..len` are in use.
    pub fn len(&self) -> u64 {
        self.levels[0].len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.levels[0].is_empty()
    }

    /// Whether `n` more positions fit.
    pub fn has_room_for(&self, n: u64) -> bool {
        n <= self.capacity() - self.len()
    }

    pub fn leaves(&self) -> &[Fr] {
        &self.levels[0]
    }

    pub fn leaf(&self, index: u64) -> Fr {
        self.levels[0][index as usize]
    }

    /// Appends all of `values` or, if they do not fit, nothing.
    pub fn append(&mut self, values: &[Fr]) -> Result<(), TreeFull> {
        if !self.has_room_for(values.len() as u64) {
            return Err(TreeFull);
        }
        for v in values {
            self.push(*v);
        }
        Ok(())
    }

    /// Appends one value; the caller has checked the capacity.
    pub fn push(&mut self, value: Fr) {
        debug_assert!(self.has_room_for(1));
        let index = self.len();
        if let Some(j) = self.journal.as_mut() {
            j.push((index, None));
        }
        self.levels[0].push(value);
        self.dirty.push(index);
    }

    /// Overwrites the node value of a used position.
    pub fn set(&mut self, index: u64, value: Fr) {
        let slot = &mut self.levels[0][index as usize];
        if *slot == value {
            return;
        }
        if let Some(j) = self.journal.as_mut() {
            j.push((index, Some(*slot)));
        }
        *slot = value;
        self.dirty.push(index);
    }

    pub fn root(&mut self) -> Fr {
        self.flush();
        match self.levels[self.height as usize].first() {
            Some(r) => *r,
            None => empty_subtree_roots()[self.height as usize],
        }
    }

    pub fn snapshot(&mut self) -> Snapshot {
        Snapshot { root: self.root(), next_index: self.len() }
    }

    /// Recomputes the internal nodes above the dirty leaves, one level at a time.
    fn flush(&mut self) {
        self.flush_beside(&mut NoChain)
    }

    /// `flush`, advancing `chain` in the hashing's spare lanes (`poseidon2::hash_tuples_beside`).
    pub fn flush_beside(&mut self, chain: &mut dyn PermutationChain) {
        if self.dirty.is_empty() {
            return;
        }
        let zeros = empty_subtree_roots();
        let mut dirty = std::mem::take(&mut self.dirty);
        dirty.sort_unstable();
        dirty.dedup();
        // Per level: the nodes to hash and their children, hashed in one batch (two per
        // permutation on wasm32).
        let mut targets: Vec<usize> = Vec::new();
        let mut pairs: Vec<Fr> = Vec::new();
        let mut hashes: Vec<Fr> = Vec::new();
        for k in 1..=self.height as usize {
            let (below, above) = self.levels.split_at_mut(k);
            let children = &below[k - 1];
            let nodes = &mut above[0];
            // Shrinks after an undo of appends, grows after appends.
            nodes.resize(children.len().div_ceil(2), Fr::ZERO);
            for d in dirty.iter_mut() {
                *d /= 2;
            }
            dirty.dedup();
            targets.clear();
            pairs.clear();
            for &j in dirty.iter() {
                let j = j as usize;
                if j >= nodes.len() {
                    break; // sorted: the rest are also beyond the stored prefix
                }
                let left = children[2 * j];
                let right = children.get(2 * j + 1).copied().unwrap_or(zeros[k - 1]);
                if left == zeros[k - 1] && right == zeros[k - 1] {
                    nodes[j] = zeros[k]; // two empty children (e.g. zero padding): no hash needed
                } else {
                    targets.push(j);
                    pairs.extend([left, right]);
                }
            }
            hashes.clear();
            hash_tuples_beside(&pairs, 2, &mut hashes, chain);
            for (&j, &h) in targets.iter().zip(&hashes) {
                nodes[j] = h;
            }
        }
    }

    /// Starts recording writes (checkpoint begins).
    pub fn begin(&mut self) {
        self.journal = Some(Vec::new());
    }

    /// Keeps the writes since `begin`.
    pub fn commit(&mut self) {
        self.journal = None;
    }

    /// Undoes every write since `begin`, newest first.
    pub fn rollback(&mut self) {
        let Some(journal) = self.journal.take() else { return };
        for (index, old) in journal.into_iter().rev() {
            match old {
                None => {
                    debug_assert_eq!(index + 1, self.len());
                    self.levels[0].pop();
                }
                Some(v) => self.levels[0][index as usize] = v,
            }
            self.dirty.push(index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Root by the definition: hash all 2^h positions level by level.
    fn naive_root(height: u32, leaves: &[Fr]) -> Fr {
        let mut level: Vec<Fr> = (0..1usize << height).map(|i| leaves.get(i).copied().unwrap_or(Fr::ZERO)).collect();
        while level.len() > 1 {
            level = level.chunks(2).map(|c| hash_pair(c[0], c[1])).collect();
        }
        level[0]
    }

    #[test]
    fn matches_naive_root_and_undoes() {
        let mut t = MerkleTree::new(4);
        assert_eq!(t.root(), naive_root(4, &[]));
        let vals: Vec<Fr> = (1..=11).map(Fr::from_u64).collect();
        t.append(&vals[..5]).unwrap();
        assert_eq!(t.root(), naive_root(4, &vals[..5]));
        let before = t.snapshot();
        t.begin();
        t.append(&vals[5..]).unwrap();
        t.set(2, Fr::from_u64(99));
        let mut expect = vals.clone();
        expect[2] = Fr::from_u64(99);
        assert_eq!(t.root(), naive_root(4, &expect));
        t.rollback();
        assert_eq!(t.snapshot(), before);
        assert_eq!(t.leaves(), &vals[..5]);
        assert!(t.append(&[Fr::ONE; 12]).is_err());
        assert!(t.append(&[Fr::ONE; 11]).is_ok());
        assert_eq!(t.len(), 16);
    }

    fn permutations() -> u64 {
        crate::poseidon2::PERMUTATIONS.with(|c| c.get())
    }

    #[test]
    fn empty_subtrees_are_not_hashed_and_roots_are_unchanged() {
        let zeros = empty_subtree_roots();
        // zeros inside written regions, then a whole aligned block zeroed, then undone
        let mut t = MerkleTree::new(6);
        let mut vals: Vec<Fr> = (0..20).map(|i| if i % 3 == 0 { Fr::ZERO } else { Fr::from_u64(i * 1_000_003) }).collect();
        t.append(&vals).unwrap();
        assert_eq!(t.root(), naive_root(6, &vals));
        let committed = vals.clone();
        t.begin();
        for i in 8..16 {
            t.set(i, Fr::ZERO);
            vals[i as usize] = Fr::ZERO;
        }
        t.append(&[Fr::ZERO; 30]).unwrap();
        vals.extend([Fr::ZERO; 30]);
        assert_eq!(t.root(), naive_root(6, &vals));
        t.rollback();
        assert_eq!(t.root(), naive_root(6, &committed));
        // 40 zero leaves at height 42: no permutation at all; one non-zero leaf: one path
        let mut big = MerkleTree::new(MAX_HEIGHT);
        let before = permutations();
        big.append(&[Fr::ZERO; 40]).unwrap();
        assert_eq!(big.root(), zeros[MAX_HEIGHT as usize]);
        assert_eq!(permutations() - before, 0);
        big.set(5, Fr::from_u64(7));
        let before = permutations();
        big.root();
        assert_eq!(permutations() - before, u64::from(MAX_HEIGHT));
    }
}
