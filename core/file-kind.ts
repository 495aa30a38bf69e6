// What kind of difftower file some bytes are, from their decoded shape alone: so that a file given
// in the wrong place is named in one line ("this is a checkpoint, not a state") instead of a schema
// dump. Only the top-level keys are looked at; the real decoding is the schema's job.

import { Unpackr } from 'msgpackr';

export type FileKind = 'checkpoint' | 'state' | 'outcome' | 'case' | 'proof' | 'evidence';

/** How each kind is named in messages: what it is and which command makes it. */
export const FILE_KIND_NAMES: Record<FileKind, string> = {
  checkpoint: 'a checkpoint file (as written by `difftower gen`)',
  state: 'a chain state file (as written by `difftower genesis` or `apply --out`)',
  outcome: 'an outcome file',
  case: 'a case file (.case: a finding, seed or regression)',
  proof: 'a proof file (as written by `difftower prove`)',
  evidence: 'an evidence bundle (as written by `difftower watch`)',
};

const has = (o: Record<string, unknown>, ...keys: string[]) => keys.every((k) => k in o);

/** The kind of an already-decoded value (a msgpack map or a JSON object), if it looks like one. */
export function kindOfValue(raw: unknown): FileKind | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  if (o.kind === 'difftower-case') return 'case';
  if (o.kind === 'difftower-proof') return 'proof';
  if (o.kind === 'difftower-evidence') return 'evidence';
  if (has(o, 'header', 'form', 'l1ToL2Messages')) return 'checkpoint';
  if (has(o, 'last', 'noteHashes', 'nullifiers', 'publicData')) return 'state';
  if (o.status === 'accepted' || o.status === 'rejected') return 'outcome';
  return undefined;
}

const unpackr = new Unpackr({ useRecords: false, int64AsType: 'bigint', mapsAsObjects: true });

/** The kind of a file's bytes: JSON when it starts with `{`, msgpack otherwise. */
export function kindOfBytes(bytes: Uint8Array): FileKind | undefined {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  try {
    if (bytes[i] === 0x7b) return kindOfValue(JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')));
    return kindOfValue(unpackr.unpack(bytes));
  } catch {
    return undefined;
  }
}

/** "this is X, not Y" when the bytes are recognisably another kind of difftower file. */
export function wrongKind(expected: FileKind, bytes: Uint8Array | string): string | undefined {
  const actual = kindOfBytes(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
  if (actual === undefined || actual === expected) return undefined;
  return `this is ${FILE_KIND_NAMES[actual]}, not ${FILE_KIND_NAMES[expected]}`;
}
