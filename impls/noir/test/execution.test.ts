// The Noir STF executed by the ACVM (no proofs): agreement with Aztec's conformance vectors and
// with the ts and rust implementations (black boxes) on generated `small` checkpoints, and
// rejection of invalid ones.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../../../core/codec.js';
import { CheckpointGenerator } from '../../../core/generate.js';
import type { Checkpoint, Outcome } from '../../../core/schema.js';
import { blobCheckpointFromVector, blocksCheckpointFromVector, loadVectors, type CheckpointSequence } from '../../../core/vectors.js';
import { makeImplementation } from '../../registry.js';
import type { CallResult, Implementation } from '../../implementation.js';
import { NoirImplementation } from '../src/implementation.js';
import { SIZES } from '../src/params.js';

const outcomeOf = (r: CallResult | { kind: 'ok' }): Outcome => {
  if (r.kind !== 'outcome') throw new Error(`not an outcome: ${JSON.stringify(r)}`);
  return r.outcome;
};
/** What the circuit's statement covers: validity, the state reference and the archive. */
const covered = (o: Outcome) => (o.status === 'accepted' ? { status: o.status, state: o.state, archive: o.archive } : { status: o.status });
const fitsCircuit = (cp: { blocks: { txs: unknown[] }[] }) => cp.blocks.every((b) => b.txs.length <= SIZES.maxTxsPerBlock);

