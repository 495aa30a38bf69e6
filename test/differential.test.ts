// TypeScript and Rust (as its WebAssembly component) agree on a few thousand random small-profile
// checkpoints, in both input forms, valid and deliberately broken. A small-profile chain fills its
// L1-to-L2 tree after 8 checkpoints, so each chain runs 9 (the last one hits E_TREE_FULL).

import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
import { Rng } from '../core/rng.js';
import type { Checkpoint } from '../core/schema.js';
import { InProcessTsImplementation } from '../impls/adapters/in-process-ts.js';
import { WasmImplementation } from '../impls/adapters/wasm.js';
import type { CallResult, Implementation } from '../impls/implementation.js';
import { compareResults } from '../oracle/compare.js';

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const rustModule = join(import.meta.dirname, '..', 'dist/rust-wasm/stf.js');
const opened: Implementation[] = [];
afterAll(async () => Promise.all(opened.map((i) => i.close())));

type Blocks = Extract<Checkpoint, { form: 'blocks' }>;
/** Mutations that break one rule each (or none); chosen at random per checkpoint. */
const mutations: ((cp: Blocks, r: Rng) => Blocks)[] = [
  (cp) => cp,
  (cp, r) => ({ ...cp, header: { ...cp.header, slotNumber: cp.header.slotNumber - BigInt(r.int(3)) } }),
  (cp, r) => ({ ...cp, blocks: cp.blocks.map((b, i) => (i === 0 ? { ...b, blockNumber: b.blockNumber + r.pick([-1, 1]) } : b)) }),
  (cp) => ({ ...cp, l1ToL2Messages: [...cp.l1ToL2Messages, P] }),
  (cp, r) => withTx(cp, (tx) => ({ ...tx, nullifiers: [...tx.nullifiers, r.pick([tx.nullifiers[0], 0n, 1n, 2n, 3n])] })),
  (cp) => withTx(cp, (tx) => ({ ...tx, noteHashes: [...tx.noteHashes, 0n] })),
  (cp, r) => withTx(cp, (tx) => ({ ...tx, publicDataWrites: [...tx.publicDataWrites, [BigInt(r.int(4)), r.pick([0n, 5n])]] })),
  (cp) => withTx(cp, (tx) => ({ ...tx, revertCode: 4 })),
];
function withTx(cp: Blocks, f: (tx: Blocks['blocks'][number]['txs'][number]) => Blocks['blocks'][number]['txs'][number]): Blocks {
  const bi = cp.blocks.findIndex((b) => b.txs.length > 0);
  if (bi < 0) return cp;
  return { ...cp, blocks: cp.blocks.map((b, i) => (i === bi ? { ...b, txs: [f(b.txs[0]), ...b.txs.slice(1)] } : b)) };
}

function expectAgree(a: CallResult, b: CallResult, what: string) {
  const d = compareResults(a, b);
  if (d) throw new Error(`${what}: ${d.kind} at ${d.field}: ts ${d.left} vs rust ${d.right}`);
}

// 200 chains in four parts of 50: each part is a few seconds idle, so its time limit holds on a
// busy machine, and a failure names a smaller range.
const PARTS = 4;
const CHAINS_PER_PART = 50;

describe('TypeScript vs Rust-WASM', () => {
  const tsBlocks = new InProcessTsImplementation();
  const tsBlob = new InProcessTsImplementation();
  const rsBlocks = new WasmImplementation('rust-blocks', rustModule);
  const rsBlob = new WasmImplementation('rust-blob', rustModule);
  opened.push(tsBlocks, tsBlob, rsBlocks, rsBlob);
  let applied = 0;
  let accepted = 0;

  for (let part = 0; part < PARTS; part++) {
    it(`agree on random checkpoints of chains ${part * CHAINS_PER_PART}..${(part + 1) * CHAINS_PER_PART - 1} (blocks and blob forms, with rule-breaking mutations)`, async () => {
      for (let chain = part * CHAINS_PER_PART; chain < (part + 1) * CHAINS_PER_PART; chain++) {
        const g = { profile: 'small' as const, chainId: 31337n, version: 1n };
        for (const impl of [tsBlocks, tsBlob, rsBlocks, rsBlob]) expect((await impl.genesis(g)).kind).toBe('ok');
        const gen = new CheckpointGenerator({ profile: 'small', seed: 1000 + chain, maxTxs: chain % 2 ? 1 : 2 });
        const rng = new Rng(chain);
        for (let i = 0; i < 9; i++) {
          const cp = gen.next() as Blocks;
          const mutate = rng.bool(0.3);
          const bytes = encodeCheckpoint(mutate ? rng.pick(mutations)(cp, rng) : cp);
          let [t, r] = [await tsBlocks.apply(bytes), await rsBlocks.apply(bytes)];
          expectAgree(t, r, `chain ${chain} checkpoint ${i} (blocks)`);
          applied++;
          if (mutate && t.kind === 'outcome' && t.outcome.status === 'rejected') {
            // Then the valid original, so the chain stays in step with the generator.
            const valid = encodeCheckpoint(cp);
            [t, r] = [await tsBlocks.apply(valid), await rsBlocks.apply(valid)];
            expectAgree(t, r, `chain ${chain} checkpoint ${i} (blocks, valid)`);
            applied++;
          }
          // Whatever the blocks form produced, maybe corrupted, through the blob-form chains (which are
          // in the same state: they took exactly the accepted blobs so far).
          const o = t;
          if (o.kind !== 'outcome' || o.outcome.status !== 'accepted') continue;
          accepted++;
          let fields = o.outcome.blobFields;
          if (rng.bool(0.3)) {
            const k = rng.int(fields.length);
            fields = rng.pick([
              () => fields.slice(0, k),
              () => fields.map((f, j) => (j === k ? f + 1n : f)),
              () => fields.map((f, j) => (j === k ? f ^ (1n << BigInt(rng.int(254))) : f)),
              () => [...fields, 0n, 0n],
            ])();
          }
          const blobCp = encodeCheckpoint({ ...cp, form: 'blob', blocks: null, blobFields: fields });
          const [tb, rb] = [await tsBlob.apply(blobCp), await rsBlob.apply(blobCp)];
          expectAgree(tb, rb, `chain ${chain} checkpoint ${i} (blob)`);
          applied++;
          if (tb.kind === 'outcome' && tb.outcome.status === 'rejected') {
            // Keep the blob chains in step with the valid checkpoint.
            const valid = encodeCheckpoint({ ...cp, form: 'blob', blocks: null, blobFields: o.outcome.blobFields });
            expectAgree(await tsBlob.apply(valid), await rsBlob.apply(valid), `chain ${chain} checkpoint ${i} (blob, resync)`);
          }
        }
      }
    });
  }

  it('covered ~3000 checkpoint applications, over 1000 of them valid blobs', () => {
    expect(applied).toBeGreaterThan(2500);
    expect(accepted).toBeGreaterThan(1000);
    console.log(`differential: ${applied} checkpoint applications agreed (${accepted} valid blobs)`);
  });
});
