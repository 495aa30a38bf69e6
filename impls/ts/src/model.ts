// The TypeScript implementation's own view of the spec's data model (spec §4). Field elements
// are bigints; counts and u32 values are numbers; u64 values are bigints.

export interface CheckpointHeader {
  chainId: bigint;
  version: bigint;
  slotNumber: bigint;
  timestamp: bigint;
  coinbase: bigint;
  feeRecipient: bigint;
  feePerDaGas: bigint;
  feePerL2Gas: bigint;
}

export interface ContractClassLog {
  contractAddress: bigint;
  fields: bigint[];
}

export interface TxEffect {
  revertCode: number;
  txHash: bigint;
  transactionFee: bigint;
  noteHashes: bigint[];
  nullifiers: bigint[];
  l2ToL1Msgs: bigint[];
  publicDataWrites: [bigint, bigint][];
  privateLogs: bigint[][];
  publicLogs: bigint[];
  contractClassLog: ContractClassLog | null;
}

export interface Block {
  blockNumber: number;
  totalManaUsed: bigint;
  txs: TxEffect[];
}

interface CheckpointBase {
  profile: string;
  header: CheckpointHeader;
  l1ToL2Messages: bigint[];
}

export interface BlocksCheckpoint extends CheckpointBase {
  form: 'blocks';
  blocks: Block[];
}

export interface BlobCheckpoint extends CheckpointBase {
  form: 'blob';
  blobFields: bigint[];
}

export type Checkpoint = BlocksCheckpoint | BlobCheckpoint;

export interface Snapshot {
  root: bigint;
  nextIndex: number;
}

/** Order of spec §4.1: L1-to-L2, note hash, nullifier, public data. */
export interface StateReference {
  l1ToL2: Snapshot;
  noteHash: Snapshot;
  nullifier: Snapshot;
  publicData: Snapshot;
}

export type Outcome =
  | {
      status: 'accepted';
      state: StateReference;
      archive: Snapshot;
      blockHeaderHashes: bigint[];
      blobFields: bigint[];
    }
  | { status: 'rejected'; code: string; message: string };
