// Work the TS STF does not repeat: leaves hashed once in their final form (indexed-tree.ts), the
// hashes of a preview reused by the apply that follows it (hash/poseidon2.ts recordHashes), and
// genesis built once and copied (ChainState.genesis, clone). Each test checks that the answer is
// the one computed without the reuse, and counts permutations to show the reuse happens.

import { describe, expect, it } from 'vitest';
import { CheckpointGenerator } from '../../../core/generate.js';
import type { Checkpoint } from '../../../core/schema.js';
import { forgetHashes, pauseHashes, permutationCount, poseidon2Hash, recordHashes, replayHashes } from '../src/hash/poseidon2.js';
import { ChainState, clearCaches, fromStateFile, toStateFile } from '../src/index.js';
import type { Outcome } from '../src/model.js';
import { IndexedTree, type IndexedLeaf } from '../src/trees/indexed-tree.js';
import { MerkleTree } from '../src/trees/merkle-tree.js';

const perms = <T>(f: () => T): [T, number] => {
  const before = permutationCount();
  const r = f();
  return [r, permutationCount() - before];
};

function accepted(o: Outcome): Extract<Outcome, { status: 'accepted' }> {
  if (o.status !== 'accepted') throw new Error(`rejected: ${o.code} ${o.message}`);
  return o;
}

/** Accepted checkpoints of the small profile, one after another from genesis. */
function chainOf(n: number, seed: number): Checkpoint[] {
  const gen = new CheckpointGenerator({ profile: 'small', seed });
  return Array.from({ length: n }, () => gen.next());
}

describe('indexed tree: leaves hashed once, in their final form', () => {
  const hashLeaf = (l: IndexedLeaf) => poseidon2Hash([l.key, l.nextKey, BigInt(l.nextIndex)]);

  it('three keys inserted into one gap rewrite its low leaf three times but hash it once', () => {
    let calls = 0;
    const t = new IndexedTree('t', 4, (l) => (calls++, hashLeaf(l)), 1);
    calls = 0;
    t.insertBatch([50n, 40n, 30n]); // each takes key 0's leaf as its low leaf
    const root = t.root();
    expect(calls).toBe(4); // positions 0..3, once each (6 leaf writes)
    // the root of the final leaves, hashed directly
    const m = new MerkleTree(4);
    const final: IndexedLeaf[] = [
      { key: 0n, value: 0n, nextKey: 30n, nextIndex: 3 },
      { key: 50n, value: 0n, nextKey: 0n, nextIndex: 0 },
      { key: 40n, value: 0n, nextKey: 50n, nextIndex: 1 },
      { key: 30n, value: 0n, nextKey: 40n, nextIndex: 2 },
    ];
    final.forEach((l, i) => m.setLeaf(i, hashLeaf(l)));
    expect(root).toBe(m.root());
  });

  it('a rollback drops writes that were never hashed', () => {
    const t = new IndexedTree('t', 4, hashLeaf, 2);
    const before = t.root();
    t.insertBatch([9n]);
    t.rollback();
    const [root, used] = perms(() => t.root());
    expect(root).toBe(before);
    expect(used).toBe(0);
  });
});

describe('a preview keeps its hashes for the apply that follows', () => {
  it('the blob form applied after its blocks form preview gives the outcome of a fresh state, with far fewer permutations', () => {
    const [first, second] = chainOf(2, 11);
    const fresh = ChainState.genesis('small');
    accepted(fresh.apply(first));
    const reused = fresh.clone();

    const preview = accepted(reused.preview(second));
    const blob: Checkpoint = { ...second, form: 'blob', blocks: null, blobFields: preview.blobFields };
    const [withReuse, cheap] = perms(() => reused.apply(blob));
    const [without, full] = perms(() => fresh.apply(blob));
    expect(withReuse).toEqual(without);
    expect(accepted(withReuse).blobFields).toEqual(preview.blobFields);
    expect(full).toBeGreaterThan(10);
    expect(cheap).toBeLessThan(full / 4);
  });

  it('a preview of one checkpoint never changes the outcome of applying another', () => {
    const cps = chainOf(4, 5);
    const a = ChainState.genesis('small');
    const b = ChainState.genesis('small');
    for (let i = 0; i < cps.length; i++) {
      a.preview(cps[(i + 1) % cps.length]); // a different checkpoint's hashes are kept
      expect(a.apply(cps[i])).toEqual(b.apply(cps[i]));
    }
    expect(toStateFile(a)).toEqual(toStateFile(b));
  });

  it('is off outside a preview/apply pair, and replays only what was recorded', () => {
    forgetHashes();
    const x = [1n, 2n, 3n];
    expect(perms(() => poseidon2Hash(x))[1]).toBe(1);
    expect(perms(() => poseidon2Hash(x))[1]).toBe(1); // nothing kept while off
    recordHashes();
    const h = poseidon2Hash(x);
    pauseHashes();
    expect(perms(() => poseidon2Hash(x))[1]).toBe(1); // paused: no lookups yet
    replayHashes();
    expect(perms(() => poseidon2Hash(x))).toEqual([h, 0]);
    expect(perms(() => poseidon2Hash([1n, 2n, 4n]))[1]).toBe(1);
    // out of [0, p): never keyed (a key packs inputs 256 bits apart), still hashed as reduced mod p
    expect(perms(() => poseidon2Hash([-1n, 2n, 3n]))[1]).toBe(1);
    forgetHashes();
    expect(perms(() => poseidon2Hash(x))[1]).toBe(1);
  });
});

describe('genesis built once, copies independent', () => {
  it('a second genesis costs no permutation and equals the first', () => {
    const a = ChainState.genesis('small', { chainId: 77n, version: 3n });
    const [b, used] = perms(() => ChainState.genesis('small', { chainId: 77n, version: 3n }));
    expect(used).toBe(0);
    expect(toStateFile(b)).toEqual(toStateFile(a));
    expect(b.stateReference()).toEqual(a.stateReference());
    // a copy keeps the ids it was asked for (they check every later header)
    const other = ChainState.genesis('small', { chainId: 78n, version: 4n });
    expect([other.chainId, other.version, b.chainId, b.version]).toEqual([78n, 4n, 77n, 3n]);
  });

  it('clearCaches forgets it (mutation testing switches code under the cache): the next genesis is built again, equal', () => {
    const a = toStateFile(ChainState.genesis('small'));
    clearCaches();
    const [b, used] = perms(() => ChainState.genesis('small'));
    expect(used).toBeGreaterThan(10); // prefill leaves, empty subtrees and the genesis header hashed again
    expect(toStateFile(b)).toEqual(a);
    expect(perms(() => ChainState.genesis('small'))[1]).toBe(0);
  });

  it('applying to a genesis or a clone leaves the others as they were', () => {
    const cps = chainOf(3, 9);
    const untouched = toStateFile(ChainState.genesis('small'));
    const a = ChainState.genesis('small');
    accepted(a.apply(cps[0]));
    expect(toStateFile(ChainState.genesis('small'))).toEqual(untouched);

    const snapshot = toStateFile(a);
    const c = a.clone();
    accepted(c.apply(cps[1]));
    accepted(c.apply(cps[2]));
    expect(toStateFile(a)).toEqual(snapshot);
    // the clone went on like the original would have
    const restored = fromStateFile(snapshot);
    accepted(restored.apply(cps[1]));
    expect(restored.apply(cps[2])).toEqual(accepted(a.apply(cps[1])) && a.apply(cps[2]));
    expect(toStateFile(c)).toEqual(toStateFile(a));
  });
});
