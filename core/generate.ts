// Seeded generator of valid checkpoint sequences, used by `difftower run` and the benchmarks.
// (The edge-seeking fuzz generators are a separate, later module.) It tracks just enough chain
// bookkeeping (nullifiers used, slots written, last block) to keep every checkpoint valid.

import { FIELD_MODULUS, PROFILE_SIZES } from './params.js';
import { Rng } from './rng.js';
import type { Block, Checkpoint, TxEffect } from './schema.js';

export interface GeneratorOptions {
  profile: 'aztec' | 'small';
  seed: bigint | number;
  chainId?: bigint;
  version?: bigint;
  /** Upper bounds for the random sizes (kept small by default so runs are quick). */
  maxBlocks?: number;
  maxTxs?: number;
  /** Every tx uses the profile's per-tx maxima. */
  maximal?: boolean;
}

export class CheckpointGenerator {
  private readonly rng: Rng;
  private readonly sizes;
  private readonly nullifiers = new Set<bigint>();
  private readonly slots: bigint[] = [];
  private blockNumber = 0;
  private slot = 0n;
  private timestamp = 0n;

  constructor(private readonly opts: GeneratorOptions) {
    this.rng = new Rng(opts.seed);
    this.sizes = PROFILE_SIZES[opts.profile];
    for (let i = 0; i < this.sizes.prefill; i++) this.nullifiers.add(BigInt(i));
  }

  private nonzero(): bigint {
    for (;;) {
      const v = this.rng.field(FIELD_MODULUS);
      if (v !== 0n) return v;
    }
  }

  private count(max: number): number {
    return this.opts.maximal ? max : this.rng.int(max + 1);
  }

  private tx(): TxEffect {
    const z = this.sizes;
    const r = this.rng;
    const nullifiers: bigint[] = [];
    const nNull = Math.max(1, this.count(z.maxNullifiersPerTx));
    while (nullifiers.length < nNull) {
      const v = this.nonzero();
      if (this.nullifiers.has(v)) continue;
      this.nullifiers.add(v);
      nullifiers.push(v);
    }
    const publicDataWrites: [bigint, bigint][] = [];
    for (let i = this.count(z.maxPublicDataWritesPerTx); i > 0; i--) {
      const slot = this.slots.length > 0 && r.bool(0.3) ? r.pick(this.slots) : this.nonzero();
      this.slots.push(slot);
      publicDataWrites.push([slot, r.field(FIELD_MODULUS)]);
    }
    const privateLogs = Array.from({ length: this.count(Math.min(z.maxPrivateLogsPerTx, 4)) }, () =>
      Array.from({ length: 1 + r.int(z.privateLogSizeInFields) }, () => r.field(FIELD_MODULUS)),
    );
    return {
      revertCode: r.int(4),
      txHash: r.field(FIELD_MODULUS),
      transactionFee: BigInt(r.int(1_000_000)),
      noteHashes: Array.from({ length: this.count(z.maxNoteHashesPerTx) }, () => this.nonzero()),
      nullifiers,
      l2ToL1Msgs: Array.from({ length: this.count(z.maxL2ToL1MsgsPerTx) }, () => this.nonzero()),
      publicDataWrites,
      privateLogs,
      publicLogs: Array.from({ length: r.int(Math.min(z.maxPublicLogsLength, 8) + 1) }, () => r.field(FIELD_MODULUS)),
      contractClassLog: r.bool(0.2)
        ? { contractAddress: r.field(FIELD_MODULUS), fields: Array.from({ length: 1 + r.int(Math.min(z.contractClassLogSizeInFields, 4)) }, () => r.field(FIELD_MODULUS)) }
        : null,
    };
  }

  next(): Checkpoint {
    const z = this.sizes;
    const r = this.rng;
    this.slot += 1n + BigInt(r.int(3));
    this.timestamp += 1n + BigInt(r.int(36));
    const nBlocks = 1 + r.int(Math.min(z.maxBlocksPerCheckpoint, this.opts.maxBlocks ?? 2));
    const blocks: Block[] = [];
    for (let b = 0; b < nBlocks; b++) {
      const maxTxs = Math.min(z.maxTxsPerBlock, this.opts.maxTxs ?? 2);
      const nTxs = this.opts.maximal ? maxTxs : b === 0 ? r.int(maxTxs + 1) : 1 + r.int(maxTxs);
      blocks.push({ blockNumber: ++this.blockNumber, totalManaUsed: BigInt(r.int(1 << 30)), txs: Array.from({ length: nTxs }, () => this.tx()) });
    }
    return {
      v: 1,
      profile: this.opts.profile,
      header: {
        chainId: this.opts.chainId ?? 31337n,
        version: this.opts.version ?? 1n,
        slotNumber: this.slot,
        timestamp: this.timestamp,
        coinbase: r.next64(),
        feeRecipient: r.field(FIELD_MODULUS),
        feePerDaGas: BigInt(r.int(1 << 20)),
        feePerL2Gas: BigInt(r.int(1 << 20)),
      },
      l1ToL2Messages: Array.from({ length: r.int(Math.min(z.l1ToL2MsgsPerCheckpoint, 8) + 1) }, () => r.field(FIELD_MODULUS)),
      form: 'blocks',
      blocks,
      blobFields: null,
    };
  }
}
