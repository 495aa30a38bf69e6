//! Mutated inputs never panic, a rejection never changes the state, and every byte string that
//! decodes as a checkpoint is the canonical encoding of that checkpoint.
use difftower_stf_rust::codec;
use difftower_stf_rust::field::Fr;
use difftower_stf_rust::model::{Block, Body, Checkpoint, CheckpointHeader, TxEffect};
use difftower_stf_rust::{Chain, Outcome, Profile};

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545f4914f6cdd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn f(n: u64) -> Fr {
    Fr::from_u64(n)
}

fn sample() -> Checkpoint {
    let tx = |s: u64| TxEffect {
        revert_code: (s % 4) as u8,
        tx_hash: f(77 + s),
        transaction_fee: f(s),
        note_hashes: vec![f(10 + s), f(20 + s)],
        nullifiers: vec![f(1000 + s), f(2000 + s)],
        l2_to_l1_msgs: vec![f(5)],
        public_data_writes: vec![(f(300 + s), f(1)), (f(3), f(2))],
        private_logs: vec![vec![f(1), f(2)], vec![f(3)]],
        public_logs: vec![f(1), f(2), f(3)],
        contract_class_log: None,
    };
    Checkpoint {
        profile: Profile::Small,
        header: CheckpointHeader {
            chain_id: f(31337),
            version: f(1),
            slot_number: f(1),
            timestamp: 10,
            coinbase: f(1),
            fee_recipient: f(2),
            fee_per_da_gas: f(3),
            fee_per_l2_gas: f(4),
        },
        l1_to_l2_messages: vec![f(1), f(2)],
        body: Body::Blocks(vec![
            Block { block_number: 1, total_mana_used: 5, txs: vec![tx(1)] },
            Block { block_number: 2, total_mana_used: 6, txs: vec![tx(2)] },
        ]),
    }
}

fn check(chain: &mut Chain, bytes: &[u8]) -> bool {
    // Canonical only (§8): whatever decodes is exactly the encoding of what it decodes to.
    if let Ok(cp) = codec::decode_checkpoint(bytes, chain.profile()) {
        assert_eq!(codec::encode_checkpoint(&cp), bytes, "a non-canonical checkpoint decoded");
    }
    let before = codec::encode_state(chain);
    match codec::apply_checkpoint_bytes(chain, bytes) {
        Outcome::Accepted(_) => true,
        Outcome::Rejected(_) => {
            assert_eq!(codec::encode_state(chain), before, "rejection changed the state");
            false
        }
    }
}

#[test]
fn mutated_msgpack_bytes() {
    let genesis = Chain::genesis(Profile::Small, f(31337), f(1));
    let good = codec::encode_checkpoint(&sample());
    assert!(check(&mut genesis.clone(), &good));
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut decoded = 0;
    for _ in 0..3000 {
        let mut b = good.clone();
        for _ in 0..1 + rng.below(3) {
            match rng.below(4) {
                0 => {
                    let i = rng.below(b.len());
                    b[i] ^= 1 << rng.below(8);
                }
                1 => {
                    let i = rng.below(b.len());
                    b[i] = rng.next() as u8;
                }
                2 => {
                    let i = rng.below(b.len());
                    b.insert(i, rng.next() as u8);
                }
                _ => {
                    let i = rng.below(b.len());
                    b.truncate(i.max(1));
                }
            }
        }
        decoded += codec::decode_checkpoint(&b, Profile::Small).is_ok() as u32;
        check(&mut genesis.clone(), &b);
    }
    // The canonical-form assertion in `check` ran on a good share of the inputs.
    assert!(decoded > 300, "{decoded}");
}

#[test]
fn mutated_blob_fields() {
    let genesis = Chain::genesis(Profile::Small, f(31337), f(1));
    let Outcome::Accepted(a) = genesis.clone().apply(&sample()) else { panic!() };
    let good = a.blob_fields;
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut accepted = 0;
    for _ in 0..3000 {
        let mut fields = good.clone();
        for _ in 0..1 + rng.below(2) {
            let i = rng.below(fields.len());
            match rng.below(5) {
                0 => fields[i] += Fr::from_u128(1u128 << rng.below(100)),
                1 => fields[i] = f(rng.next() % 8),
                2 => {
                    fields.remove(i);
                }
                3 => fields.insert(i, fields[rng.below(fields.len())]),
                _ => fields[i] = Fr::from_u128(((rng.next() as u128) << 64) | rng.next() as u128),
            }
            if fields.is_empty() {
                break;
            }
        }
        let cp = Checkpoint { body: Body::Blob(fields), ..sample() };
        if check(&mut genesis.clone(), &codec::encode_checkpoint(&cp)) {
            accepted += 1;
        }
    }
    // Some mutations (e.g. totalManaUsed bits) are legitimately accepted; most are not.
    assert!(accepted < 3000);
}
