// Canonical msgpack (spec §8): encode from the model, decode untrusted bytes through the schemas.

import * as Either from 'effect/Either';
import * as ParseResult from 'effect/ParseResult';
import * as Schema from 'effect/Schema';
import { Unpackr } from 'msgpackr';
import { DecodeError } from './errors.js';
import { wrongKind, type FileKind } from './file-kind.js';
import { writeCheckpoint } from './checkpoint-writer.js';
import { packCanonical } from './msgpack-canonical.js';
import * as S from './schema.js';

export { DecodeError } from './errors.js';

// Reading: plain maps (no msgpackr records), 64-bit integers as bigints. Writing: our own
// canonical writer (msgpack-canonical.ts).
const unpackr = new Unpackr({ useRecords: false, int64AsType: 'bigint', mapsAsObjects: true });

/**
 * One line for a schema failure: the most specific issue (the deepest path; in a union, the
 * branch that got furthest) and how many others there are. A full tree is kilobytes long.
 */
export function schemaIssue(error: ParseResult.ParseError): string {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error);
  if (issues.length === 0) return 'does not match the format';
  const best = issues.reduce((a, b) => (b.path.length > a.path.length ? b : a));
  const where = best.path.length ? `at ${best.path.join('.')}: ` : '';
  const message = best.message.replace(/\s+/g, ' ');
  return `${where}${message.length > 160 ? `${message.slice(0, 157)}...` : message}`;
}

/**
 * Decodes untrusted msgpack through a schema. `kind` names the file kind expected, so that a
 * different difftower file (a checkpoint given as a state) is named instead of a schema error.
 */
export function decodeWith<A, I>(schema: Schema.Schema<A, I>, what: string, bytes: Uint8Array, kind?: FileKind): A {
  let raw: unknown;
  try {
    raw = unpackr.unpack(bytes);
  } catch (err) {
    throw new DecodeError(what, (kind && wrongKind(kind, bytes)) ?? `not msgpack (${(err as Error).message})`);
  }
  const result = Schema.decodeUnknownEither(schema)(raw, { onExcessProperty: 'error' });
  if (Either.isLeft(result)) throw new DecodeError(what, (kind && wrongKind(kind, bytes)) ?? schemaIssue(result.left));
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
  const cp = decodeWith(S.Checkpoint, 'checkpoint', bytes, 'checkpoint');
  const canonical = encodeCheckpoint(cp);
  if (!Buffer.from(canonical.buffer, canonical.byteOffset, canonical.byteLength).equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) {
    throw new DecodeError('checkpoint', 'not in canonical form (spec §8): keys, order or integer/length encodings differ');
  }
  return cp;
}
/** A checkpoint's canonical bytes (written directly; through the schema when a value is out of range, to report it). */
export const encodeCheckpoint = (cp: S.Checkpoint) => writeCheckpoint(cp) ?? encodeWith(S.Checkpoint, cp);
export const decodeChainState = (bytes: Uint8Array) => decodeWith(S.ChainStateFile, 'state', bytes, 'state');
export const encodeChainState = (st: S.ChainStateFile) => encodeWith(S.ChainStateFile, st);
export const decodeOutcome = (bytes: Uint8Array) => decodeWith(S.Outcome, 'outcome', bytes, 'outcome');
export const encodeOutcome = (o: typeof S.Outcome.Type) => encodeWith(S.Outcome, o);
