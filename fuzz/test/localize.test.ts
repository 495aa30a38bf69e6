// The root-cause localizer (oracle/localize.ts) on planted faults: each mutant of the TypeScript
// STF breaks one thing at a known tx, tree and leaf; the localizer, which sees only the
// Implementation interface, must name that place and whether the leaves differ (execution) or
// only their hashes (hashing).

import { afterAll, describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../../core/codec.js';
import type { Checkpoint, TxEffect } from '../../core/schema.js';
import type { Case } from '../../corpus/case.js';
import { InProcessTsImplementation } from '../../impls/adapters/in-process-ts.js';
import { describeLocalization } from '../../oracle/localize.js';
import { describeFinding, Oracle } from '../../oracle/run.js';
import { FuzzEngine, type EngineFinding } from '../engine.js';
import { loadMutant, MUTANTS, type Mutant } from './mutants.js';

const tx = (over: Partial<TxEffect>): TxEffect => ({
  revertCode: 0, txHash: 1n, transactionFee: 0n, noteHashes: [], nullifiers: [], l2ToL1Msgs: [], publicDataWrites: [], privateLogs: [], publicLogs: [], contractClassLog: null, ...over,
});

/** One small checkpoint: two blocks of one tx each (small: at most 2 blocks of 1 tx), 1 message. */
function checkpoint(slot: bigint, firstBlock: number, txs: [TxEffect, TxEffect], fees = [3n, 4n]): Uint8Array {
  const cp: Checkpoint = {
    v: 1, profile: 'small',
    header: { chainId: 31337n, version: 1n, slotNumber: slot, timestamp: slot * 10n, coinbase: 5n, feeRecipient: 6n, feePerDaGas: fees[0], feePerL2Gas: fees[1] },
    l1ToL2Messages: [0xabcn],
    form: 'blocks',
    blocks: txs.map((t, b) => ({ blockNumber: firstBlock + b, totalManaUsed: 100n, txs: [t] })),
    blobFields: null,
  };
  return encodeCheckpoint(cp);
}

// Checkpoint 1 is agreed by every mutant below; checkpoint 2's second tx (block 1 tx 0) carries
// the trigger values 0x1234 (a nullifier) and 99 (a public-data value).
const CASE: Case = {
  profile: 'small', chainId: 31337n, version: 1n,
  checkpoints: [
    checkpoint(1n, 1, [tx({ nullifiers: [100n], noteHashes: [7n] }), tx({ nullifiers: [101n, 102n], publicDataWrites: [[10n, 5n]] })]),
    checkpoint(2n, 3, [
      tx({ nullifiers: [200n, 201n], noteHashes: [8n, 9n], publicDataWrites: [[11n, 1n]] }),
      tx({ nullifiers: [300n, 0x1234n], noteHashes: [10n], publicDataWrites: [[12n, 2n], [13n, 99n]] }),
    ]),
  ],
};

const planted = (name: string, file: string, from: string, to: string): Mutant => ({ name, fault: name, file, from, to });

const opened: Oracle[] = [];
afterAll(async () => Promise.all(opened.map((o) => o.close())));

async function localizeMutant(m: Mutant, c: Case = CASE) {
  const oracle = new Oracle([new InProcessTsImplementation(), await loadMutant(m)]);
  opened.push(oracle);
  const r = await oracle.run(c);
  expect(r.finding, 'the planted fault must diverge').not.toBeNull();
  return oracle.localize(c, r.finding!);
}

describe('the localizer names the first tx, tree and leaf of a root divergence', () => {
  it('a wrong nullifier leaf at the second tx of checkpoint 2: execution, nullifier tree, its position', async () => {
    // Positions: 4 prefilled, then 2 per tx: checkpoint 1 uses 4..7, checkpoint 2 tx 0 uses 8, 9, tx 1 uses 10, 11.
    const f = await localizeMutant(planted('loc-wrong-nullifier-leaf', 'stf.ts', 'this.nullifier.insertBatch(tx.nullifiers.concat(', 'this.nullifier.insertBatch(tx.nullifiers.map((n) => (n === 0x1234n ? n + 1n : n)).concat('));
    expect(f.checkpoint).toBe(2);
    expect(f.localization).toMatchObject({ checkpoint: 2, tx: { block: 1, index: 0, flat: 1 }, tree: 'nullifier', leaf: 11, kind: 'execution' });
    expect(describeFinding(f)).toContain('localized: checkpoint 2, block 1 tx 0, nullifier tree leaf 11: execution');
  });

  it('a public-data leaf hashed wrongly at the second tx: hashing, public-data tree, the leaf written by the second write', async () => {
    // Public data: 4 prefilled, slot 10 at 4 (checkpoint 1), 11 at 5, then 12 at 6 and 13 (value 99) at 7.
    const f = await localizeMutant(planted('loc-public-data-hash', 'stf.ts', 'poseidon2Hash([l.key, l.value, l.nextKey, BigInt(l.nextIndex)])', 'poseidon2Hash([l.key, l.value === 99n ? 98n : l.value, l.nextKey, BigInt(l.nextIndex)])'));
    expect(f.localization).toMatchObject({ checkpoint: 2, tx: { block: 1, index: 0 }, tree: 'publicData', leaf: 7, kind: 'hashing' });
  });

  it('a note hash stored wrongly at the first tx of checkpoint 2: execution, note-hash tree', async () => {
    // Note hashes: 2 per tx from 0: checkpoint 1 uses 0..3, checkpoint 2 tx 0 writes 8 at 4 and 9 at 5.
    const f = await localizeMutant(planted('loc-note-hash-value', 'stf.ts', 'this.noteHash.append(tx.noteHashes.concat(', 'this.noteHash.append(tx.noteHashes.map((h) => (h === 9n ? 90n : h)).concat('));
    expect(f.localization).toMatchObject({ checkpoint: 2, tx: { block: 0, index: 0, flat: 0 }, tree: 'noteHash', leaf: 5, kind: 'execution' });
  });

  it('a block header hashed with two fields swapped: hashing of the archive leaf of the first block, before any tx', async () => {
    // Archive: genesis at 0, checkpoint 1's blocks at 1 and 2: the first wrong header is leaf 1,
    // and the header of block 0 with no tx at all is already wrong (the fees are header fields).
    const f = await localizeMutant(MUTANTS.find((m) => m.name === 'header-fields-reordered')!);
    expect(f.localization).toMatchObject({ checkpoint: 1, tx: null, tree: 'archive', leaf: 1, kind: 'hashing' });
  });

  it('a wrong L1-to-L2 message leaf: before any tx, execution in the L1-to-L2 tree', async () => {
    const f = await localizeMutant(planted('loc-message', 'stf.ts', 'this.l1ToL2.append(messages);', 'this.l1ToL2.append(messages.map((m) => (m === 0xabcn && this.archive.nextIndex > 2 ? 1n : m)));'));
    // Checkpoint 2: messages at 4..7 (4 per checkpoint), the first is the trigger.
    expect(f.localization).toMatchObject({ checkpoint: 2, tx: null, tree: 'l1ToL2', leaf: 4, kind: 'execution' });
  });

  it('leaves other divergence kinds alone (a validity divergence is already exact)', async () => {
    const c: Case = { ...CASE, checkpoints: [checkpoint(1n, 1, [tx({ nullifiers: [100n, 100n] }), tx({ nullifiers: [101n] })])] };
    const oracle = new Oracle([new InProcessTsImplementation(), await loadMutant(MUTANTS.find((m) => m.name === 'duplicate-in-tx-accepted')!)]);
    opened.push(oracle);
    const r = await oracle.run(c);
    expect(r.finding?.kind).toBe('validity');
    expect((await oracle.localize(c, r.finding!)).localization).toBeUndefined();
  });

  it('the fuzzer attaches the localization to the root findings it shrinks', async () => {
    const findings: EngineFinding[] = [];
    // Not stopping at the first finding: which kind comes first depends on the generator's stream.
    const engine = new FuzzEngine({ profile: 'small', seed: 1n, runs: 30, impls: [new InProcessTsImplementation(), await loadMutant(MUTANTS.find((m) => m.name === 'sibling-order-swapped')!)], shrinkBudget: 20, shrinkTimeMs: Number.POSITIVE_INFINITY, onFinding: (f) => findings.push(f) });
    await engine.run();
    await engine.close();
    const roots = findings.filter((f) => f.finding.kind === 'root');
    expect(roots.length, findings.map((f) => describeFinding(f.finding)).join('\n')).toBeGreaterThan(0);
    for (const { finding: f } of roots) {
      // Children swapped at level 2 of every tree: the same leaves hash to other roots.
      expect(f.localization, describeFinding(f)).toMatchObject({ checkpoint: f.checkpoint, kind: 'hashing' });
      expect(describeLocalization(f.localization!)).toMatch(/^localized: checkpoint \d+, .*: hashing/);
    }
    for (const { finding: f } of findings.filter((x) => x.finding.kind !== 'root')) expect(f.localization).toBeUndefined();
  });
});
