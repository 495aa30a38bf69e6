// Reading the rollup from L1 with viem: the deployment (Genesis event), the events in a block
// range, and what each proposal carried. RPC answers are untrusted: the proposal's data is read
// from the `CheckpointProposed` event (so a proposal sent through a Safe, a multicall or an
// EIP-7702 account is read like any other), checked with effect's Schema and against the event's
// data hash; only when the rollup's event has no data fields (older deployments) is the calldata of
// a direct `propose` call read instead.
//
// Log scans are chunked (`maxRange` blocks per eth_getLogs, halved while the provider answers
// "range too large"), and the deployment is found by a binary search on the rollup's code, so no
// look-up ever scans an unbounded range.

import { Either, Schema } from 'effect';
import { createPublicClient, decodeFunctionData, getAddress, type Abi, type Address, type Hex, type PublicClient } from 'viem';
import { rollupAbi } from '../contracts/generated/artifacts.gen.js';
import { dataHash } from '../contracts/ts/statement.js';
import type { ProposalData } from './l2.js';
import { rpcTransport } from './rpc-transport.js';

const Hex32 = Schema.String.pipe(Schema.pattern(/^0x[0-9a-fA-F]{64}$/));
/** The bounds of a proposal (spec §3 small profile; the rollup enforces the same). */
export const ProposalDataSchema = Schema.Struct({
  header: Schema.Array(Hex32).pipe(Schema.itemsCount(8)),
  l1ToL2Messages: Schema.Array(Hex32).pipe(Schema.maxItems(4)),
  blobFields: Schema.Array(Hex32).pipe(Schema.maxItems(96)),
});

export type ProposalRead = { ok: true; data: ProposalData } | { ok: false; reason: string };

export type RollupEvent =
  | {
      name: 'proposed'; block: number; blockHash: Hex; logIndex: number; txHash: Hex; n: number; parentPostHash: Hex; dataHash: Hex; postHash: Hex; post: Hex[];
      /** The data as the event carries it (undefined: this rollup's event has no data fields). */
      data?: ProposalRead;
    }
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

/** The provider refuses the log range (a provider limit, answered by halving the range). */
const RANGE_ERROR = /range|too many|limit|exceed|more than \d+|query returned|block span|too large/i;

export class ChainReader {
  readonly client: PublicClient;
  /** Largest eth_getLogs range currently used (halved on range errors, never grown past maxRange). */
  logRange: number;

  constructor(
    readonly rpcUrl: string,
    readonly rollup: Address,
    o: { timeoutMs?: number; maxRange?: number; maxResponseBytes?: number } = {},
  ) {
    this.client = createPublicClient({ transport: rpcTransport(rpcUrl, o) }) as PublicClient;
    this.logRange = Math.max(1, o.maxRange ?? 1000);
  }

  chainId(): Promise<number> {
    return this.client.getChainId();
  }

  /** Raw logs of `address` (decoded with `abi`) in [from, to], in chunks of at most `logRange` blocks. */
  async logs(address: Address, abi: Abi, from: number, to: number, eventName?: string, args?: Record<string, unknown>) {
    const out: Awaited<ReturnType<PublicClient['getContractEvents']>> = [];
    let start = from;
    while (start <= to) {
      const end = Math.min(to, start + this.logRange - 1);
      try {
        const got = await this.client.getContractEvents({ address, abi, eventName, args, fromBlock: BigInt(start), toBlock: BigInt(end), strict: false } as Parameters<PublicClient['getContractEvents']>[0]);
        out.push(...got);
        start = end + 1;
      } catch (err) {
        const msg = String((err as Error)?.message ?? err);
        if (end > start && RANGE_ERROR.test(msg)) {
          this.logRange = Math.max(1, Math.floor((end - start + 1) / 2));
          continue;
        }
        throw err;
      }
    }
    return out;
  }

