// The watchtower: follows a rollup's proposals (confirmed blocks only), re-executes each with every
// implementation, compares with the attested post-state, writes an evidence bundle for any
// disagreement and, when the implementations agree and the Noir circuit proves the correct
// transition, posts trigger (a) on L1 with the operator's key.
//
// Crash safety: one chain event = one database transaction (store.ts). Side effects outside the
// database are idempotent: evidence files are rewritten atomically with the same content, and a
// second submission of the same evidence is detected (the gate's EvidenceAlreadyUsed, or the
// DisagreementProven event found on chain) instead of being sent twice.
// RPC outages: every RPC failure is retried with exponential backoff (capped), the status says so.
// Reorgs: only blocks `confirmations` deep are read; if the last read block's hash changes anyway
// (a deeper reorg), the checkpoint records are dropped and the rollup is read again from its
// deployment (findings are kept; evidence already posted is recognised).

import { join } from 'node:path';
import { keccak256, concat, type Address, type Hex, type LocalAccount } from 'viem';
import { stageTwoGateAbi } from '../contracts/src/artifacts.gen.js';
import { ContractRevertError } from '../contracts/src/errors.js';
import { postHash } from '../contracts/src/statement.js';
import { DifftowerSystem } from '../contracts/src/system.js';
import type { Implementation } from '../impls/implementation.js';
import { b64, encodeEvidence, evidenceFileName, isEvidenceVerdict, writeFileAtomic, type Evidence } from './evidence.js';
import { ChainReader, decodeProposalInput, type Deployment, type RollupEvent } from './follower.js';
import { judge, type Judgement } from './judge.js';
import { genesis, statementOf, type ProposalData } from './l2.js';
import { ProofUnavailable, proveTransition, type EvidenceProof } from './prove.js';
import { WatchStore, type CheckpointRecord, type Finding } from './store.js';

export interface TowerOptions {
  rpcUrl: string;
  rollup: Address;
  dbPath: string;
  evidenceDir?: string;
  impls: Implementation[];
  confirmations?: number;
  pollMs?: number;
  /** Prove the correct transition for wrong roots (needs the Noir prover). Default true. */
  prove?: boolean;
  /** Posts trigger (a) when set. Never logged. */
  operator?: LocalAccount;
  maxRange?: number;
  maxBackoffMs?: number;
  log?: (line: string) => void;
  /** Called after each judged checkpoint is committed (alerts and metrics: watch/alerts.ts). Must not block. */
  onCheckpoint?: (rec: CheckpointRecord, isFinding: boolean, posted: boolean) => void;
}

export interface TowerStatus {
  state: 'starting' | 'following' | 'rpc-retrying' | 'stopped';
  rpc: { ok: boolean; lastError: string | null; retryInMs: number | null; failures: number };
  l1ChainId: number | null;
  rollup: Address;
  head: number | null;
  scanned: number | null;
  pendingCheckpoints: number;
  lastCheckpoint: { n: number; verdict: string; reason: string } | null;
  latency: { count: number; reexecMsAvg: number; reexecMsMax: number; proveMsLast: number | null; perImplAvg: Record<string, number> };
}

class GenesisMismatchError extends Error {}
export { GenesisMismatchError };

export class Watchtower {
  readonly store: WatchStore;
  readonly reader: ChainReader;
  private readonly o: Required<Omit<TowerOptions, 'operator' | 'evidenceDir' | 'onCheckpoint'>> & Pick<TowerOptions, 'operator' | 'onCheckpoint'> & { evidenceDir: string };
  private deployment!: Deployment;
  private l1ChainId = 0;
  private genesisState!: Uint8Array;
  private stopping = false;
  private wake: (() => void) | null = null;
  private reexecTotal = 0;
  private perImplTotal: Record<string, number> = {};
  readonly status: TowerStatus;

  constructor(opts: TowerOptions) {
    this.o = {
      confirmations: 2, pollMs: 1000, prove: true, maxRange: 2000, maxBackoffMs: 30_000, log: (l) => process.stderr.write(l + '\n'),
      ...opts,
      evidenceDir: opts.evidenceDir ?? join(opts.dbPath, 'evidence'),
    } as Watchtower['o'];
    this.store = new WatchStore(opts.dbPath, { exclusive: true });
    this.reader = new ChainReader(opts.rpcUrl, opts.rollup);
    this.status = {
      state: 'starting', rpc: { ok: false, lastError: null, retryInMs: null, failures: 0 }, l1ChainId: null, rollup: opts.rollup, head: null, scanned: null,
      pendingCheckpoints: 0, lastCheckpoint: null, latency: { count: 0, reexecMsAvg: 0, reexecMsMax: 0, proveMsLast: null, perImplAvg: {} },
    };
  }

