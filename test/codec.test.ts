// Canonical msgpack: round trips, canonical bytes, and typed errors for hostile input.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeChainState, decodeCheckpoint, encodeChainState, encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
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
  });
});

import { Packr } from 'msgpackr';
import { frToBytes } from '../core/schema.js';
/** Encodes without schema validation, to build deliberately invalid files. */
function encodeCheckpointLoose(cp: Record<string, unknown>): Uint8Array {
  const conv = (v: unknown): unknown =>
    typeof v === 'bigint' ? (v < 0n ? -1 : frToBytes(v)) : Array.isArray(v) ? v.map(conv) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)])) : v;
  return new Packr({ useRecords: false }).pack(conv(cp));
}
