// Canonical msgpack: round trips, canonical bytes, and typed errors for hostile input.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeChainState, decodeCheckpoint, encodeChainState, encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
import type { Checkpoint } from '../core/schema.js';
import { writeCheckpoint } from '../core/checkpoint-writer.js';
import { packCanonical } from '../core/msgpack-canonical.js';
import { CaseBuilder } from '../fuzz/build.js';
import { casePlanArb } from '../fuzz/plan.js';
import { ChainState, fromStateFile, toStateFile } from '../impls/ts/src/index.js';

describe('checkpoint codec', () => {
  it('round-trips generated checkpoints byte for byte (canonical)', () => {
    const gen = new CheckpointGenerator({ profile: 'small', seed: 11, maximal: true });
    for (let i = 0; i < 20; i++) {
      const cp = gen.next();
      const bytes = encodeCheckpoint(cp);
      const back = decodeCheckpoint(bytes);
      expect(back).toEqual(cp);
      expect(Buffer.from(encodeCheckpoint(back)).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
    }
  });

  it('field elements are 32-byte big-endian bins; >= p stays representable', () => {
    const cp = new CheckpointGenerator({ profile: 'small', seed: 1 }).next();
    const big = { ...cp, l1ToL2Messages: [(1n << 256n) - 1n] };
    expect(decodeCheckpoint(encodeCheckpoint(big)).l1ToL2Messages).toEqual([(1n << 256n) - 1n]);
  });

  it('arbitrary bytes never throw anything but DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        try {
          decodeCheckpoint(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a truncated or bit-flipped checkpoint is a DecodeError or decodes to a checkpoint', () => {
    const bytes = encodeCheckpoint(new CheckpointGenerator({ profile: 'small', seed: 2, maximal: true }).next());
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.nat(7), fc.boolean(), (pos, bit, truncate) => {
        const mutated = truncate ? bytes.slice(0, pos) : bytes.slice();
        if (!truncate) mutated[pos] ^= 1 << bit;
        try {
          expect(decodeCheckpoint(mutated).v).toBe(1);
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects wrong shapes with a message naming the field', () => {
    const cp = new CheckpointGenerator({ profile: 'small', seed: 3 }).next();
    const wrong = { ...cp, header: { ...cp.header, timestamp: -1n } } as never;
    expect(() => decodeCheckpoint(encodeCheckpointLoose(wrong))).toThrow(/timestamp/);
  });
});

describe('field element bytes (64 bits at a time)', () => {
  const refFrom = (bytes: Uint8Array) => bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);
  const refTo = (v: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * (31 - i))) & 0xffn));

  it('reads and writes as the byte-by-byte definition does, for any bigint and any byte string', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 300n), max: 1n << 300n }), fc.uint8Array({ maxLength: 40 }), fc.nat(7), (v, bytes, offset) => {
        expect(frToBytes(v)).toEqual(refTo(v));
        expect(frFromBytes(bytes)).toBe(refFrom(bytes));
        // a view into a larger buffer, as msgpackr hands bins over
        const big = new Uint8Array(offset + 32 + 3);
        big.set(refTo(v), offset);
        expect(frFromBytes(big.subarray(offset, offset + 32))).toBe(BigInt.asUintN(256, v));
      }),
      { numRuns: 500 },
    );
  });
});

