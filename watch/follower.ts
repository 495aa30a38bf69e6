// Reading the rollup from L1 with viem: the deployment (Genesis event), the events in a block
// range, and a proposal's calldata. RPC answers are untrusted: proposals are decoded from calldata
// and checked with effect's Schema; a calldata that is not a direct `propose` call is reported as
// such (a malformed proposal), not thrown.

import { Either, Schema } from 'effect';
import { createPublicClient, decodeFunctionData, getAddress, http, type Address, type Hex, type PublicClient } from 'viem';
import { rollupAbi } from '../contracts/src/artifacts.gen.js';
import { dataHash } from '../contracts/src/statement.js';
import type { ProposalData } from './l2.js';

const Hex32 = Schema.String.pipe(Schema.pattern(/^0x[0-9a-fA-F]{64}$/));
const ProposalCalldata = Schema.Struct({
  header: Schema.Array(Hex32).pipe(Schema.itemsCount(8)),
  l1ToL2Messages: Schema.Array(Hex32).pipe(Schema.maxItems(4)),
  blobFields: Schema.Array(Hex32).pipe(Schema.maxItems(96)),
  post: Schema.Array(Hex32).pipe(Schema.itemsCount(13)),
});

export type RollupEvent =
  | { name: 'proposed'; block: number; blockHash: Hex; logIndex: number; txHash: Hex; n: number; parentPostHash: Hex; dataHash: Hex; postHash: Hex; post: Hex[] }
  | { name: 'pruned'; block: number; blockHash: Hex; logIndex: number; txHash: Hex; first: number; last: number; byCouncil: boolean }
  | { name: 'replaced'; block: number; blockHash: Hex; logIndex: number; txHash: Hex; n: number; postHash: Hex; post: Hex[] }
  | { name: 'proven'; block: number; blockHash: Hex; logIndex: number; txHash: Hex; n: number };

export interface Deployment {
  deployBlock: number;
  gate: Address;
  l2ChainId: bigint;
  l2Version: bigint;
  genesisPost: Hex[];
}

export class ChainReader {
  readonly client: PublicClient;

  constructor(
    readonly rpcUrl: string,
    readonly rollup: Address,
    timeoutMs = 10_000,
  ) {
    this.client = createPublicClient({ transport: http(rpcUrl, { batch: false, retryCount: 0, timeout: timeoutMs }) }) as PublicClient;
  }

  chainId(): Promise<number> {
    return this.client.getChainId();
  }

  async deployment(): Promise<Deployment> {
    const logs = await this.client.getContractEvents({ address: this.rollup, abi: rollupAbi, eventName: 'Genesis', fromBlock: 0n, toBlock: 'latest' });
    const g = logs[0];
    if (!g) throw new NotARollupError(`no Genesis event at ${this.rollup}: not a difftower rollup (or the RPC serves no logs)`);
    const gate = await this.client.readContract({ address: this.rollup, abi: rollupAbi, functionName: 'gate' });
    return {
      deployBlock: Number(g.blockNumber),
      gate: getAddress(gate),
      l2ChainId: BigInt(g.args.l2ChainId!),
      l2Version: BigInt(g.args.l2Version!),
      genesisPost: [...g.args.post!],
    };
  }

  async head(): Promise<number> {
    return Number(await this.client.getBlockNumber());
  }

  async blockHash(n: number): Promise<Hex> {
    return (await this.client.getBlock({ blockNumber: BigInt(n) })).hash!;
  }

  async blockTime(n: number): Promise<number> {
    return Number((await this.client.getBlock({ blockNumber: BigInt(n) })).timestamp);
  }