describe('noir: conformance vectors (small)', () => {
  const { sequences } = loadVectors<{ sequences: CheckpointSequence[] }>('checkpoints.json');
  const small = sequences.filter((s) => s.profile === 'small');

  it('agrees with Aztec on every checkpoint that fits the circuit, in both forms', async () => {
    const noir = new NoirImplementation();
    let checked = 0;
    for (const seq of small) {
      await noir.genesis({ profile: 'small', chainId: 31337n, version: 1n });
      for (const { checkpoint, expected } of seq.checkpoints) {
        const blocks = blocksCheckpointFromVector('small', checkpoint);
        const before = (await noir.snapshot()) as Uint8Array;
        if (!fitsCircuit(checkpoint)) {
          // Beyond the circuit's MAX_TXS_PER_BLOCK: no witness, so rejected; the sequence stops.
          expect(outcomeOf(await noir.apply(encodeCheckpoint(blocks))).status).toBe('rejected');
          break;
        }
        const blob = blobCheckpointFromVector('small', checkpoint, expected.blobFields);
        const want = { status: 'accepted', state: expected.state.map(BigInt), archive: [BigInt(expected.archive[0]), BigInt(expected.archive[1])] };
        expect(covered(outcomeOf(await noir.apply(encodeCheckpoint(blob))))).toEqual(want);
        await noir.restore(before);
        expect(covered(outcomeOf(await noir.apply(encodeCheckpoint(blocks))))).toEqual(want);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});

describe('noir: agreement with ts and rust on generated small checkpoints', () => {
  let impls: Implementation[] = [];
  beforeAll(async () => {
    impls = [new NoirImplementation(), makeImplementation('ts', 60_000), makeImplementation('rust', 60_000)];
    for (const i of impls) expect((await i.genesis({ profile: 'small', chainId: 31337n, version: 1n })).kind).toBe('ok');
  });
  afterAll(async () => {
    for (const i of impls) await i.close();
  });

  async function applyAll(cp: Checkpoint): Promise<Outcome[]> {
    const bytes = encodeCheckpoint(cp);
    return Promise.all(impls.map(async (i) => outcomeOf(await i.apply(bytes))));
  }

  it('same validity, state reference and archive, blocks and blob forms, valid and invalid', async () => {
    const gen = new CheckpointGenerator({ profile: 'small', seed: 7, maxTxs: SIZES.maxTxsPerBlock, maximal: false });
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 8; i++) {
      const cp = gen.next();
      if (cp.form !== 'blocks') throw new Error('generator makes blocks form');
      // An invalid variant first (it must leave the state alone), then the valid checkpoint,
      // every other time in blob form (the fields as ts published them).
      const bad = invalidVariant(cp, i);
      const badOut = await applyAll(bad);
      expect(badOut.map(covered)).toEqual(badOut.map(() => ({ status: 'rejected' })));
      rejected++;
      const refs = await impls[1].snapshot();
      const outs = await applyAll(cp);
      expect(outs[0].status).toBe('accepted');
      expect(covered(outs[0])).toEqual(covered(outs[1]));
      expect(covered(outs[0])).toEqual(covered(outs[2]));
      accepted++;
      if (i % 2 === 1 && outs[1].status === 'accepted') {
        const blob: Checkpoint = { ...cp, form: 'blob', blocks: null, blobFields: outs[1].blobFields };
        for (const impl of impls) await impl.restore(refs as Uint8Array);
        const blobOuts = await applyAll(blob);
        expect(covered(blobOuts[0])).toEqual(covered(outs[1]));
        expect(covered(blobOuts[2])).toEqual(covered(outs[1]));
      }
    }
    expect(accepted + rejected).toBe(16);
  });

  it('header values out of Aztec\'s ranges (spec §4.5) are rejected by all three; at the top of the ranges accepted', async () => {
    const gen = new CheckpointGenerator({ profile: 'small', seed: 8, maxTxs: SIZES.maxTxsPerBlock, maximal: false });
    for (const impl of impls) await impl.genesis({ profile: 'small', chainId: 31337n, version: 1n });
    const cp = gen.next();
    for (const [k, bits] of [['slotNumber', 32n], ['coinbase', 160n], ['feePerDaGas', 128n], ['feePerL2Gas', 128n]] as const) {
      const outs = await applyAll({ ...cp, header: { ...cp.header, [k]: 1n << bits } });
      expect({ k, outs: outs.map(covered) }).toEqual({ k, outs: outs.map(() => ({ status: 'rejected' })) });
      for (const o of outs.slice(1)) expect(o).toMatchObject({ code: 'E_HEADER_OUT_OF_RANGE' }); // ts, rust (noir has no codes)
    }
    const top = { slotNumber: (1n << 32n) - 1n, coinbase: (1n << 160n) - 1n, feePerDaGas: (1n << 128n) - 1n, feePerL2Gas: (1n << 128n) - 1n };
    const outs = await applyAll({ ...cp, header: { ...cp.header, ...top } });
    expect(outs.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(covered(outs[0])).toEqual(covered(outs[2]));
  });
});

type DeepMutable<T> = T extends bigint | number | string | boolean | null ? T : T extends readonly (infer U)[] ? DeepMutable<U>[] : { -readonly [K in keyof T]: DeepMutable<T[K]> };

describe('noir: interface behaviour', () => {
  it('refuses the aztec profile at genesis, a state no chain reaches at restore', async () => {
    const noir = new NoirImplementation();
    const g = await noir.genesis({ profile: 'aztec', chainId: 31337n, version: 1n });
    expect(g.kind).toBe('protocol-error');
    expect((g as { message: string }).message).toMatch(/small/);
    expect((await noir.restore(new Uint8Array([1, 2, 3]))).kind).toBe('protocol-error');
    expect((await noir.apply(new Uint8Array([0xc0]))).kind).toBe('protocol-error'); // before genesis
    await noir.genesis({ profile: 'small', chainId: 31337n, version: 1n });
    expect(outcomeOf(await noir.apply(new Uint8Array([0xc0])))).toMatchObject({ status: 'rejected', code: 'E_MALFORMED_INPUT' });
  });

  it('its snapshots are byte-identical to the ts implementation\'s after the same checkpoints', async () => {
    const noir = new NoirImplementation();
    const ts = makeImplementation('ts', 60_000);
    for (const i of [noir, ts]) await i.genesis({ profile: 'small', chainId: 31337n, version: 1n });
    const gen = new CheckpointGenerator({ profile: 'small', seed: 3, maxTxs: SIZES.maxTxsPerBlock, maximal: true });
    for (let k = 0; k < 2; k++) {
      const bytes = encodeCheckpoint(gen.next());
      for (const i of [noir, ts]) expect(outcomeOf(await i.apply(bytes)).status).toBe('accepted');
    }
    const snap = (await noir.snapshot()) as Uint8Array;
    expect(Buffer.from(snap).equals(Buffer.from((await ts.snapshot()) as Uint8Array))).toBe(true);
    // And a restored copy carries on identically.
    const again = new NoirImplementation();
    expect((await again.restore(snap)).kind).toBe('ok');
    const next = encodeCheckpoint(gen.next());
    expect(covered(outcomeOf(await again.apply(next)))).toEqual(covered(outcomeOf(await noir.apply(next))));
  });
});

/** A checkpoint §7 rejects, made from a valid one (a different rule each time). */
function invalidVariant(cp: Extract<Checkpoint, { form: "blocks" }>, i: number): Checkpoint {
  return mutate(cp, i) as unknown as Checkpoint;
}

function mutate(cp: Extract<Checkpoint, { form: "blocks" }>, i: number) {
  const c = structuredClone(cp) as DeepMutable<typeof cp>;
  const txs = c.blocks.flatMap((b) => b.txs);
  switch (i % 8) {
    case 0:
      return { ...c, header: { ...c.header, chainId: c.header.chainId + 1n } }; // E_CHAIN_ID
    case 1:
      return { ...c, header: { ...c.header, slotNumber: 0n } }; // E_SLOT
    case 2:
      c.blocks[0].blockNumber += 1; // E_BLOCK_NUMBER
      return c;
    case 3:
      if (txs.length > 0) txs[0].nullifiers = [1n]; // E_NULLIFIER_EXISTS (prefilled key 1)
      else c.blocks[0].totalManaUsed = 1n << 48n; // E_MANA_OUT_OF_RANGE
      return c;
    case 4:
      if (txs.length > 0) txs[0].nullifiers = [txs[0].nullifiers[0], txs[0].nullifiers[0]]; // E_DUPLICATE_NULLIFIER
      else c.blocks.push({ blockNumber: c.blocks[0].blockNumber + 1, totalManaUsed: 0n, txs: [] }); // E_EMPTY_BLOCK
      return c;
    case 5:
      if (txs.length > 0) txs[0].publicDataWrites = [[0n, 0n]]; // E_EMPTY_PUBLIC_DATA_WRITE
      else return { ...c, header: { ...c.header, timestamp: 0n } }; // E_TIMESTAMP
      return c;
    case 6:
      if (txs.length > 0) txs[0].noteHashes = [5n, 0n]; // E_ZERO_NOTE_HASH
      else c.blocks = []; // E_NO_BLOCKS
      return c;
    default:
      if (txs.length > 0) txs[0].revertCode = 4; // E_BAD_REVERT_CODE
      else c.blocks[0].blockNumber = 0;
      return c;
  }
}