  get evidenceDir(): string {
    return this.o.evidenceDir;
  }

  private log(line: string) {
    this.o.log(line);
  }

  /** Runs until stop(); resolves when stopped. Throws only for a fatal mismatch (wrong chain, database, genesis). */
  async run(): Promise<void> {
    await this.retrying('connect', async () => this.init());
    this.status.state = 'following';
    let backoff = 500;
    while (!this.stopping) {
      try {
        const more = await this.step();
        backoff = 500;
        if ((this.status.state as string) === 'rpc-retrying') this.log('rpc: reachable again, following');
        this.status.state = 'following';
        this.status.rpc = { ...this.status.rpc, ok: true, retryInMs: null };
        if (!more) await this.sleep(this.o.pollMs);
      } catch (err) {
        if (err instanceof GenesisMismatchError) throw err;
        this.noteRpcFailure(err, backoff);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.o.maxBackoffMs);
      }
    }
    this.status.state = 'stopped';
  }

  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  private noteRpcFailure(err: unknown, retryInMs: number) {
    const msg = ((err as Error)?.message ?? String(err)).split('\n')[0]!.slice(0, 300);
    this.status.state = 'rpc-retrying';
    this.status.rpc = { ok: false, lastError: msg, retryInMs, failures: this.status.rpc.failures + 1 };
    this.log(`error (RPC or processing): ${msg} (retrying in ${(retryInMs / 1000).toFixed(1)} s)`);
  }

  private async retrying<T>(what: string, f: () => Promise<T>): Promise<T> {
    let backoff = 500;
    for (;;) {
      try {
        return await f();
      } catch (err) {
        if (err instanceof GenesisMismatchError || this.stopping || (err as Error).name === 'StoreMismatchError' || (err as Error).constructor.name === 'StoreMismatchError' || (err as Error).constructor.name === 'NotARollupError') throw err;
        this.noteRpcFailure(err, backoff);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.o.maxBackoffMs);
        if (this.stopping) throw new Error(`stopped during ${what}`);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  private async init() {
    this.l1ChainId = await this.reader.chainId();
    this.deployment = await this.reader.deployment();
    const g = genesis(this.deployment.l2ChainId, this.deployment.l2Version);
    if (postHash(this.deployment.genesisPost) !== g.postHash) {
      throw new GenesisMismatchError(`the rollup's genesis post-state is not the small-profile genesis of L2 chain ${this.deployment.l2ChainId} version ${this.deployment.l2Version}`);
    }
    this.genesisState = g.stateFile;
    this.store.bind({
      l1ChainId: this.l1ChainId, rollup: this.o.rollup, gate: this.deployment.gate, deployBlock: this.deployment.deployBlock,
      l2ChainId: String(this.deployment.l2ChainId), l2Version: String(this.deployment.l2Version), genesisPost: g.post,
    });
    this.status.l1ChainId = this.l1ChainId;
    this.status.pendingCheckpoints = this.store.checkpoints().length;
    for (const impl of this.o.impls) {
      const r = await impl.genesis({ profile: 'small', chainId: this.deployment.l2ChainId, version: this.deployment.l2Version });
      if (r.kind !== 'ok') throw new GenesisMismatchError(`implementation ${impl.name} failed to start: ${'message' in r ? r.message : r.kind}`);
    }
    const c = this.store.cursor();
    this.log(`watching rollup ${this.o.rollup} on L1 chain ${this.l1ChainId} (deployed at block ${this.deployment.deployBlock}); implementations ${this.o.impls.map((i) => i.name).join(', ')}; ` +
      `resuming after block ${c.scanned.block}${c.done ? ` (last event ${c.done.block}:${c.done.logIndex})` : ''}; ${this.o.operator ? `posting evidence as ${this.o.operator.address}` : 'not posting evidence (no operator key)'}`);
  }

  /** Reads the next confirmed range; true if there is more to read right away. */
  private async step(): Promise<boolean> {
    const head = await this.reader.head();
    this.status.head = head;
    const cur = this.store.cursor();
    if (cur.scanned.hash) {
      const h = await this.reader.blockHash(cur.scanned.block);
      if (h.toLowerCase() !== cur.scanned.hash.toLowerCase()) {
        this.log(`reorg: block ${cur.scanned.block} changed (${cur.scanned.hash.slice(0, 10)} -> ${h.slice(0, 10)}) below the confirmation depth; re-reading the rollup from its deployment`);
        this.store.resetForResync();
        return true;
      }
    }
    const safe = head - this.o.confirmations;
    this.status.scanned = cur.scanned.block;
    if (safe <= cur.scanned.block) return false;
    const to = Math.min(safe, cur.scanned.block + this.o.maxRange);
    const events = await this.reader.events(cur.scanned.block + 1, to);
    for (const e of events) {
      if (this.stopping) return false;
      const d = this.store.cursor().done;
      if (d && (e.block < d.block || (e.block === d.block && e.logIndex <= d.logIndex))) continue;
      await this.handle(e);
    }
    if (this.stopping) return false;
    this.store.commitScanned(to, await this.reader.blockHash(to));
    this.status.scanned = to;
    this.status.pendingCheckpoints = this.store.checkpoints().length;
    return to < safe;
  }

  private async handle(e: RollupEvent): Promise<void> {
    const at = { block: e.block, logIndex: e.logIndex };
    if (e.name === 'pruned') {
      this.store.commitEvent({ at, deleteFrom: e.first, stats: (s) => void s.prunes++ });
      this.log(`checkpoints ${e.first}..${e.last} pruned${e.byCouncil ? ' by the council' : ''}`);
      return;
    }
    if (e.name === 'proven') {
      const rec = this.store.checkpoint(e.n);
      this.store.commitEvent({ at, put: rec ? [{ ...rec, proven: true }] : [] });
      return;
    }
    if (e.name === 'replaced') {
      const rec = this.store.checkpoint(e.n);
      if (!rec) return this.store.commitEvent({ at, stats: (s) => void s.replaced++ });
      const agrees = !!rec.computedPost && postHash(rec.computedPost) === e.postHash;
      const next: CheckpointRecord = {
        ...rec, attestedPost: e.post, attestedPostHash: e.postHash, usable: agrees || (rec.outcomes.some((o) => o.post && postHash(o.post) === e.postHash) && !!rec.snapshots),
        verdict: agrees ? 'ok' : rec.verdict === 'ok' ? 'wrong-root' : rec.verdict,
        reason: agrees ? `the council replaced the attested post-state with the one every implementation computes` : `the council replaced the attested post-state; ${rec.reason}`,
      };
      this.store.commitEvent({
        at, put: [next], stats: (s) => void s.replaced++,
        findings: agrees ? [] : [{ at: new Date().toISOString(), checkpoint: e.n, verdict: next.verdict, reason: `replaced post-state still disputed: ${rec.reason}` }],
      });
      this.log(`checkpoint ${e.n}: post-state replaced by the council -> ${next.verdict}`);
      return;
    }
    await this.handleProposal(e, at);
  }

  private async handleProposal(e: Extract<RollupEvent, { name: 'proposed' }>, at: { block: number; logIndex: number }) {
    const t0 = performance.now();
    const parent: Pick<CheckpointRecord, 'usable' | 'snapshots' | 'attestedPost' | 'attestedPostHash'> | undefined =
      e.n === 1
        ? { usable: true, snapshots: Object.fromEntries(this.o.impls.map((i) => [i.name, this.genesisState])), attestedPost: this.deployment.genesisPost, attestedPostHash: postHash(this.deployment.genesisPost) }
        : this.store.checkpoint(e.n - 1);
    const proposedAt = await this.reader.blockTime(e.block);
    const base = {
      n: e.n, txHash: e.txHash, blockNumber: e.block, blockHash: e.blockHash, logIndex: e.logIndex, proposedAt,
      parentPostHash: e.parentPostHash, dataHash: e.dataHash, attestedPost: e.post, attestedPostHash: e.postHash,
    };
    let rec: CheckpointRecord;
    let j: Judgement | null = null;
    let data: ProposalData | null = null;
    if (!parent || !parent.usable || parent.attestedPostHash !== e.parentPostHash || !parent.snapshots) {
      const why = !parent ? `checkpoint ${e.n - 1} is unknown` : parent.attestedPostHash !== e.parentPostHash ? `its parent hash does not match checkpoint ${e.n - 1}` : `checkpoint ${e.n - 1}'s attested post-state is disputed`;
      rec = { ...base, verdict: 'parent-disputed', reason: `not judged: ${why}`, outcomes: [], computedPost: null, snapshots: null, usable: false, timing: { reexecMs: 0, totalMs: 0, perImpl: {} } };
    } else {
      const decoded = decodeProposalInput(this.o.rollup, await this.reader.txInput(e.txHash), e.dataHash);
      if (!decoded.ok) {
        rec = { ...base, verdict: 'malformed-proposal', reason: decoded.reason, outcomes: [], computedPost: null, snapshots: null, usable: false, timing: { reexecMs: 0, totalMs: 0, perImpl: {} } };
      } else {
        data = decoded.data;
        j = await judge(this.o.impls, parent.snapshots, data, e.post);
        const perImpl = Object.fromEntries(j.outcomes.map((o) => [o.impl, o.elapsedMs]));
        rec = {
          ...base, verdict: j.verdict, reason: j.reason, outcomes: j.outcomes, computedPost: j.computedPost, snapshots: j.snapshots,
          usable: j.verdict === 'ok' || (j.verdict === 'implementations-disagree' && !!j.snapshots && j.outcomes.some((o) => o.post && postHash(o.post) === e.postHash)),
          timing: { reexecMs: j.reexecMs, totalMs: 0, perImpl },
        };
      }
    }
    const findings: Omit<Finding, 'seq'>[] = [];
    let posted = false;
    if (isEvidenceVerdict(rec.verdict) && parent) {
      let proof: EvidenceProof | null = null;
      let note = this.o.operator ? 'not posted' : 'not posted: no operator key';
      if (rec.verdict === 'wrong-root' && j && data && this.o.prove) {
        try {
          proof = await proveTransition(parent.snapshots![this.o.impls[0]!.name]!, j.checkpointBytes!);
          rec.timing.proveMs = proof.proveMs;
          this.status.latency.proveMsLast = proof.proveMs;
          const expected = statementOf(this.deployment.l2ChainId, this.deployment.l2Version, parent.attestedPost, data, j.computedPost!);
          if (expected.some((x, i) => x.toLowerCase() !== proof!.statement[i]!.toLowerCase())) {
            note = 'not posted: the proof\'s statement differs from pre-state ‖ calldata ‖ computed post-state';
            proof = null;
          }
        } catch (err) {
          if (!(err instanceof ProofUnavailable)) throw err;
          note = `not posted: ${err.message}`;
        }
        if (proof && this.o.operator) {
          const r = await this.post(e.n, proof);
          note = r.note;
          rec.posted = r;
          posted = !!r.txHash;
        }
      } else if (rec.verdict !== 'wrong-root') {
        note = 'not posted: no provable claim (only a disagreement between implementations, or a checkpoint with no valid transition, is shown)';
      } else if (!this.o.prove) note = 'not posted: proving disabled';
      rec.posted ??= { note };
      const path = join(this.o.evidenceDir, evidenceFileName(e.n, e.postHash, e.txHash));
      writeFileAtomic(path, encodeEvidence(this.bundle(rec, parent, data, j, proof)));
      rec.evidencePath = path;
      findings.push({ at: new Date().toISOString(), checkpoint: e.n, verdict: rec.verdict, reason: rec.reason, evidencePath: path, posted: rec.posted });
    }
    rec.timing.totalMs = performance.now() - t0;
    this.store.commitEvent({
      at, put: [rec], deleteFrom: e.n + 1, findings,
      stats: (s) => {
        s.processed++;
        s.verdicts[rec.verdict] = (s.verdicts[rec.verdict] ?? 0) + 1;
        if (posted) s.evidencePosted++;
      },
    });
    this.noteLatency(rec);
    try {
      this.o.onCheckpoint?.(rec, findings.length > 0, posted);
    } catch (err) {
      this.log(`checkpoint hook failed: ${(err as Error).message}`);
    }
    this.status.lastCheckpoint = { n: e.n, verdict: rec.verdict, reason: rec.reason };
    const line = `checkpoint ${e.n} (L1 block ${e.block}): ${rec.verdict} in ${rec.timing.totalMs.toFixed(0)} ms [${Object.entries(rec.timing.perImpl).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}${rec.timing.proveMs ? `, prove ${rec.timing.proveMs.toFixed(0)}` : ''}]`;
    this.log(rec.verdict === 'ok' ? line : rec.verdict === 'parent-disputed' ? `${line} (${rec.reason})` : `${line}\n  FINDING: ${rec.reason}${rec.evidencePath ? `\n  evidence: ${rec.evidencePath}` : ''}${rec.posted ? `\n  L1: ${rec.posted.note}` : ''}`);
  }

  private noteLatency(rec: CheckpointRecord) {
    if (rec.outcomes.length === 0) return;
    const l = this.status.latency;
    l.count++;
    this.reexecTotal += rec.timing.reexecMs;
    l.reexecMsAvg = this.reexecTotal / l.count;
    l.reexecMsMax = Math.max(l.reexecMsMax, rec.timing.reexecMs);
    for (const [k, v] of Object.entries(rec.timing.perImpl)) {
      this.perImplTotal[k] = (this.perImplTotal[k] ?? 0) + v;
      l.perImplAvg[k] = this.perImplTotal[k]! / l.count;
    }
  }

  /** Submits trigger (a), or recognises that this evidence is already on chain. */
  private async post(n: number, proof: EvidenceProof): Promise<NonNullable<CheckpointRecord['posted']>> {
    const sys = new DifftowerSystem(this.o.rpcUrl, this.l1ChainId, {
      rollup: this.o.rollup, gate: this.deployment.gate, council: this.deployment.gate, timelock: this.deployment.gate, committee: this.deployment.gate, verifier: this.deployment.gate,
    });
    const existing = async () => {
      const statementHash = keccak256(concat(proof.statement));
      const logs = await sys.publicClient.getContractEvents({ address: this.deployment.gate, abi: stageTwoGateAbi, eventName: 'DisagreementProven', args: { checkpoint: BigInt(n) }, fromBlock: BigInt(this.deployment.deployBlock) });
      return logs.find((l) => (l.args.statementHash as Hex | undefined)?.toLowerCase() === statementHash.toLowerCase());
    };
    const prior = await existing();
    if (prior) return { txHash: prior.transactionHash, note: `already on L1 (tx ${prior.transactionHash}); not sent again` };
    if (!(await this.reader.isPending(n))) return { note: `not posted: checkpoint ${n} is no longer pending` };
    try {
      const sent = await sys.proveDisagreement(this.o.operator!, BigInt(n), proof.proof, proof.statement);
      this.log(`checkpoint ${n}: disagreement evidence posted, tx ${sent.hash}, gas ${sent.gasUsed}`);
      return { txHash: sent.hash, gasUsed: String(sent.gasUsed), note: `posted trigger (a) in tx ${sent.hash} (gas ${sent.gasUsed})` };
    } catch (err) {
      if (err instanceof ContractRevertError) {
        if (err.errorName === 'EvidenceAlreadyUsed') {
          const again = await existing();
          return { txHash: again?.transactionHash, note: `already on L1${again ? ` (tx ${again.transactionHash})` : ''}; not sent again` };
        }
        return { note: `not posted: the gate rejected the evidence (${err.errorName})` };
      }
      throw err;
    }
  }

  private bundle(rec: CheckpointRecord, parent: Pick<CheckpointRecord, 'snapshots' | 'attestedPost'>, data: ProposalData | null, j: Judgement | null, proof: EvidenceProof | null): Evidence {
    const pre = statementOf(this.deployment.l2ChainId, this.deployment.l2Version, parent.attestedPost, { header: Array(8).fill('0x00'), l1ToL2Messages: [], blobFields: [] }, parent.attestedPost).slice(0, 15);
    return {
      v: 1, kind: 'difftower-evidence', finding: rec.verdict as Evidence['finding'], reason: rec.reason, createdAt: new Date().toISOString(),
      l1: { chainId: this.l1ChainId, rollup: this.o.rollup, gate: this.deployment.gate, proposalTx: rec.txHash, blockNumber: rec.blockNumber, blockHash: rec.blockHash },
      checkpoint: rec.n,
      l2: { chainId: pre[0]!, version: pre[1]! },
      preState: { statement: pre, stateFile: b64(parent.snapshots![this.o.impls[0]!.name]!) },
      data: data ?? { header: [], l1ToL2Messages: [], blobFields: [] },
      checkpointBytes: j?.checkpointBytes ? b64(j.checkpointBytes) : null,
      attested: { post: rec.attestedPost, postHash: rec.attestedPostHash, parentPostHash: rec.parentPostHash, dataHash: rec.dataHash },
      outcomes: rec.outcomes,
      computedPost: rec.computedPost,
      proof: proof ? { circuit: proof.circuit, statement: proof.statement, proof: proof.proof } : null,
      submission: rec.posted ? { txHash: rec.posted.txHash ?? null, gasUsed: rec.posted.gasUsed ?? null, note: rec.posted.note } : null,
    };
  }
}
