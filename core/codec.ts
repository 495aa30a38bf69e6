// Canonical msgpack (spec §8): encode from the model, decode untrusted bytes through the schemas.

import { Either, ParseResult, Schema } from 'effect';
import { Unpackr } from 'msgpackr';
import { packCanonical } from './msgpack-canonical.js';
import * as S from './schema.js';

// Reading: plain maps (no msgpackr records), 64-bit integers as bigints. Writing: our own
// canonical writer (msgpack-canonical.ts).
const unpackr = new Unpackr({ useRecords: false, int64AsType: 'bigint', mapsAsObjects: true });

export class DecodeError extends Error {
  readonly _tag = 'DecodeError';
  constructor(
    readonly what: string,
    message: string,
  ) {
    super(`invalid ${what}: ${message}`);
    this.name = 'DecodeError';
  }
}

export function decodeWith<A, I>(schema: Schema.Schema<A, I>, what: string, bytes: Uint8Array): A {
  let raw: unknown;
  try {
    raw = unpackr.unpack(bytes);
  } catch (err) {
    throw new DecodeError(what, `not msgpack (${(err as Error).message})`);
  }
  const result = Schema.decodeUnknownEither(schema)(raw, { onExcessProperty: 'error' });
  if (Either.isLeft(result)) throw new DecodeError(what, ParseResult.TreeFormatter.formatErrorSync(result.left));
  return result.right;
}

export function encodeWith<A, I>(schema: Schema.Schema<A, I>, value: A): Uint8Array {
  return packCanonical(Schema.encodeSync(schema)(value));
}

/**
 * Decodes a checkpoint, accepting only its canonical encoding (spec §8): one checkpoint, one byte
 * string. Re-encoding and comparing catches repeated, reordered or unknown keys, non-minimal
 * headers and trailing bytes alike.
 */
export function decodeCheckpoint(bytes: Uint8Array): S.Checkpoint {
  const cp = decodeWith(S.Checkpoint, 'checkpoint', bytes);
  const canonical = encodeCheckpoint(cp);
  if (!Buffer.from(canonical.buffer, canonical.byteOffset, canonical.byteLength).equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) {
    throw new DecodeError('checkpoint', 'not in canonical form (spec §8): keys, order or integer/length encodings differ');
  }
  return cp;
}
export const encodeCheckpoint = (cp: S.Checkpoint) => encodeWith(S.Checkpoint, cp);
export const decodeChainState = (bytes: Uint8Array) => decodeWith(S.ChainStateFile, 'state', bytes);
export const encodeChainState = (st: S.ChainStateFile) => encodeWith(S.ChainStateFile, st);
export const decodeOutcome = (bytes: Uint8Array) => decodeWith(S.Outcome, 'outcome', bytes);
export const encodeOutcome = (o: typeof S.Outcome.Type) => encodeWith(S.Outcome, o);
