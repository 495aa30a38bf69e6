// Reading the files a command is given: a missing file, a directory, bytes of the wrong kind or an
// invalid file are each one line naming the file (DecodeError, exit 3).

import { readFileSync } from 'node:fs';
import { DecodeError } from '../core/errors.js';
import { wrongKind, type FileKind } from '../core/file-kind.js';

/** Reads an input file; a missing file or a directory is a DecodeError (exit 3) naming the path. */
export function readInput(path: string, what = 'file'): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new DecodeError(what, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is a directory' : (err as Error).message}`);
  }
}

/**
 * Reads and decodes an input file of the given kind. A DecodeError names the file, and a different
 * kind of difftower file is named as such ("this is a checkpoint file, not a proof file").
 */
export function decodeFile<T>(path: string, kind: FileKind, decode: (bytes: Uint8Array) => T): T {
  const what = kind === 'state' ? 'state' : kind === 'case' ? 'case file' : kind === 'proof' ? 'proof file' : kind === 'evidence' ? 'evidence bundle' : kind;
  const bytes = readInput(path, what);
  try {
    return decode(bytes);
  } catch (err) {
    if (err instanceof DecodeError) throw new DecodeError(err.what, `${path}: ${wrongKind(kind, bytes) ?? err.message.replace(/^invalid [^:]*: /, '')}`);
    throw err;
  }
}

