// The watchtower's embedded database (LMDB via the `lmdb` package: memory-mapped, copy-on-write
// B-tree, every committed transaction is fsynced). One key space:
//
//   meta                  which chain and rollup this database follows (refuses another)
//   cursor                { scanned: last L1 block fully read + its hash, done: last applied event }
//   cp/<n>                the record of pending checkpoint n: attested data, verdict, every
//                         implementation's post-state snapshot (the pre-state of n+1)
//   finding/<seq>         append-only log of findings (kept across prunes and reorg re-syncs)
//   fkey/<key>            which findings exist (checkpoint, proposal tx, verdict): a re-sync after a
//                         deep reorg does not append the same finding again
//   seen/<event id>       which chain events were counted: stats are idempotent across re-syncs
//   stats                 counters shown by the status endpoint
//
// kill -9 safety: a checkpoint's verdict, its snapshots and the cursor move in ONE transaction
// (`commitEvent`), so after a restart the watchtower resumes exactly after the last applied event:
// nothing is lost and nothing is applied twice.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import type { Hex } from 'viem';

export type Verdict =
  | 'ok' // every implementation agrees with each other and with the attested post-state
  | 'wrong-root' // the implementations agree with each other, not with the attested post-state
  | 'invalid-checkpoint' // every implementation rejects the checkpoint the committee attested
  | 'implementations-disagree' // the implementations disagree among themselves
  | 'malformed-proposal' // the calldata is not a checkpoint at all (or not decodable)
  | 'parent-disputed'; // builds on a checkpoint whose attested post-state we could not confirm

export interface ImplOutcomeRecord {
  impl: string;
  /** accepted | rejected | crash | timeout | protocol-error */
  kind: string;
  post?: Hex[];
  code?: string;
  message?: string;
  elapsedMs: number;
}

export interface CheckpointRecord {
  n: number;
  txHash: Hex;
  blockNumber: number;
  blockHash: Hex;
  logIndex: number;
  /** L1 block timestamp of the proposal (seconds). */
  proposedAt: number;
  parentPostHash: Hex;
  dataHash: Hex;
  attestedPost: Hex[];
  attestedPostHash: Hex;
  verdict: Verdict;
  reason: string;
  outcomes: ImplOutcomeRecord[];
  /** The post-state the implementations agree on (when they do and accept). */
  computedPost: Hex[] | null;
  /** Per implementation: its state file after this checkpoint (the next checkpoint's pre-state). */
  snapshots: Record<string, Uint8Array> | null;
  /** The attested post-state is confirmed by at least one implementation: the next checkpoint can be judged. */
  usable: boolean;
  timing: { reexecMs: number; proveMs?: number; totalMs: number; perImpl: Record<string, number> };
  evidencePath?: string;
  posted?: { txHash?: Hex; gasUsed?: string; note: string; nonce?: number; replacements?: number };
  proven?: boolean;
  /** What the proposal carried (null when it could not be read): lets a later proof re-judge it. */
  data?: { header: Hex[]; l1ToL2Messages: Hex[]; blobFields: Hex[] } | null;
}

export interface Cursor {
  scanned: { block: number; hash: Hex | null };
  done: { block: number; logIndex: number } | null;
}

export interface Meta {
  l1ChainId: number;
  rollup: Hex;
  gate: Hex;
  deployBlock: number;
  l2ChainId: string;
  l2Version: string;
  genesisPost: Hex[];
  /** Hash of L1 block 0: a restarted devnet (same chain id, same addresses) has another one. */
  l1GenesisHash?: Hex;
}

export interface Finding {
  seq: number;
  at: string;
  checkpoint: number;
  verdict: Verdict;
  reason: string;
  evidencePath?: string;
  posted?: CheckpointRecord['posted'];
  /** Identity of the finding (checkpoint, proposal tx, verdict): appended once. */
  key?: string;
}

export interface Stats {
  processed: number;
  verdicts: Record<string, number>;
  reorgs: number;
  prunes: number;
  replaced: number;
  evidencePosted: number;
}

const emptyStats = (): Stats => ({ processed: 0, verdicts: {}, reorgs: 0, prunes: 0, replaced: 0, evidencePosted: 0 });

export class WatchStore {
  private readonly db: RootDatabase;

  private readonly lockPath: string | null;

  /** `exclusive` (the watchtower): refuse a database another live process is following with. */
  constructor(readonly path: string, o: { exclusive?: boolean } = {}) {
    mkdirSync(path, { recursive: true });
    this.lockPath = o.exclusive ? join(path, 'watch.pid') : null;
    if (this.lockPath) takeLock(this.lockPath);
    // Synchronous, fsynced commits; no write batching behind our back.
    this.db = open({ path, compression: false, noSync: false, noMemInit: true });
  }

  meta(): Meta | undefined {
    return this.db.get('meta') as Meta | undefined;
  }

  /** Binds the database to a chain and rollup; throws if it already belongs to another. */
  bind(m: Meta): void {
    const old = this.meta();
    if (old && (old.l1ChainId !== m.l1ChainId || old.rollup.toLowerCase() !== m.rollup.toLowerCase() || old.deployBlock !== m.deployBlock)) {
      throw new StoreMismatchError(`database ${this.path} follows rollup ${old.rollup} on chain ${old.l1ChainId} (deployed at block ${old.deployBlock}), not ${m.rollup} on chain ${m.l1ChainId} (block ${m.deployBlock})`);
    }
    if (!old) this.db.transactionSync(() => void this.db.put('meta', m));
  }