describe('direct checkpoint writer (core/checkpoint-writer.ts)', () => {
  const viaSchema = (cp: Checkpoint) => packCanonical(Schema.encodeSync(S.Checkpoint)(cp));
  const hex = (b: Uint8Array | null) => (b ? Buffer.from(b).toString('hex') : null);

  it('writes the bytes of the schema route for generated and fuzz-built checkpoints of both forms and profiles', () => {
    const cps: Checkpoint[] = [];
    for (const profile of ['small', 'aztec'] as const) {
      const gen = new CheckpointGenerator({ profile, seed: 3, maximal: profile === 'small' });
      for (let i = 0; i < 6; i++) cps.push(gen.next());
    }
    const builder = new CaseBuilder('small');
    for (const plan of fc.sample(casePlanArb('small'), { numRuns: 40, seed: 8 })) {
      for (const bytes of builder.build(plan).checkpoints) {
        try {
          cps.push(decodeCheckpoint(bytes));
        } catch {
          // broken on purpose
        }
      }
    }
    expect(cps.filter((c) => c.form === 'blob').length).toBeGreaterThan(5);
    expect(cps.some((c) => c.form === 'blocks' && c.blocks.some((b) => b.txs.some((t) => t.contractClassLog !== null)))).toBe(true);
    for (const cp of cps) expect(hex(writeCheckpoint(cp))).toBe(hex(viaSchema(cp)));
  });

  it('agrees with the schema route on values at and beyond the edges of their wire types', () => {
    const base = new CheckpointGenerator({ profile: 'small', seed: 5 }).next() as Extract<Checkpoint, { form: 'blocks' }>;
    const frs = [0n, 1n, (1n << 256n) - 1n, 1n << 256n, -1n, -(1n << 255n)];
    const u64s = [0n, 127n, 128n, 255n, 256n, 65535n, 65536n, (1n << 32n) - 1n, 1n << 32n, (1n << 53n) + 1n, (1n << 64n) - 1n, 1n << 64n, -1n];
    const u32s = [0, 127, 128, 0xffff, 0x10000, 0xffffffff, 0x100000000, -1, 1.5];
    const variants: Checkpoint[] = [
      ...frs.map((v) => ({ ...base, header: { ...base.header, coinbase: v }, l1ToL2Messages: [v, v] })),
      ...u64s.map((v) => ({ ...base, header: { ...base.header, timestamp: v } })),
      ...u32s.map((n) => ({ ...base, blocks: [{ ...base.blocks[0], blockNumber: n }] })),
      ...[0, 255, 256].map((r) => ({ ...base, blocks: [{ ...base.blocks[0], txs: [{ ...base.blocks[0].txs[0], revertCode: r }] }] })),
      { ...base, blobFields: null, l1ToL2Messages: Array.from({ length: 70_000 }, (_, i) => BigInt(i)) },
    ];
    for (const cp of variants) {
      let expected: string | null;
      try {
        expected = hex(viaSchema(cp));
      } catch {
        expected = null; // out of range for the wire: the writer leaves it to the schema route
      }
      expect(hex(writeCheckpoint(cp))).toBe(expected);
    }
    expect(variants.filter((cp) => writeCheckpoint(cp) === null).length).toBe(6); // 2^64, -1n as u64; 2^32, -1, 1.5 as u32; revert code 256
  });
});

describe('canonical form only (spec §8)', () => {
  const cp = new CheckpointGenerator({ profile: 'small', seed: 5 }).next();
  const bytes = Buffer.from(encodeCheckpoint(cp));
  // The canonical map starts 0x87 (fixmap of 7), then "v" (a1 76) and 1 (01).
  it('the canonical bytes decode', () => {
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x87, 0xa1, 0x76, 0x01]));
    expect(decodeCheckpoint(bytes)).toEqual(cp);
  });
  it('a non-minimal integer is malformed', () => {
    const nonMinimal = Buffer.concat([Buffer.from([0x87, 0xa1, 0x76, 0xcc, 0x01]), bytes.subarray(4)]);
    expect(() => decodeCheckpoint(nonMinimal)).toThrow(/canonical/);
  });
  it('a repeated key is malformed', () => {
    const repeated = Buffer.concat([Buffer.from([0x88, 0xa1, 0x76, 0x01]), bytes.subarray(1)]);
    expect(() => decodeCheckpoint(repeated)).toThrow(DecodeError);
  });
  it('reordered keys and trailing bytes are malformed', () => {
    const { v, ...rest } = Schema.encodeSync(S.Checkpoint)(cp);
    const reordered = new Packr({ useRecords: false, variableMapSize: true }).pack({ ...rest, v });
    expect(() => decodeCheckpoint(reordered)).toThrow(DecodeError);
    expect(() => decodeCheckpoint(Buffer.concat([bytes, Buffer.from([0x00])]))).toThrow(DecodeError);
  });
  it('a revert code of 256 is malformed, 4..255 decode (and are E_BAD_REVERT_CODE for the STF)', () => {
    const withTx = new CheckpointGenerator({ profile: 'small', seed: 6, maximal: true }).next() as Extract<typeof cp, { form: 'blocks' }>;
    const tx = withTx.blocks[0].txs[0];
    // Encode through the schema with a valid code, then patch the wire object.
    const at = (revertCode: number) => {
      const wire = Schema.encodeSync(S.Checkpoint)({ ...withTx, blocks: [{ ...withTx.blocks[0], txs: [{ ...tx, revertCode: 0 }] }] }) as { blocks: { txs: { revertCode: number }[] }[] };
      wire.blocks[0].txs[0].revertCode = revertCode;
      return new Packr({ useRecords: false, variableMapSize: true }).pack(wire);
    };
    expect(() => decodeCheckpoint(at(256))).toThrow(/revertCode/);
    expect(decodeCheckpoint(at(255)).form).toBe('blocks');
  });
});

