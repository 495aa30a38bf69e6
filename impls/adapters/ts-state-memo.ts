// TS STF states reached before, by how they were reached. A "trail" is a digest of the start (the
// genesis parameters, or the bytes of a restored state) followed by the bytes of every checkpoint
// applied since. The STF is deterministic, so the same trail is the same state and the same
// result: a fuzzer's mutated case starts from its base case's pre-state and repeats its first
// checkpoints, and shrinking replays prefixes again and again; none of that is executed twice.
//
// Entries made while a case runs are pending; the fuzz engine keeps them when the case joins the
// corpus (only corpus cases are mutated later) and drops them otherwise. Kept entries are
// bounded, least recently used first out. Stored states are copies (ChainState.clone) that are
// never applied to: a hit hands out another copy.

import { createHash } from 'node:crypto';
import type * as tsStf from '../ts/src/index.js';
import type { CallResult, GenesisParams } from '../implementation.js';

export type Trail = string;

interface Entry {
  state: tsStf.ChainState;
  /** The result of the checkpoint that led here (none for a start). */
  result?: CallResult;
}

export function genesisTrail(p: GenesisParams): Trail {
  return createHash('sha256').update(`genesis/${p.profile}/${p.chainId}/${p.version}`).digest('base64');
}

export function restoreTrail(state: Uint8Array): Trail {
  return createHash('sha256').update('restore/').update(state).digest('base64');
}

export function nextTrail(trail: Trail, checkpoint: Uint8Array): Trail {
  return createHash('sha256').update(trail).update(checkpoint).digest('base64');
}

export class TsStateMemo {
  private readonly kept = new Map<Trail, Entry>();
  private readonly pending = new Map<Trail, Entry>();
  hits = 0;
  misses = 0;

  /** `stf`: the STF module whose states these are (a memo never serves another module). */
  constructor(
    readonly stf: object,
    readonly capacity = 2048,
  ) {}

  get(trail: Trail): Entry | undefined {
    const pending = this.pending.get(trail);
    if (pending) return (this.hits++, pending);
    const kept = this.kept.get(trail);
    if (!kept) return (this.misses++, undefined);
    this.hits++;
    // most recently used last
    this.kept.delete(trail);
    this.kept.set(trail, kept);
    return kept;
  }

  /** Records a state (a copy the caller will not apply to) reached by `trail`. */
  set(trail: Trail, entry: Entry): void {
    // (a long shrink makes many; past the capacity they are simply not recorded)
    if (!this.kept.has(trail) && this.pending.size < this.capacity) this.pending.set(trail, entry);
  }

  /** The case that made the pending entries is over: keep them (it joined the corpus) or drop them. */
  settle(keep: boolean): void {
    if (keep) {
      for (const [trail, entry] of this.pending) this.kept.set(trail, entry);
      for (const trail of this.kept.keys()) {
        if (this.kept.size <= this.capacity) break;
        this.kept.delete(trail);
      }
    }
    this.pending.clear();
  }

  get size(): number {
    return this.kept.size;
  }
}
