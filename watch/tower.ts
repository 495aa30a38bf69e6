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
// Disk full (ENOSPC) is reported as a disk problem and retried the same way; nothing is committed
// and no temporary file is left behind until it passes.
// Reorgs: only blocks `confirmations` deep (or `finalized`) are read; the last block's hash is read
// before the range is processed and again after: if it changed (a deeper reorg), the checkpoint
// records are dropped and the rollup is read again from its deployment (findings and stats are
// idempotent; evidence already posted is recognised).
// A different chain behind the same URL (a restarted devnet: block 0 changed) is fatal and said so.

import { join } from 'node:path';
import { keccak256, concat, encodeFunctionData, type Address, type Hex, type LocalAccount } from 'viem';
import { stageTwoGateAbi } from '../contracts/generated/artifacts.gen.js';
import { ContractRevertError } from '../contracts/ts/errors.js';
import { postHash } from '../contracts/ts/statement.js';
import type { Implementation } from '../impls/implementation.js';
import { b64, encodeEvidence, evidenceFileName, isEvidenceVerdict, writeFileAtomic, type Evidence } from './evidence.js';
import { ChainReader, type Deployment, type RollupEvent } from './follower.js';
import { submitReplacing } from './submit.js';
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
  /** Largest eth_getLogs range (halved automatically on "range too large" answers). Default 1000. */
  maxRange?: number;
  /** `finalized`: read only up to the node's finalized block instead of `confirmations` deep. */
  finality?: 'confirmations' | 'finalized';
  /** The rollup's deployment block, when known (otherwise found by binary search on its code). */
  deployBlock?: number;
  /** Replace an evidence transaction not mined within this time (same nonce, higher fee). */
  replaceAfterMs?: number;
  maxBackoffMs?: number;
  log?: (line: string) => void;
  /** Called after each judged checkpoint is committed (alerts and metrics: watch/alerts.ts). Must not block. */
  onCheckpoint?: (rec: CheckpointRecord, isFinding: boolean, posted: boolean) => void;
}

export interface TowerStatus {
  state: 'starting' | 'following' | 'rpc-retrying' | 'disk-error' | 'stopped';
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
/** The RPC now serves another chain than the database followed (e.g. a restarted devnet). */
class ChainChangedError extends Error {}
/** A local disk failure (full, read-only): not an RPC problem. */
class DiskError extends Error {}
export { ChainChangedError, DiskError, GenesisMismatchError };

const DISK = /ENOSPC|EDQUOT|EROFS|no space left|MDB_MAP_FULL|disk quota/i;
export function isDiskError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  return !!e && (DISK.test(e.code ?? '') || DISK.test(String(e.message ?? '')));
}

