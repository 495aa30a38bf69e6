// Canonical msgpack (spec §8): encode from the model, decode untrusted bytes through the schemas.

import { Either, ParseResult, Schema } from 'effect';
import { Packr, Unpackr } from 'msgpackr';
import * as S from './schema.js';

// Plain maps (no msgpackr records), bigints beyond 2^53 as 64-bit integers.
const packr = new Packr({ useRecords: false, variableMapSize: true });
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

function decodeWith<A, I>(schema: Schema.Schema<A, I>, what: string, bytes: Uint8Array): A {
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

function encodeWith<A, I>(schema: Schema.Schema<A, I>, value: A): Uint8Array {
  return packr.pack(Schema.encodeSync(schema)(value));
}

export const decodeCheckpoint = (bytes: Uint8Array) => decodeWith(S.Checkpoint, 'checkpoint', bytes);
export const encodeCheckpoint = (cp: S.Checkpoint) => encodeWith(S.Checkpoint, cp);
export const decodeChainState = (bytes: Uint8Array) => decodeWith(S.ChainStateFile, 'state', bytes);
export const encodeChainState = (st: S.ChainStateFile) => encodeWith(S.ChainStateFile, st);
export const decodeOutcome = (bytes: Uint8Array) => decodeWith(S.Outcome, 'outcome', bytes);
export const encodeOutcome = (o: typeof S.Outcome.Type) => encodeWith(S.Outcome, o);
