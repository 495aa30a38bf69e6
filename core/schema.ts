// The canonical difftower data model (spec §8) as effect Schemas. Untrusted bytes are decoded
// with these at the boundary: anything that does not match is a typed decode error, never a crash.

import * as Schema from 'effect/Schema';
import { setUint256 } from './msgpack-canonical.js';

const FIELD_BYTES = 32;

/** A field element on the wire: 32 bytes big-endian (values >= p are representable on purpose). */
export const Fr = Schema.transform(
  Schema.Uint8ArrayFromSelf.pipe(Schema.filter((b) => b.length === FIELD_BYTES, { message: () => 'a field element must be 32 bytes' })),
  Schema.BigIntFromSelf,
  {
    strict: true,
    decode: (bytes) => frFromBytes(bytes),
    encode: (v) => frToBytes(v),
  },
);

/** Big-endian bytes as an unsigned integer (64 bits at a time: a bigint operation per byte is slow). */
export function frFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length !== FIELD_BYTES) {
    let v = 0n;
    for (const b of bytes) v = (v << 8n) | BigInt(b);
    return v;
  }
  const d = new DataView(bytes.buffer, bytes.byteOffset, FIELD_BYTES);
  return (((((d.getBigUint64(0) << 64n) | d.getBigUint64(8)) << 64n) | d.getBigUint64(16)) << 64n) | d.getBigUint64(24);
}

/** The low 256 bits of v (two's complement for a negative one), big-endian. */
export function frToBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(FIELD_BYTES);
  setUint256(new DataView(out.buffer), 0, v);
  return out;
}

const U32 = Schema.Number.pipe(Schema.int(), Schema.between(0, 0xffffffff));
/** u64 on the wire is a msgpack integer: a JS number when small, a bigint beyond 2^53. */
const U64 = Schema.transform(Schema.Union(Schema.Number.pipe(Schema.int(), Schema.nonNegative()), Schema.BigIntFromSelf), Schema.BigIntFromSelf, {
  strict: true,
  decode: (v) => BigInt(v),
  encode: (v) => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v),
}).pipe(Schema.filter((v) => v >= 0n && v < 1n << 64n, { message: () => 'not a u64' }));

export const Profile = Schema.Literal('aztec', 'small');

export const CheckpointHeader = Schema.Struct({
  chainId: Fr,
  version: Fr,
  slotNumber: Fr,
  timestamp: U64,
  coinbase: Fr,
  feeRecipient: Fr,
  feePerDaGas: Fr,
  feePerL2Gas: Fr,
});

export const TxEffect = Schema.Struct({
  revertCode: Schema.Number.pipe(Schema.int(), Schema.between(0, 255)),
  txHash: Fr,
  transactionFee: Fr,
  noteHashes: Schema.mutable(Schema.Array(Fr)),
  nullifiers: Schema.mutable(Schema.Array(Fr)),
  l2ToL1Msgs: Schema.mutable(Schema.Array(Fr)),
  publicDataWrites: Schema.mutable(Schema.Array(Schema.mutable(Schema.Tuple(Fr, Fr)))),
  privateLogs: Schema.mutable(Schema.Array(Schema.mutable(Schema.Array(Fr)))),
  publicLogs: Schema.mutable(Schema.Array(Fr)),
  contractClassLog: Schema.NullOr(Schema.Struct({ contractAddress: Fr, fields: Schema.mutable(Schema.Array(Fr)) })),
});

export const Block = Schema.Struct({
  blockNumber: U32,
  totalManaUsed: U64,
  txs: Schema.mutable(Schema.Array(TxEffect)),
});

const CheckpointCommon = {
  v: Schema.Literal(1),
  profile: Profile,
  header: CheckpointHeader,
  l1ToL2Messages: Schema.mutable(Schema.Array(Fr)),
};

export const BlocksCheckpoint = Schema.Struct({
  ...CheckpointCommon,
  form: Schema.Literal('blocks'),
  blocks: Schema.mutable(Schema.Array(Block)),
  blobFields: Schema.Null,
});

export const BlobCheckpoint = Schema.Struct({
  ...CheckpointCommon,
  form: Schema.Literal('blob'),
  blocks: Schema.Null,
  blobFields: Schema.mutable(Schema.Array(Fr)),
});

export const Checkpoint = Schema.Union(BlocksCheckpoint, BlobCheckpoint);
export type Checkpoint = typeof Checkpoint.Type;
export type TxEffect = typeof TxEffect.Type;
export type Block = typeof Block.Type;
export type CheckpointHeader = typeof CheckpointHeader.Type;

export const Snapshot = Schema.Tuple(Fr, U32);

export const ChainStateFile = Schema.Struct({
  v: Schema.Literal(1),
  profile: Profile,
  chainId: Fr,
  version: Fr,
  last: Schema.Struct({ blockNumber: U32, slotNumber: Fr, timestamp: U64 }),
  noteHashes: Schema.mutable(Schema.Array(Fr)),
  l1ToL2Messages: Schema.mutable(Schema.Array(Fr)),
  archive: Schema.mutable(Schema.Array(Fr)),
  nullifiers: Schema.mutable(Schema.Array(Fr)),
  publicData: Schema.mutable(Schema.Array(Schema.mutable(Schema.Tuple(Fr, Fr)))),
});
export type ChainStateFile = typeof ChainStateFile.Type;

export const Outcome = Schema.Union(
  Schema.Struct({
    v: Schema.Literal(1),
    status: Schema.Literal('accepted'),
    /** root, nextIndex for L1-to-L2, note hash, nullifier, public data (spec §4.1 order). */
    state: Schema.mutable(Schema.Tuple(Fr, U64, Fr, U64, Fr, U64, Fr, U64)),
    archive: Schema.mutable(Schema.Tuple(Fr, U64)),
    blockHeaderHashes: Schema.mutable(Schema.Array(Fr)),
    blobFields: Schema.mutable(Schema.Array(Fr)),
  }),
  Schema.Struct({ v: Schema.Literal(1), status: Schema.Literal('rejected'), code: Schema.String, message: Schema.String }),
);
export type Outcome = typeof Outcome.Type;
