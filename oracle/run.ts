// The oracle: runs every implementation on the same case (same genesis, same checkpoint bytes, in
// order) and compares each one with the first, checkpoint by checkpoint. The first checkpoint
// where any pair differs ends the case: after a divergence the implementations hold different
// states, so later comparisons would only repeat it.

import type { Case } from '../corpus/case.js';
import type { Outcome } from '../core/schema.js';
import type { CallResult, Implementation } from '../impls/implementation.js';
import { compareResults, sharedCoverage, type Divergence } from './compare.js';
import { describeLocalization, localize, type Localization } from './localize.js';

export interface Finding extends Divergence {
  /** 1-based checkpoint index; 0 means genesis. */
  checkpoint: number;
  leftImpl: string;
  rightImpl: string;
  /** Where a root divergence starts (tx, tree, leaf, execution or hashing): oracle/localize.ts. */
  localization?: Localization;
}

/** One implementation's run of a case made elsewhere (the fuzz builder's chain view records it). */
export interface RecordedRun {
  /** The implementation whose run this is (the oracle skips calling it). */
  impl: Implementation;
  genesisMs: number;
  /** One result per checkpoint of the case, in order. */
  results: CallResult[];
}

export interface CaseResult {
  finding: Finding | null;
  /** The first implementation's outcome for each checkpoint run (null where it failed to answer). */
  outcomes: (Outcome | null)[];
  /** Checkpoints applied by every implementation (up to and including a divergent one). */
  checkpointsRun: number;
  /** Wall time in each implementation (by position), and in comparing. */
  implMs: number[];
  compareMs: number;
}

/** A stable key for "the same bug": what diverged and where, not the particular values. */
export function findingSignature(f: Finding): string {
  const shape = f.kind === 'validity' || f.kind === 'error-code' ? `${f.left} / ${f.right}` : f.kind === 'root' ? '' : f.left.startsWith(f.kind) ? 'left' : 'right';
  return `${f.kind}|${f.field}|${f.leftImpl}|${f.rightImpl}|${shape}`;
}

export function describeFinding(f: Finding): string {
  const where = f.checkpoint === 0 ? 'genesis' : `checkpoint ${f.checkpoint}`;
  const line = `${f.kind} divergence at ${where}, field ${f.field}: ${f.leftImpl} ${f.left} vs ${f.rightImpl} ${f.right}`;
  return f.localization ? `${line}\n  ${describeLocalization(f.localization)}` : line;
}

export class Oracle {
  /** Out-of-process implementations first, so they compute while an in-process one runs. */
  private readonly callOrder: number[];

  constructor(readonly impls: readonly Implementation[]) {
    if (impls.length < 2) throw new Error('the oracle needs at least two implementations');
    this.callOrder = impls.map((_, k) => k).sort((a, b) => Number(!!impls[a].inProcess) - Number(!!impls[b].inProcess));
  }

  /**
   * `recorded`: one implementation's run of this very case, made while the case was built (the fuzz
   * builder's chain view); that implementation is then not called again.
   */
  async run(c: Case, recorded?: RecordedRun | null): Promise<CaseResult> {
    const implMs = this.impls.map(() => 0);
    let compareMs = 0;
    const outcomes: (Outcome | null)[] = [];
    const skip = recorded && recorded.results.length === c.checkpoints.length ? this.impls.indexOf(recorded.impl) : -1;

    // A case with a pre-state starts every implementation from it (restore), others from genesis;
    // a recorded implementation already ran the case while it was built.
    const genesis = await Promise.all(
      this.impls.map((impl, k) =>
        k === skip ? { kind: 'ok' as const, elapsedMs: recorded!.genesisMs } : c.state ? impl.restore(c.state) : impl.genesis({ profile: c.profile, chainId: c.chainId, version: c.version }),
      ),
    );
    genesis.forEach((g, k) => (implMs[k] += g.elapsedMs));
    const failed = genesis.findIndex((g) => g.kind !== 'ok');
    if (failed >= 0) {
      const g = genesis[failed] as CallResult;
      const message = 'message' in g ? g.message : g.kind;
      const kind = g.kind === 'outcome' ? 'protocol-error' : g.kind;
      const other = failed === 0 ? 1 : failed;
      const [left, right] = failed === 0 ? [`${kind}: ${message}`, 'ok'] : ['ok', `${kind}: ${message}`];
      const finding: Finding = { kind, field: c.state ? 'restore' : 'genesis', left, right, checkpoint: 0, leftImpl: this.impls[0].name, rightImpl: this.impls[other].name };
      return { finding, outcomes, checkpointsRun: 0, implMs, compareMs };
    }

    for (let i = 0; i < c.checkpoints.length; i++) {
      const results = await this.applyAll(c.checkpoints[i], skip >= 0 ? { k: skip, result: recorded!.results[i] } : null);
      results.forEach((r, k) => (implMs[k] += r.elapsedMs));
      outcomes.push(results[0].kind === 'outcome' ? results[0].outcome : null);
      const t0 = performance.now();
      let finding: Finding | null = null;
      for (let k = 1; k < results.length && !finding; k++) {
        const d = compareResults(results[0], results[k], sharedCoverage(this.impls[0].coverage, this.impls[k].coverage));
        if (d) finding = { ...d, checkpoint: i + 1, leftImpl: this.impls[0].name, rightImpl: this.impls[k].name };
      }
      compareMs += performance.now() - t0;
      if (finding) return { finding, outcomes, checkpointsRun: i + 1, implMs, compareMs };
    }
    return { finding: null, outcomes, checkpointsRun: c.checkpoints.length, implMs, compareMs };
  }

  /**
   * The finding with its root cause localized (root divergences only; others come back as they
   * are). Replays prefixes of the case through the two implementations involved, so it leaves
   * them in an arbitrary state: the next run() resets them.
   */
  async localize(c: Case, finding: Finding): Promise<Finding> {
    const left = this.impls.find((i) => i.name === finding.leftImpl);
    const right = this.impls.find((i) => i.name === finding.rightImpl);
    if (!left || !right || finding.kind !== 'root') return finding;
    const localization = await localize(left, right, c, finding);
    return localization ? { ...finding, localization } : finding;
  }

  private async applyAll(bytes: Uint8Array, known: { k: number; result: CallResult } | null): Promise<CallResult[]> {
    const pending: Promise<CallResult>[] = new Array(this.impls.length);
    for (const k of this.callOrder) pending[k] = k === known?.k ? Promise.resolve(known.result) : this.impls[k].apply(bytes);
    return Promise.all(pending);
  }

  async close(): Promise<void> {
    await Promise.all(this.impls.map((i) => i.close()));
  }
}
