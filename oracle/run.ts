// The oracle: runs every implementation on the same case (same genesis, same checkpoint bytes, in
// order) and compares each one with the reference (the first implementation with validity rules),
// checkpoint by checkpoint. The first checkpoint where any pair differs ends the case: after a
// divergence the implementations hold different states, so later comparisons would only repeat it.
// Trusting implementations (spec §10) get a checkpoint only after the reference accepted it: they
// would apply an invalid one, and their state would no longer be the others'.

import type { Case } from '../corpus/case.js';
import type { Outcome } from '../core/schema.js';
import { isTrusting, type CallResult, type Implementation } from '../impls/implementation.js';
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
  /** The reference implementation's outcome for each checkpoint run (null where it failed to answer). */
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

/**
 * Who is called on a checkpoint and in what order: implementations with validity rules first
 * (out-of-process ones before in-process ones, so they compute while an in-process one runs), then
 * the trusting ones, only if the reference accepted it.
 */
export class CallPlan {
  /** Index of the first implementation with validity rules: what every other one is compared with. */
  readonly reference: number;
  private readonly judges: number[];
  private readonly trusting: number[];

  constructor(readonly impls: readonly Implementation[]) {
    const order = impls.map((_, k) => k).sort((a, b) => Number(!!impls[a].inProcess) - Number(!!impls[b].inProcess));
    this.judges = order.filter((k) => !isTrusting(impls[k]));
    this.trusting = order.filter((k) => isTrusting(impls[k]));
    this.reference = impls.findIndex((i) => !isTrusting(i));
    if (this.reference < 0) throw new Error('at least one implementation must have validity rules: trusting ones are compared only on checkpoints the others accept');
  }

  /**
   * Results by implementation; null for a trusting implementation that was not given the checkpoint.
   * `known`: one implementation's result, already recorded (the fuzz builder's chain view), used
   * instead of calling it.
   */
  async apply(bytes: Uint8Array, known?: { k: number; result: CallResult } | null): Promise<(CallResult | null)[]> {
    const results: (CallResult | null)[] = this.impls.map(() => null);
    const call = (k: number) => (k === known?.k ? Promise.resolve(known.result) : this.impls[k].apply(bytes));
    const pending: Promise<CallResult>[] = [];
    for (const k of this.judges) pending.push(call(k).then((r) => (results[k] = r)));
    await Promise.all(pending);
    const ref = results[this.reference]!;
    if (ref.kind === 'outcome' && ref.outcome.status === 'accepted') {
      await Promise.all(this.trusting.map((k) => call(k).then((r) => (results[k] = r))));
    }
    return results;
  }

  /** The first difference with the reference: implementations with validity rules, then trusting ones. */
  compare(results: readonly (CallResult | null)[]): (Divergence & { leftImpl: string; rightImpl: string }) | null {
    const ref = results[this.reference]!;
    const others = [...this.judges, ...this.trusting].filter((k) => k !== this.reference).sort((a, b) => Number(isTrusting(this.impls[a])) - Number(isTrusting(this.impls[b])) || a - b);
    for (const k of others) {
      const r = results[k];
      if (!r) continue;
      const d = compareResults(ref, r, sharedCoverage(this.impls[this.reference].coverage, this.impls[k].coverage));
      if (d) return { ...d, leftImpl: this.impls[this.reference].name, rightImpl: this.impls[k].name };
    }
    return null;
  }
}

export class Oracle {
  private readonly plan: CallPlan;

  constructor(readonly impls: readonly Implementation[]) {
    if (impls.length < 2) throw new Error('the oracle needs at least two implementations');
    this.plan = new CallPlan(impls);
  }

  /** The implementation every other one is compared with (the first with validity rules). */
  get reference(): Implementation {
    return this.impls[this.plan.reference];
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
      const results = await this.plan.apply(c.checkpoints[i], skip >= 0 ? { k: skip, result: recorded!.results[i] } : null);
      results.forEach((r, k) => (implMs[k] += r?.elapsedMs ?? 0));
      const ref = results[this.plan.reference]!;
      outcomes.push(ref.kind === 'outcome' ? ref.outcome : null);
      const t0 = performance.now();
      const d = this.plan.compare(results);
      const finding: Finding | null = d ? { ...d, checkpoint: i + 1 } : null;
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

  async close(): Promise<void> {
    await Promise.all(this.impls.map((i) => i.close()));
  }
}