describe('state file', () => {
  it('snapshot and restore give the same state, and the restored state keeps going identically', () => {
    const gen = new CheckpointGenerator({ profile: 'small', seed: 4, maximal: true });
    const a = ChainState.genesis('small');
    for (let i = 0; i < 3; i++) a.apply(gen.next());
    const file = decodeChainState(encodeChainState(toStateFile(a)));
    const b = fromStateFile(file);
    expect(b.stateReference()).toEqual(a.stateReference());
    expect(b.archiveSnapshot()).toEqual(a.archiveSnapshot());
    const next = gen.next();
    expect(b.apply(structuredClone(next))).toEqual(a.apply(next));
  });

  it('an inconsistent state file is refused', () => {
    const file = toStateFile(ChainState.genesis('small'));
    expect(() => fromStateFile({ ...file, nullifiers: [0n, 1n, 2n, 3n, 9n, 9n] })).toThrow(/twice/);
    expect(() => fromStateFile({ ...file, nullifiers: [5n, 1n, 2n, 3n] })).toThrow(/prefilled/);
    expect(() => fromStateFile({ ...file, archive: [] })).toThrow(/archive is empty/);
    expect(() => fromStateFile({ ...file, noteHashes: [1n << 255n] })).toThrow(/modulus/);
    expect(() => fromStateFile({ ...file, noteHashes: Array(65).fill(1n) })).toThrow(/full/);
  });
});

import { Schema } from 'effect';
import { Packr } from 'msgpackr';
import * as S from '../core/schema.js';
import { frFromBytes, frToBytes } from '../core/schema.js';
/** Encodes without schema validation, to build deliberately invalid files. */
function encodeCheckpointLoose(cp: Record<string, unknown>): Uint8Array {
  const conv = (v: unknown): unknown =>
    typeof v === 'bigint' ? (v < 0n ? -1 : frToBytes(v)) : Array.isArray(v) ? v.map(conv) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)])) : v;
  return new Packr({ useRecords: false }).pack(conv(cp));
}

describe('canonical integers above 2^32 (found by the fuzzer: msgpackr wrote them as float64)', () => {
  const gen = new CheckpointGenerator({ profile: 'small', seed: 7 });
  const cp = gen.next();
  const big = { ...cp, blocks: cp.blocks!.map((b) => ({ ...b, totalManaUsed: (1n << 48n) - 1n })) } as Checkpoint;

  it('writes a u64 >= 2^32 as msgpack uint64 (0xcf), never float64 or int64', () => {
    const bytes = Buffer.from(encodeCheckpoint(big));
    const at = bytes.indexOf(Buffer.from('totalManaUsed'));
    expect(bytes[at + 'totalManaUsed'.length]).toBe(0xcf);
    expect(bytes.readBigUInt64BE(at + 'totalManaUsed'.length + 1)).toBe((1n << 48n) - 1n);
    expect(decodeCheckpoint(bytes).blocks![0].totalManaUsed).toBe((1n << 48n) - 1n);
  });

  it('refuses the float64 and int64 spellings of the same value as not canonical', () => {
    const bytes = Buffer.from(encodeCheckpoint(big));
    const at = bytes.indexOf(Buffer.from('totalManaUsed')) + 'totalManaUsed'.length;
    const asFloat = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xcb]), (() => { const b = Buffer.alloc(8); b.writeDoubleBE(2 ** 48 - 1); return b; })(), bytes.subarray(at + 9)]);
    const asInt64 = Buffer.from(bytes);
    asInt64[at] = 0xd3;
    expect(() => decodeCheckpoint(asFloat)).toThrow(DecodeError);
    expect(() => decodeCheckpoint(asInt64)).toThrow(DecodeError);
  });
});
