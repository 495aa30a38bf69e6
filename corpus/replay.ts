// Replaying corpus files: every case through every implementation (the oracle), and, where the
// file records expected outcomes, the first implementation's outcomes checked against them. A
// regression file therefore fails when the implementations disagree *or* when they all drift
// together from what was once agreed (or, for seed vectors, computed by Aztec's own code).

import type { Outcome } from '../core/schema.js';
import type { CallResult } from '../impls/implementation.js';
import { compareResults, type Divergence } from '../oracle/compare.js';
import type { Oracle, Finding } from '../oracle/run.js';
import { caseOf, type CaseFile } from './case.js';

export interface ReplayResult {
  finding: Finding | null;
  /** The first checkpoint whose outcome differs from the recorded one (1-based). */
  mismatch: (Divergence & { checkpoint: number }) | null;
  checkpointsRun: number;
  /** The reference implementation's outcomes, checkpoint by checkpoint (null where it did not answer). */
  outcomes: (Outcome | null)[];
}

export async function replayCase(oracle: Oracle, file: CaseFile): Promise<ReplayResult> {
  const r = await oracle.run(caseOf(file));
  let mismatch: ReplayResult['mismatch'] = null;
  if (file.expected && !r.finding) {
    const reference = oracle.reference;
    for (let i = 0; i < r.outcomes.length && !mismatch; i++) {
      const actual = r.outcomes[i];
      const want: CallResult = { kind: 'outcome', outcome: file.expected[i], elapsedMs: 0 };
      const got: CallResult = actual ? { kind: 'outcome', outcome: actual, elapsedMs: 0 } : { kind: 'crash', message: `${reference.name} did not answer`, elapsedMs: 0 };
      const d = compareResults(want, got, reference.coverage);
      if (d) mismatch = { ...d, checkpoint: i + 1 };
    }
  }
  return { finding: r.finding, mismatch, checkpointsRun: r.checkpointsRun, outcomes: r.outcomes };
}