  /** The rollup's state-changing events in [from, to], in chain order. */
  async events(from: number, to: number): Promise<RollupEvent[]> {
    const logs = await this.client.getContractEvents({ address: this.rollup, abi: rollupAbi, fromBlock: BigInt(from), toBlock: BigInt(to) });
    const out: RollupEvent[] = [];
    for (const l of logs) {
      const base = { block: Number(l.blockNumber), blockHash: l.blockHash, logIndex: l.logIndex, txHash: l.transactionHash };
      const a = l.args as Record<string, unknown>;
      if (l.eventName === 'CheckpointProposed') {
        out.push({ ...base, name: 'proposed', n: Number(a.checkpoint), parentPostHash: a.parentPostHash as Hex, dataHash: a.dataHash as Hex, postHash: a.postHash as Hex, post: [...(a.post as Hex[])] });
      } else if (l.eventName === 'CheckpointsPruned') {
        out.push({ ...base, name: 'pruned', first: Number(a.firstPruned), last: Number(a.lastPruned), byCouncil: a.byCouncil as boolean });
      } else if (l.eventName === 'CheckpointPostReplaced') {
        out.push({ ...base, name: 'replaced', n: Number(a.checkpoint), postHash: a.newPostHash as Hex, post: [...(a.post as Hex[])] });
      } else if (l.eventName === 'CheckpointProven') {
        out.push({ ...base, name: 'proven', n: Number(a.checkpoint) });
      }
    }
    return out.sort((x, y) => x.block - y.block || x.logIndex - y.logIndex);
  }

  /** The transaction's input (RPC; throws on RPC failure only). */
  async txInput(hash: Hex): Promise<{ to: Address | null; input: Hex }> {
    const tx = await this.client.getTransaction({ hash });
    return { to: tx.to ?? null, input: tx.input };
  }

  async isPending(n: number): Promise<boolean> {
    return this.client.readContract({ address: this.rollup, abi: rollupAbi, functionName: 'isPending', args: [BigInt(n)] });
  }

  async checkpointOnChain(n: number): Promise<{ dataHash: Hex; postHash: Hex }> {
    const [d, p] = await this.client.readContract({ address: this.rollup, abi: rollupAbi, functionName: 'getCheckpoint', args: [BigInt(n)] });
    return { dataHash: d, postHash: p };
  }
}

export class NotARollupError extends Error {}

/** The proposal's data from its calldata, or why it cannot be read (a finding, not an exception). */
export function decodeProposalInput(rollup: Address, tx: { to: Address | null; input: Hex }, expectedDataHash: Hex): { ok: true; data: ProposalData } | { ok: false; reason: string } {
  if (!tx.to || tx.to.toLowerCase() !== rollup.toLowerCase()) {
    return { ok: false, reason: `the proposal was not a direct call to the rollup (to ${tx.to}); its calldata cannot be read from the transaction` };
  }
  let args: readonly unknown[] | undefined;
  try {
    const d = decodeFunctionData({ abi: rollupAbi, data: tx.input });
    if (d.functionName !== 'propose') return { ok: false, reason: `the transaction calls ${d.functionName}, not propose` };
    args = d.args;
  } catch (err) {
    return { ok: false, reason: `calldata does not decode as propose: ${(err as Error).message.split('\n')[0]}` };
  }
  const [header, l1ToL2Messages, blobFields, post] = args as [Hex[], Hex[], Hex[], Hex[]];
  const r = Schema.decodeUnknownEither(ProposalCalldata)({ header: [...header], l1ToL2Messages: [...l1ToL2Messages], blobFields: [...blobFields], post: [...post] });
  if (Either.isLeft(r)) return { ok: false, reason: `calldata out of shape: ${r.left.message}` };
  const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase() as Hex);
  const data: ProposalData = { header: lower(r.right.header), l1ToL2Messages: lower(r.right.l1ToL2Messages), blobFields: lower(r.right.blobFields) };
  if (dataHash(data).toLowerCase() !== expectedDataHash.toLowerCase()) return { ok: false, reason: `calldata hashes to ${dataHash(data)}, the event says ${expectedDataHash}` };
  return { ok: true, data };
}