  cursor(): Cursor {
    return (this.db.get('cursor') as Cursor | undefined) ?? { scanned: { block: (this.meta()?.deployBlock ?? 0) - 1, hash: null }, done: null };
  }

  stats(): Stats {
    return (this.db.get('stats') as Stats | undefined) ?? emptyStats();
  }

  checkpoint(n: number): CheckpointRecord | undefined {
    return this.db.get(['cp', n]) as CheckpointRecord | undefined;
  }

  checkpoints(): CheckpointRecord[] {
    return [...this.db.getRange({ start: ['cp', 0], end: ['cp', Number.MAX_SAFE_INTEGER] })].map((e) => e.value as CheckpointRecord);
  }

  findings(): Finding[] {
    return [...this.db.getRange({ start: ['finding', 0], end: ['finding', Number.MAX_SAFE_INTEGER] })].map((e) => e.value as Finding);
  }

  /**
   * Applies one chain event atomically: the records to write and delete, the findings to append,
   * the stats change, and the cursor moved past the event.
   */
  commitEvent(e: {
    at: { block: number; logIndex: number };
    /** The event's identity across re-syncs (kind, tx, checkpoint): counted in stats once. */
    id?: string;
    put?: CheckpointRecord[];
    deleteFrom?: number;
    findings?: Omit<Finding, 'seq'>[];
    stats?: (s: Stats) => void;
  }): void {
    this.db.transactionSync(() => {
      if (e.deleteFrom !== undefined) {
        for (const { key } of this.db.getRange({ start: ['cp', e.deleteFrom], end: ['cp', Number.MAX_SAFE_INTEGER] })) this.db.remove(key);
      }
      for (const r of e.put ?? []) this.db.put(['cp', r.n], r);
      if (e.findings?.length) {
        let seq = (this.db.get('findingSeq') as number | undefined) ?? 0;
        for (const f of e.findings) {
          if (f.key !== undefined && this.db.get(['fkey', f.key]) !== undefined) continue;
          this.db.put(['finding', ++seq], { ...f, seq });
          if (f.key !== undefined) this.db.put(['fkey', f.key], seq);
        }
        this.db.put('findingSeq', seq);
      }
      const counted = e.id !== undefined && this.db.get(['seen', e.id]) !== undefined;
      if (!counted) {
        const stats = this.stats();
        e.stats?.(stats);
        this.db.put('stats', stats);
        if (e.id !== undefined) this.db.put(['seen', e.id], 1);
      }
      const c = this.cursor();
      this.db.put('cursor', { ...c, done: e.at } satisfies Cursor);
    });
  }

  /** Event ids counted so far (`proposed:<tx>:<n>`, `pruned:...`): what was judged, across re-syncs. */
  seenIds(): string[] {
    return [...this.db.getRange({ start: ['seen', ''], end: ['seen', '\uffff'] })].map((e) => (e.key as [string, string])[1]);
  }

  /** Updates a stored checkpoint record (no cursor move): a re-judgement after a proof. */
  putCheckpoints(rs: CheckpointRecord[], findings: Omit<Finding, 'seq'>[] = []): void {
    this.db.transactionSync(() => {
      for (const r of rs) this.db.put(['cp', r.n], r);
      let seq = (this.db.get('findingSeq') as number | undefined) ?? 0;
      for (const f of findings) {
        if (f.key !== undefined && this.db.get(['fkey', f.key]) !== undefined) continue;
        this.db.put(['finding', ++seq], { ...f, seq });
        if (f.key !== undefined) this.db.put(['fkey', f.key], seq);
      }
      this.db.put('findingSeq', seq);
    });
  }

  /** Marks every L1 block up to `block` (with that block's hash) as read. */
  commitScanned(block: number, hash: Hex): void {
    this.db.transactionSync(() => {
      const c = this.cursor();
      this.db.put('cursor', { ...c, scanned: { block, hash } } satisfies Cursor);
    });
  }

  /** After a reorg deeper than the confirmation depth: forget every checkpoint and read again from the deployment. */
  resetForResync(): void {
    this.db.transactionSync(() => {
      for (const { key } of this.db.getRange({ start: ['cp', 0], end: ['cp', Number.MAX_SAFE_INTEGER] })) this.db.remove(key);
      this.db.remove('cursor');
      const s = this.stats();
      s.reorgs++;
      this.db.put('stats', s);
    });
  }

  async close(): Promise<void> {
    await this.db.close();
    if (this.lockPath) {
      try {
        if (readFileSync(this.lockPath, 'utf8').trim() === String(process.pid)) rmSync(this.lockPath);
      } catch {
        // already gone
      }
    }
  }
}

/** A pid file: taken over when its process is gone (after a kill -9), refused while it lives. */
function takeLock(path: string): void {
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' });
    return;
  } catch {
    // exists: check its owner
  }
  const pid = Number(readFileSync(path, 'utf8').trim());
  let alive = false;
  if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid) {
    try {
      process.kill(pid, 0);
      alive = true;
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  if (alive) throw new StoreMismatchError(`database ${dirname(path)} is in use by another watchtower (pid ${pid})`);
  writeFileSync(path, String(process.pid));
}

export class StoreMismatchError extends Error {}
