// The fuzz builder's view of the chain it is building a case for: a TypeScript STF chain that is
// advanced by applying each checkpoint's *final bytes*, exactly as the in-process TypeScript
// implementation would (impls/adapters/in-process-ts.ts TsRun, which it shares). Its results are
// therefore that implementation's run of the case, and the oracle takes them instead of applying
// every checkpoint a second time (Oracle.run's `recorded`). Before this, the builder kept a shadow
// chain and the oracle ran the TS implementation again: two full TS applies per checkpoint.
//
// Blob-form checkpoints still cost the TS STF a preview of their blocks form: their block end
// markers carry roots, which only an STF can compute before the bytes exist. The apply of the blob
// bytes that follows reuses the preview's hashes (ChainState.preview).

import type { Checkpoint } from '../core/schema.js';
import { TsRun, type TsStfModule } from '../impls/adapters/in-process-ts.js';
import type { TsStateMemo } from '../impls/adapters/ts-state-memo.js';
import type { CallResult, GenesisParams, Implementation } from '../impls/implementation.js';
import type { RecordedRun } from '../oracle/run.js';
import * as tsStf from '../impls/ts/src/index.js';
import type { Outcome as TsOutcome } from '../impls/ts/src/index.js';

export class ChainView {
  private readonly run: TsRun;
  private genesisMs = 0;
  private readonly results: CallResult[] = [];
  /** After a crash the TS chain is in an unknown state: no more applies, nothing more recorded. */
  private crashed = false;

  /**
   * A view from genesis or from a pre-state's bytes (fuzz/prestate.ts), started as the
   * implementation starts. `memo`: states the TS implementation reached before (the fuzz engine's,
   * shared with that implementation), so this view records into it and takes from it.
   */
  constructor(
    start: { genesis: GenesisParams } | { state: Uint8Array },
    readonly stf: TsStfModule = tsStf,
    memo: TsStateMemo | null = null,
  ) {
    this.run = new TsRun(stf, memo);
    if ('genesis' in start) {
      this.timed(() => this.run.genesis(start.genesis));
      return;
    }
    try {
      this.timed(() => this.run.restore(start.state));
    } catch {
      // the TS implementation refuses the state: the oracle will restore it for real and report that
      this.crashed = true;
    }
  }

  private timed(f: () => void): void {
    const t0 = performance.now();
    f();
    this.genesisMs = performance.now() - t0;
  }

  /** What applying `cp` would produce (the blob fields of a blocks form); the chain is unchanged. */
  preview(cp: Checkpoint): TsOutcome | null {
    if (this.crashed || !this.run.state) return null;
    try {
      return this.run.state.preview(cp);
    } catch {
      // the TS STF crashed: the oracle will run it for real and report the crash
      this.crashed = true;
      return null;
    }
  }

  /** Applies the checkpoint's final bytes as the TS implementation would; true if accepted. */
  applyBytes(bytes: Uint8Array): boolean {
    if (this.crashed) return false;
    const r = this.run.apply(bytes);
    this.results.push(r);
    if (r.kind === 'crash') this.crashed = true;
    return r.kind === 'outcome' && r.outcome.status === 'accepted';
  }

  /** The recorded run, if it covers the whole case (it does unless the TS STF crashed). */
  recordedFor(impl: Implementation, checkpoints: number): RecordedRun | null {
    return !this.crashed && this.results.length === checkpoints ? { impl, genesisMs: this.genesisMs, results: [...this.results] } : null;
  }
}
