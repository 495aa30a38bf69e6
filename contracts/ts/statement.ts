// The proof statement of spec/STF.md §9 (`small` profile) as the contracts see it: 136 field
// elements (bytes32), and the keccak commitments Rollup.sol stores. Everything here must match
// contracts/sol/Statement.sol and Rollup.sol byte for byte (tests compare both).

import { concat, encodeAbiParameters, isHex, keccak256, numberToHex, padHex, type Address, type Hex } from 'viem';

/** A field element as the CLI holds it (bigint, core/schema's Fr) or as 32-byte hex. */
export type FieldLike = bigint | number | Hex;

export const STATEMENT = {
  TOTAL: 136,
  /** Positions 0..122 are public inputs, 123..135 the circuit's return values. */
  INPUTS: 123,
  PRE: 15,
  /** chainId, version, then the previous checkpoint's 13 post-state fields. */
  PRE_STATE_START: 2,
  DATA_START: 15,
  DATA: 108,
  HEADER: 8,
  MAX_L1_TO_L2_MSGS: 4,
  MAX_BLOB_FIELDS: 96,
  POST_START: 123,
  POST: 13,
  /** Index of the archive root inside the 13 post-state fields. */
  POST_ARCHIVE_ROOT: 11,
} as const;

const TWO_256 = 1n << 256n;

/** Normalise a field element to 32-byte big-endian hex (no reduction: values >= p pass through). */
export function toField(x: FieldLike): Hex {
  if (typeof x === 'string') {
    if (!isHex(x) || x.length > 66) throw new RangeError(`not a 32-byte hex field element: ${x}`);
    return padHex(x.toLowerCase() as Hex, { size: 32 });
  }
  const v = BigInt(x);
  if (v < 0n || v >= TWO_256) throw new RangeError(`field element out of range: ${v}`);
  return numberToHex(v, { size: 32 });
}

export function toFields(xs: readonly FieldLike[], expected?: number, what = 'fields'): Hex[] {
  if (expected !== undefined && xs.length !== expected) {
    throw new RangeError(`${what}: expected ${expected} field elements, got ${xs.length}`);
  }
  return xs.map(toField);
}

/** What one proposal carries (§9 positions 15..122, unpadded). */
export interface CheckpointData {
  /** 8 fields: chainId, version, slotNumber, timestamp, coinbase, feeRecipient, feePerDaGas, feePerL2Gas. */
  header: readonly FieldLike[];
  /** At most 4. */
  l1ToL2Messages: readonly FieldLike[];
  /** At most 96: the checkpoint's blob field encoding (§6). */
  blobFields: readonly FieldLike[];
}

/** The 13 post-state fields in §9 order from their parts. */
export function postStateFields(p: {
  blockNumber: FieldLike;
  slotNumber: FieldLike;
  timestamp: FieldLike;
  /** root, nextIndex of the L1-to-L2, note-hash, nullifier and public-data trees (8 fields). */
  state: readonly FieldLike[];
  /** archive root, nextIndex. */
  archive: readonly FieldLike[];
}): Hex[] {
  return [
    toField(p.blockNumber),
    toField(p.slotNumber),
    toField(p.timestamp),
    ...toFields(p.state, 8, 'state'),
    ...toFields(p.archive, 2, 'archive'),
  ];
}

/** Checkpoint data normalised (header 8, messages and blob fields unpadded). */
export function normaliseData(d: CheckpointData): { header: Hex[]; l1ToL2Messages: Hex[]; blobFields: Hex[] } {
  if (d.l1ToL2Messages.length > STATEMENT.MAX_L1_TO_L2_MSGS) {
    throw new RangeError(`at most ${STATEMENT.MAX_L1_TO_L2_MSGS} L1-to-L2 messages, got ${d.l1ToL2Messages.length}`);
  }
  if (d.blobFields.length > STATEMENT.MAX_BLOB_FIELDS) {
    throw new RangeError(`at most ${STATEMENT.MAX_BLOB_FIELDS} blob fields, got ${d.blobFields.length}`);
  }
  return {
    header: toFields(d.header, STATEMENT.HEADER, 'header'),
    l1ToL2Messages: toFields(d.l1ToL2Messages),
    blobFields: toFields(d.blobFields),
  };
}

const ZERO = toField(0n);
function padTo(xs: Hex[], n: number): Hex[] {
  return [...xs, ...Array<Hex>(n - xs.length).fill(ZERO)];
}

/** §9 positions 15..122: header, messages padded to 4, blob fields padded to 96. */
export function dataFields(d: CheckpointData): Hex[] {
  const n = normaliseData(d);
  return [...n.header, ...padTo(n.l1ToL2Messages, STATEMENT.MAX_L1_TO_L2_MSGS), ...padTo(n.blobFields, STATEMENT.MAX_BLOB_FIELDS)];
}

export function hashFields(fields: readonly Hex[]): Hex {
  return keccak256(fields.length === 0 ? '0x' : concat(fields as Hex[]));
}

/** Rollup's `dataHash` of a checkpoint. */
export function dataHash(d: CheckpointData): Hex {
  return hashFields(dataFields(d));
}

/** Rollup's `postHash` of 13 post-state fields. */
export function postHash(post: readonly FieldLike[]): Hex {
  return hashFields(toFields(post, STATEMENT.POST, 'post-state'));
}

/** The 136-field statement (pre-state from chain id, version and the parent's post-state). */
export function buildStatement(p: {
  l2ChainId: FieldLike;
  l2Version: FieldLike;
  parentPost: readonly FieldLike[];
  data: CheckpointData;
  post: readonly FieldLike[];
}): Hex[] {
  return [
    toField(p.l2ChainId),
    toField(p.l2Version),
    ...toFields(p.parentPost, STATEMENT.POST, 'parent post-state'),
    ...dataFields(p.data),
    ...toFields(p.post, STATEMENT.POST, 'post-state'),
  ];
}

/** Split a 136-field statement into its parts. */
export function splitStatement(s: readonly FieldLike[]): { pre: Hex[]; data: Hex[]; post: Hex[]; inputs: Hex[] } {
  const f = toFields(s, STATEMENT.TOTAL, 'statement');
  return {
    pre: f.slice(0, STATEMENT.PRE),
    data: f.slice(STATEMENT.DATA_START, STATEMENT.POST_START),
    post: f.slice(STATEMENT.POST_START),
    inputs: f.slice(0, STATEMENT.INPUTS),
  };
}

/** The same statement with another output (for evidence tests and the watcher). */
export function withOutput(s: readonly FieldLike[], post: readonly FieldLike[]): Hex[] {
  const { inputs } = splitStatement(s);
  return [...inputs, ...toFields(post, STATEMENT.POST, 'post-state')];
}

export const ATTESTATION_DOMAIN = keccak256(new TextEncoder().encode('difftower.attestation.v2'));

/** BN254 scalar field modulus: the contracts reject statement and proposal fields >= it. */
export const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416300301626234767917180553377n;

/** Rollup.attestationDigest: what each committee member signs (raw, no EIP-191 prefix). */
export function attestationDigest(p: {
  l1ChainId: number | bigint;
  rollup: Address;
  checkpoint: number | bigint;
  /** Rollup.proposalCount() + 1 when the proposal lands: makes the attestation single-use. */
  proposalId: number | bigint;
  parentPostHash: Hex;
  dataHash: Hex;
  postHash: Hex;
}): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }],
      [ATTESTATION_DOMAIN, BigInt(p.l1ChainId), p.rollup, BigInt(p.checkpoint), BigInt(p.proposalId), p.parentPostHash, p.dataHash, p.postHash],
    ),
  );
}