export class Watchtower {
  readonly store: WatchStore;
  readonly reader: ChainReader;
  private readonly o: Required<Omit<TowerOptions, 'operator' | 'evidenceDir' | 'deployBlock' | 'onCheckpoint'>> & Pick<TowerOptions, 'operator' | 'deployBlock' | 'onCheckpoint'> & { evidenceDir: string };
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
      confirmations: 2, pollMs: 1000, prove: true, maxRange: 1000, finality: 'confirmations', replaceAfterMs: 30_000, maxBackoffMs: 30_000, log: (l) => process.stderr.write(l + '\n'),
      ...(Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as unknown as TowerOptions),
      evidenceDir: opts.evidenceDir ?? join(opts.dbPath, 'evidence'),
    } as Watchtower['o'];
    this.store = new WatchStore(opts.dbPath, { exclusive: true });
    this.reader = new ChainReader(opts.rpcUrl, opts.rollup, { maxRange: this.o.maxRange });
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
    const started = await this.retrying('connect', async () => this.init());
    if (!started) {
      this.status.state = 'stopped';
      return;
    }
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
        if (err instanceof GenesisMismatchError || err instanceof ChainChangedError) throw err;
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
    if (isDiskError(err)) {
      this.status.state = 'disk-error';
      this.log(`disk problem (not RPC): ${msg}; free space under ${this.o.dbPath} / ${this.o.evidenceDir} (retrying in ${(retryInMs / 1000).toFixed(1)} s)`);
      return;
    }
    this.status.state = 'rpc-retrying';
    this.status.rpc = { ok: false, lastError: msg, retryInMs, failures: this.status.rpc.failures + 1 };
    this.log(`error (RPC or processing): ${msg} (retrying in ${(retryInMs / 1000).toFixed(1)} s)`);
  }

  /** Runs `f` until it succeeds; false when stopped first (a signal during start-up is no error). */
  private async retrying(what: string, f: () => Promise<void>): Promise<boolean> {
    let backoff = 500;
    for (;;) {
      if (this.stopping) return false;
      try {
        await f();
        return true;
      } catch (err) {
        if (err instanceof GenesisMismatchError || err instanceof ChainChangedError || (err as Error).constructor.name === 'StoreMismatchError' || (err as Error).constructor.name === 'NotARollupError') throw err;
        if (this.stopping) return false;
        this.noteRpcFailure(err, backoff);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.o.maxBackoffMs);
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
    const l1GenesisHash = await this.reader.blockHash(0);
    const known = this.store.meta();
    if (known) this.checkSameChain(known, this.l1ChainId, l1GenesisHash);
    this.deployment = await this.reader.deployment(known?.deployBlock ?? this.o.deployBlock);
    const g = genesis(this.deployment.l2ChainId, this.deployment.l2Version);
    if (postHash(this.deployment.genesisPost) !== g.postHash) {
      throw new GenesisMismatchError(`the rollup's genesis post-state is not the small-profile genesis of L2 chain ${this.deployment.l2ChainId} version ${this.deployment.l2Version}`);
    }
    this.genesisState = g.stateFile;
    this.store.bind({
      l1ChainId: this.l1ChainId, rollup: this.o.rollup, gate: this.deployment.gate, deployBlock: this.deployment.deployBlock,
      l2ChainId: String(this.deployment.l2ChainId), l2Version: String(this.deployment.l2Version), genesisPost: g.post, l1GenesisHash,
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

  /** Fatal when the RPC serves another chain than the database's (same chain id after a devnet restart). */
  private checkSameChain(known: { l1ChainId: number; l1GenesisHash?: Hex }, chainId: number, genesisHash: Hex | null) {
    if (known.l1ChainId !== chainId || (known.l1GenesisHash && genesisHash && known.l1GenesisHash.toLowerCase() !== genesisHash.toLowerCase())) {
      throw new ChainChangedError(
        `the L1 chain changed under the database ${this.o.dbPath}: it followed chain ${known.l1ChainId} (block 0 ${known.l1GenesisHash?.slice(0, 10) ?? '?'}), the RPC now serves chain ${chainId} (block 0 ${genesisHash?.slice(0, 10) ?? '?'}); ` +
          `a restarted devnet? start with a new --db`,
      );
    }
  }

  private async reorged(block: number, was: Hex, now: Hex | null) {
    const meta = this.store.meta();
    if (meta) this.checkSameChain(meta, await this.reader.chainId(), await this.reader.blockHashOrNull(0));
    this.log(`reorg: block ${block} changed (${was.slice(0, 10)} -> ${now?.slice(0, 10) ?? 'gone'}) below the confirmation depth; re-reading the rollup from its deployment`);
    this.store.resetForResync();
  }

  /** The last block that is read: `confirmations` below the head, or the finalized block. */
  private async safeBlock(head: number): Promise<number> {
    if (this.o.finality === 'finalized') return (await this.reader.tagged('finalized')) ?? -1;
    return head - this.o.confirmations;
  }

  /** Reads the next confirmed range; true if there is more to read right away. */
  private async step(): Promise<boolean> {
    const head = await this.reader.head();
    this.status.head = head;
    const cur = this.store.cursor();
    if (cur.scanned.hash) {
      const h = cur.scanned.block > head ? null : await this.reader.blockHashOrNull(cur.scanned.block);
      if (h === null || h.toLowerCase() !== cur.scanned.hash.toLowerCase()) {
        await this.reorged(cur.scanned.block, cur.scanned.hash, h);
        return true;
      }
    }
    const safe = await this.safeBlock(head);
    this.status.scanned = cur.scanned.block;
    if (safe <= cur.scanned.block) return false;
    const to = Math.min(safe, cur.scanned.block + this.o.maxRange);
    // The range's last block hash, read BEFORE its logs: a reorg while the range is read or
    // processed shows as a different hash afterwards.
    const before = await this.reader.blockHash(to);
    const events = await this.reader.events(cur.scanned.block + 1, to);
    if (events.some((e) => e.block === to && e.blockHash.toLowerCase() !== before.toLowerCase())) return true; // reorg while reading: read again
    for (const e of events) {
      if (this.stopping) return false;
      const d = this.store.cursor().done;
      if (d && (e.block < d.block || (e.block === d.block && e.logIndex <= d.logIndex))) continue;
      await this.handle(e);
    }
    if (this.stopping) return false;
    const after = await this.reader.blockHashOrNull(to);
    if (after === null || after.toLowerCase() !== before.toLowerCase()) {
      await this.reorged(to, before, after);
      return true;
    }
    this.store.commitScanned(to, before);
    this.status.scanned = to;
    this.status.pendingCheckpoints = this.store.checkpoints().length;
    return to < safe;
  }

  private async handle(e: RollupEvent): Promise<void> {
    const at = { block: e.block, logIndex: e.logIndex };
    if (e.name === 'pruned') {
      this.store.commitEvent({ at, id: `pruned:${e.txHash}:${e.first}`, deleteFrom: e.first, stats: (s) => void s.prunes++ });
      this.log(`checkpoints ${e.first}..${e.last} pruned${e.byCouncil ? ' by the council' : ''}`);
      return;
    }
    if (e.name === 'proven') {
      const rec = this.store.checkpoint(e.n);
      this.store.commitEvent({ at, id: `proven:${e.txHash}:${e.n}`, put: rec ? [{ ...rec, proven: true }] : [] });
      if (rec && !rec.usable) await this.recoverFromProof(e.n);
      return;
    }
    if (e.name === 'replaced') {
      const rec = this.store.checkpoint(e.n);
      const id = `replaced:${e.txHash}:${e.n}`;
      if (!rec) return this.store.commitEvent({ at, id, stats: (s) => void s.replaced++ });
      const agrees = !!rec.computedPost && postHash(rec.computedPost) === e.postHash;
      const next: CheckpointRecord = {
        ...rec, attestedPost: e.post, attestedPostHash: e.postHash, usable: agrees || (rec.outcomes.some((o) => o.post && postHash(o.post) === e.postHash) && !!rec.snapshots),
        verdict: agrees ? 'ok' : rec.verdict === 'ok' ? 'wrong-root' : rec.verdict,
        reason: agrees ? `the council replaced the attested post-state with the one every implementation computes` : `the council replaced the attested post-state; ${rec.reason}`,
      };
      this.store.commitEvent({
        at, id, put: [next], stats: (s) => void s.replaced++,
        findings: agrees ? [] : [{ at: new Date().toISOString(), checkpoint: e.n, verdict: next.verdict, reason: `replaced post-state still disputed: ${rec.reason}`, key: `replaced:${e.n}:${rec.txHash}:${e.postHash}` }],
      });
      this.log(`checkpoint ${e.n}: post-state replaced by the council -> ${next.verdict}`);
      return;
    }
    await this.handleProposal(e, at);
  }

  /** The pre-state for checkpoint n: genesis, or checkpoint n-1's record. */
  private parentOf(n: number): Pick<CheckpointRecord, 'usable' | 'snapshots' | 'attestedPost' | 'attestedPostHash'> | undefined {
    return n === 1
      ? { usable: true, snapshots: Object.fromEntries(this.o.impls.map((i) => [i.name, this.genesisState])), attestedPost: this.deployment.genesisPost, attestedPostHash: postHash(this.deployment.genesisPost) }
      : this.store.checkpoint(n - 1);
  }

  /**
   * A proof of checkpoint n shows that checkpoints 1..n are all correct (proofs are sequential).
   * Checkpoints that were not judged (a disputed or unreadable parent) are judged again from the
   * last usable one, with the data stored from their events, so a proposer cannot blind the
   * watchtower for good; the cascade continues past n as far as the records allow.
   */
  private async recoverFromProof(n: number): Promise<void> {
    const all = this.store.checkpoints();
    const first = all.find((r) => !r.usable);
    if (!first || first.n > n) return;
    const redone: CheckpointRecord[] = [];
    const findings: Omit<Finding, 'seq'>[] = [];
    for (const rec of all.filter((r) => r.n >= first.n)) {
      const parent = rec.n === first.n ? this.parentOf(rec.n) : redone[redone.length - 1];
      if (!parent?.usable || !parent.snapshots || parent.attestedPostHash !== rec.parentPostHash || !rec.data) break;
      const j = await judge(this.o.impls, parent.snapshots, rec.data, rec.attestedPost);
      const matches = j.outcomes.some((o) => o.post && postHash(o.post) === rec.attestedPostHash);
      const next: CheckpointRecord = {
        ...rec, verdict: j.verdict, reason: `re-judged after the proof of checkpoint ${n}: ${j.reason}`, outcomes: j.outcomes, computedPost: j.computedPost, snapshots: j.snapshots,
        usable: !!j.snapshots && (j.verdict === 'ok' || matches), proven: rec.proven || rec.n <= n,
      };
      redone.push(next);
      if (next.verdict !== 'ok') findings.push({ at: new Date().toISOString(), checkpoint: rec.n, verdict: next.verdict, reason: next.reason, key: `rejudged:${rec.n}:${rec.txHash}:${next.verdict}` });
      if (!next.usable) break;
    }
    if (redone.length === 0) return;
    this.store.putCheckpoints(redone, findings);
    this.log(`proof of checkpoint ${n}: re-judged checkpoints ${redone[0]!.n}..${redone[redone.length - 1]!.n} (${redone.map((r) => r.verdict).join(', ')})`);
  }

  private async handleProposal(e: Extract<RollupEvent, { name: 'proposed' }>, at: { block: number; logIndex: number }) {
    const t0 = performance.now();
    const parent = this.parentOf(e.n);
    const proposedAt = await this.reader.blockTime(e.block);
    const read = await this.reader.proposalData(e);
    const base = {
      n: e.n, txHash: e.txHash, blockNumber: e.block, blockHash: e.blockHash, logIndex: e.logIndex, proposedAt,
      parentPostHash: e.parentPostHash, dataHash: e.dataHash, attestedPost: e.post, attestedPostHash: e.postHash, data: read.ok ? read.data : null,
    };
    let rec: CheckpointRecord;
    let j: Judgement | null = null;
    let data: ProposalData | null = null;
    if (!parent || !parent.usable || parent.attestedPostHash !== e.parentPostHash || !parent.snapshots) {
      const why = !parent ? `checkpoint ${e.n - 1} is unknown` : parent.attestedPostHash !== e.parentPostHash ? `its parent hash does not match checkpoint ${e.n - 1}` : `checkpoint ${e.n - 1}'s attested post-state is disputed`;
      rec = { ...base, verdict: 'parent-disputed', reason: `not judged: ${why}`, outcomes: [], computedPost: null, snapshots: null, usable: false, timing: { reexecMs: 0, totalMs: 0, perImpl: {} } };
    } else if (!read.ok) {
      rec = { ...base, verdict: 'malformed-proposal', reason: read.reason, outcomes: [], computedPost: null, snapshots: null, usable: false, timing: { reexecMs: 0, totalMs: 0, perImpl: {} } };
    } else {
      data = read.data;
      j = await judge(this.o.impls, parent.snapshots, data, e.post);
      const perImpl = Object.fromEntries(j.outcomes.map((o) => [o.impl, o.elapsedMs]));
      rec = {
        ...base, verdict: j.verdict, reason: j.reason, outcomes: j.outcomes, computedPost: j.computedPost, snapshots: j.snapshots,
        usable: j.verdict === 'ok' || (j.verdict === 'implementations-disagree' && !!j.snapshots && j.outcomes.some((o) => o.post && postHash(o.post) === e.postHash)),
        timing: { reexecMs: j.reexecMs, totalMs: 0, perImpl },
      };
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
            note = 'not posted: the proof\'s statement differs from pre-state ‖ proposal data ‖ computed post-state';
            proof = null;
          }
        } catch (err) {
          if (!(err instanceof ProofUnavailable)) throw err;
          note = `not posted: ${err.message}`;
        }
        if (proof && this.o.operator) {
          const r = await this.post(e.n, e.block, proof);
          note = r.note;
          rec.posted = r;
          posted = !!r.txHash; // counted once per proposal (stats are keyed by event)
        }
      } else if (rec.verdict !== 'wrong-root') {
        note = 'not posted: no provable claim (only a disagreement between implementations, or a checkpoint with no valid transition, is shown)';
      } else if (!this.o.prove) note = 'not posted: proving disabled';
      rec.posted ??= { note };
      const path = join(this.o.evidenceDir, evidenceFileName(e.n, e.postHash, e.txHash));
      writeFileAtomic(path, encodeEvidence(this.bundle(rec, parent, data, j, proof)));
      rec.evidencePath = path;
      findings.push({ at: new Date().toISOString(), checkpoint: e.n, verdict: rec.verdict, reason: rec.reason, evidencePath: path, posted: rec.posted, key: `proposal:${e.n}:${e.txHash}:${rec.verdict}` });
    }
    rec.timing.totalMs = performance.now() - t0;
    this.store.commitEvent({
      at, id: `proposed:${e.txHash}:${e.n}`, put: [rec], deleteFrom: e.n + 1, findings,
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
  private async post(n: number, proposedBlock: number, proof: EvidenceProof): Promise<NonNullable<CheckpointRecord['posted']>> {
    const gate = this.deployment.gate;
    const statementHash = keccak256(concat(proof.statement));
    // Evidence for checkpoint n can only follow its proposal: the look-up is bounded (and chunked).
    const existing = async () => {
      const logs = await this.reader.logs(gate, stageTwoGateAbi, proposedBlock, await this.reader.head(), 'DisagreementProven', { checkpoint: BigInt(n) });
      return logs.find((l) => ((l as unknown as { args: { statementHash?: Hex } }).args.statementHash ?? '').toLowerCase() === statementHash.toLowerCase());
    };
    const prior = await existing();
    if (prior) return { txHash: prior.transactionHash!, note: `already on L1 (tx ${prior.transactionHash}); not sent again` };
    if (!(await this.reader.isPending(n))) return { note: `not posted: checkpoint ${n} is no longer pending` };
    try {
      const sent = await submitReplacing({
        rpcUrl: this.o.rpcUrl, chainId: this.l1ChainId, account: this.o.operator!, to: gate,
        data: encodeFunctionData({ abi: stageTwoGateAbi, functionName: 'proveDisagreement', args: [BigInt(n), proof.proof, proof.statement] }),
        replaceAfterMs: this.o.replaceAfterMs, log: (l) => this.log(`checkpoint ${n}: ${l}`),
      });
      const gasUsed = sent.receipt.gasUsed;
      this.log(`checkpoint ${n}: disagreement evidence posted, tx ${sent.hash}, gas ${gasUsed}${sent.replacements ? `, after ${sent.replacements} replacement(s) of a stuck transaction` : ''}`);
      return { txHash: sent.hash, gasUsed: String(gasUsed), nonce: sent.nonce, replacements: sent.replacements, note: `posted trigger (a) in tx ${sent.hash} (gas ${gasUsed})` };
    } catch (err) {
      if (err instanceof ContractRevertError) {
        if (err.errorName === 'EvidenceAlreadyUsed') {
          const again = await existing();
          return { txHash: again?.transactionHash ?? undefined, note: `already on L1${again ? ` (tx ${again.transactionHash})` : ''}; not sent again` };
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
