// The evidence bundle (watch/EVIDENCE.md): everything a council member needs to check a finding
// alone, as one JSON file. Written atomically (temporary file, fsync, rename); read back through
// effect's Schema, so a damaged or hostile bundle is a typed DecodeError, never a crash.

import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Either, Schema } from 'effect';
import type { Hex } from 'viem';
import { DecodeError, schemaIssue } from '../core/codec.js';
import { wrongKind } from '../core/file-kind.js';
import type { Verdict } from './store.js';

const Hex32 = Schema.String.pipe(Schema.pattern(/^0x[0-9a-f]{64}$/));
const HexBytes = Schema.String.pipe(Schema.pattern(/^0x([0-9a-f]{2})*$/));
const Address = Schema.String.pipe(Schema.pattern(/^0x[0-9a-fA-F]{40}$/));
const Base64 = Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9+/]*={0,2}$/));
const Fields = (n: number) => Schema.Array(Hex32).pipe(Schema.itemsCount(n));
const NonNegInt = Schema.Number.pipe(Schema.int(), Schema.nonNegative());
const Text = (max: number) => Schema.String.pipe(Schema.maxLength(max));
/** Upper bounds of a bundle: a hostile one is a one-line DecodeError (exit 3), never a RangeError. */
export const BUNDLE_MAX_BYTES = 8 * 1024 * 1024;

export const OutcomeSchema = Schema.Struct({
  impl: Text(200),
  kind: Text(40),
  post: Schema.optional(Fields(13)),
  code: Schema.optional(Text(200)),
  message: Schema.optional(Text(2000)),
  elapsedMs: Schema.Number,
});

export const EvidenceSchema = Schema.Struct({
  v: Schema.Literal(1),
  kind: Schema.Literal('difftower-evidence'),
  finding: Schema.Literal('wrong-root', 'invalid-checkpoint', 'implementations-disagree', 'malformed-proposal'),
  reason: Text(4000),
  createdAt: Text(64),
  l1: Schema.Struct({
    chainId: NonNegInt,
    rollup: Address,
    gate: Address,
    proposalTx: Hex32,
    blockNumber: NonNegInt,
    blockHash: Hex32,
  }),
  checkpoint: NonNegInt,
  l2: Schema.Struct({ chainId: Hex32, version: Hex32 }),
  preState: Schema.Struct({
    /** §9 positions 0..14: chain id, version, the parent's 13 post-state fields. */
    statement: Fields(15),
    /** The canonical msgpack state file (spec §8) of the pre-state, base64. */
    stateFile: Base64.pipe(Schema.maxLength(4 * 1024 * 1024)),
  }),
  /** What the proposal carried (unpadded), as 32-byte hex. */
  data: Schema.Struct({
    header: Schema.Array(Hex32).pipe(Schema.maxItems(8)),
    l1ToL2Messages: Schema.Array(Hex32).pipe(Schema.maxItems(4)),
    blobFields: Schema.Array(Hex32).pipe(Schema.maxItems(96)),
  }),
  /** The blob-form checkpoint's canonical msgpack (base64), null when the calldata is not a checkpoint. */
  checkpointBytes: Schema.NullOr(Base64.pipe(Schema.maxLength(64 * 1024))),
  attested: Schema.Struct({ post: Fields(13), postHash: Hex32, parentPostHash: Hex32, dataHash: Hex32 }),
  outcomes: Schema.Array(OutcomeSchema).pipe(Schema.maxItems(16)),
  /** The post-state the implementations agree on, when they do and accept. */
  computedPost: Schema.NullOr(Fields(13)),
  /** A Noir (UltraHonk, evm target) proof of pre ‖ data ‖ computedPost, when one was made. */
  proof: Schema.NullOr(Schema.Struct({ circuit: Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/)), statement: Fields(136), proof: HexBytes.pipe(Schema.maxLength(256 * 1024)) })),
  /** The L1 submission of trigger (a), when the watchtower posted it. */
  submission: Schema.NullOr(Schema.Struct({ txHash: Schema.NullOr(Hex32), gasUsed: Schema.NullOr(Text(80)), note: Text(2000) })),
});

export type Evidence = typeof EvidenceSchema.Type;
export type EvidenceFinding = Evidence['finding'];

export const isEvidenceVerdict = (v: Verdict): v is EvidenceFinding => v !== 'ok' && v !== 'parent-disputed';

export function encodeEvidence(e: Evidence): string {
  return JSON.stringify(e, null, 1) + '\n';
}

export function decodeEvidence(text: string): Evidence {
  if (text.length > BUNDLE_MAX_BYTES) throw new DecodeError('evidence bundle', `${text.length} bytes, more than the ${BUNDLE_MAX_BYTES} a bundle can have`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DecodeError('evidence bundle', wrongKind('evidence', text) ?? `not JSON (${(err as Error).message})`);
  }
  const r = Schema.decodeUnknownEither(EvidenceSchema)(raw, { onExcessProperty: 'error' });
  if (Either.isLeft(r)) throw new DecodeError('evidence bundle', wrongKind('evidence', text) ?? schemaIssue(r.left));
  return r.right;
}

/** The first schema issue as one line: `path: message`. */
function oneLine(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const i = issues[0];
  if (!i) return 'does not match the bundle format';
  const msg = i.message.split('\n')[0]!.slice(0, 200);
  return `${i.path.map(String).join('.') || '(root)'}: ${msg}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`;
}

export function evidenceFileName(checkpoint: number, attestedPostHash: Hex, proposalTx: Hex): string {
  return `checkpoint-${String(checkpoint).padStart(6, '0')}-${attestedPostHash.slice(2, 10)}-${proposalTx.slice(2, 10)}.json`;
}

/** File system calls used by writeFileAtomic (tests substitute a shim that fails with ENOSPC). */
export const fsOps = { openSync, writeSync, fsyncSync, closeSync, renameSync, rmSync };

/**
 * Writes `text` to `path` atomically and durably (a reader never sees a partial bundle). On any
 * failure (a full disk: ENOSPC) the temporary file is removed and the error is rethrown.
 */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = fsOps.openSync(tmp, 'w');
    try {
      const buf = Buffer.from(text);
      for (let off = 0; off < buf.length; ) off += fsOps.writeSync(fd, buf, off, buf.length - off);
      fsOps.fsyncSync(fd);
    } finally {
      fsOps.closeSync(fd);
    }
    fsOps.renameSync(tmp, path);
  } catch (err) {
    fsOps.rmSync(tmp, { force: true });
    throw err;
  }
  const dfd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

export const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
export const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