  /** The first block at which the rollup has code (binary search: O(log head) eth_getCode calls). */
  async deployBlock(): Promise<number> {
    const head = await this.head();
    const has = async (b: number) => ((await this.client.getCode({ address: this.rollup, blockNumber: BigInt(b) })) ?? '0x') !== '0x';
    if (!(await has(head))) throw new NotARollupError(`no contract at ${this.rollup} on this chain`);
    let lo = 0;
    let hi = head;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await has(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  async deployment(deployBlockHint?: number): Promise<Deployment> {
    const at = deployBlockHint ?? (await this.deployBlock());
    const logs = await this.logs(this.rollup, rollupAbi, at, at, 'Genesis');
    const g = logs[0] as { blockNumber: bigint; args: Record<string, unknown> } | undefined;
    if (!g) throw new NotARollupError(`no Genesis event at ${this.rollup} in block ${at}: not a difftower rollup (or the RPC serves no logs)`);
    const gate = await this.client.readContract({ address: this.rollup, abi: rollupAbi, functionName: 'gate' });
    return {
      deployBlock: Number(g.blockNumber),
      gate: getAddress(gate),
      l2ChainId: BigInt(g.args.l2ChainId as Hex),
      l2Version: BigInt(g.args.l2Version as Hex),
      genesisPost: [...(g.args.post as Hex[])],
    };
  }

  async head(): Promise<number> {
    return Number(await this.client.getBlockNumber());
  }

  /** The block number of a tag (`finalized`, `safe`); null when the node does not know it. */
  async tagged(tag: 'finalized' | 'safe'): Promise<number | null> {
    try {
      return Number((await this.client.getBlock({ blockTag: tag })).number);
    } catch (err) {
      if (/not found|unknown block|not supported/i.test(String((err as Error)?.message))) return null;
      throw err;
    }
  }

  async blockHash(n: number): Promise<Hex> {
    return (await this.client.getBlock({ blockNumber: BigInt(n) })).hash!;
  }

  /** The hash of block n, or null when the chain has no such block (it is shorter). */
  async blockHashOrNull(n: number): Promise<Hex | null> {
    try {
      return await this.blockHash(n);
    } catch (err) {
      if ((err as Error)?.name === 'BlockNotFoundError' || /could not be found|not found/i.test(String((err as Error)?.message))) return null;
      throw err;
    }
  }

  async blockTime(n: number): Promise<number> {
    return Number((await this.client.getBlock({ blockNumber: BigInt(n) })).timestamp);
  }

  /** The rollup's state-changing events in [from, to], in chain order. */
  async events(from: number, to: number): Promise<RollupEvent[]> {
    const logs = await this.logs(this.rollup, rollupAbi, from, to);
    const out: RollupEvent[] = [];
    for (const l of logs as unknown as { blockNumber: bigint; blockHash: Hex; logIndex: number; transactionHash: Hex; eventName: string; args: Record<string, unknown> }[]) {
      const base = { block: Number(l.blockNumber), blockHash: l.blockHash, logIndex: l.logIndex, txHash: l.transactionHash };
      const a = l.args;
      if (l.eventName === 'CheckpointProposed') {
        out.push({ ...base, name: 'proposed', n: Number(a.checkpoint), parentPostHash: a.parentPostHash as Hex, dataHash: a.dataHash as Hex, postHash: a.postHash as Hex, post: [...(a.post as Hex[])], data: proposalDataOfEvent(a) });
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

  /** What a proposal carried: from its event, else (older rollups) from a direct call's calldata. */
  async proposalData(e: Extract<RollupEvent, { name: 'proposed' }>): Promise<ProposalRead> {
    const fromEvent = e.data ? checkHash(e.data, e.dataHash) : undefined;
    if (fromEvent) return fromEvent;
    return decodeProposalInput(this.rollup, await this.txInput(e.txHash), e.dataHash);
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

/** The data fields of a CheckpointProposed event's args (undefined when the event has none). */
export function proposalDataOfEvent(a: Record<string, unknown>): ProposalRead | undefined {
  if (!('header' in a) && !('blobFields' in a)) return undefined;
  return shaped({ header: a.header, l1ToL2Messages: a.l1ToL2Messages, blobFields: a.blobFields }, 'event data');
}

function shaped(raw: unknown, what: string): ProposalRead {
  const r = Schema.decodeUnknownEither(ProposalDataSchema)(raw);
  if (Either.isLeft(r)) return { ok: false, reason: `${what} out of shape: ${r.left.message.split('\n')[0]}` };
  const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase() as Hex);
  return { ok: true, data: { header: lower(r.right.header), l1ToL2Messages: lower(r.right.l1ToL2Messages), blobFields: lower(r.right.blobFields) } };
}

function checkHash(r: ProposalRead, expectedDataHash: Hex): ProposalRead {
  if (!r.ok) return r;
  const h = dataHash(r.data);
  return h.toLowerCase() === expectedDataHash.toLowerCase() ? r : { ok: false, reason: `the data hashes to ${h}, the event says ${expectedDataHash}` };
}

/** The proposal's data from a direct `propose` call's calldata, or why it cannot be read (a finding, not an exception). */
export function decodeProposalInput(rollup: Address, tx: { to: Address | null; input: Hex }, expectedDataHash: Hex): ProposalRead {
  if (!tx.to || tx.to.toLowerCase() !== rollup.toLowerCase()) {
    return { ok: false, reason: `the rollup's event carries no data and the proposal was not a direct call to the rollup (to ${tx.to})` };
  }
  let args: readonly unknown[] | undefined;
  try {
    const d = decodeFunctionData({ abi: rollupAbi, data: tx.input });
    if (d.functionName !== 'propose') return { ok: false, reason: `the transaction calls ${d.functionName}, not propose` };
    args = d.args;
  } catch (err) {
    return { ok: false, reason: `calldata does not decode as propose: ${(err as Error).message.split('\n')[0]}` };
  }
  const [header, l1ToL2Messages, blobFields] = args as [Hex[], Hex[], Hex[]];
  return checkHash(shaped({ header: [...header], l1ToL2Messages: [...l1ToL2Messages], blobFields: [...blobFields] }, 'calldata'), expectedDataHash);
}
