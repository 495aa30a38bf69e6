// Compares what two implementations produced for the same call and names the first difference.
// Outcome fields are compared in a fixed order so that reports are stable: status, error code,
// state reference (tree by tree), archive, block header hashes, blob fields.

import type { Outcome } from '../core/schema.js';
import { FULL_COVERAGE, type CallResult, type OutcomeCoverage } from '../impls/implementation.js';

export type DivergenceKind =
  | 'validity' // one accepted, the other rejected
  | 'error-code' // both rejected, different codes
  | 'root' // both accepted, some committed value differs
  | 'crash'
  | 'timeout'
  | 'protocol-error';

export interface Divergence {
  kind: DivergenceKind;
  /** Path of the first differing field, e.g. `state.nullifier.root` or `blockHeaderHashes[1]`. */
  field: string;
  left: string;
  right: string;
}

const STATE_FIELDS = ['l1ToL2', 'noteHash', 'nullifier', 'publicData'].flatMap((t) => [`state.${t}.root`, `state.${t}.nextIndex`]);
const hex = (v: bigint) => '0x' + v.toString(16);

function describe(r: CallResult): string {
  if (r.kind === 'outcome') return r.outcome.status === 'accepted' ? 'accepted' : `rejected ${r.outcome.code}`;
  return 'message' in r ? `${r.kind}: ${r.message}` : r.kind;
}

function firstListDifference(name: string, a: readonly bigint[], b: readonly bigint[], names?: string[]): Divergence | null {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      const field = names?.[i] ?? `${name}[${i}]`;
      const show = (v: bigint | undefined) => (v === undefined ? '(absent)' : hex(v));
      return { kind: 'root', field, left: show(a[i]), right: show(b[i]) };
    }
  }
  return null;
}

function compareOutcomes(a: Outcome, b: Outcome, cov: OutcomeCoverage): Divergence | null {
  if (a.status !== b.status) {
    return { kind: 'validity', field: 'status', left: a.status === 'rejected' ? `rejected ${a.code}` : 'accepted', right: b.status === 'rejected' ? `rejected ${b.code}` : 'accepted' };
  }
  if (a.status === 'rejected' && b.status === 'rejected') {
    return !cov.errorCode || a.code === b.code ? null : { kind: 'error-code', field: 'code', left: a.code, right: b.code };
  }
  if (a.status !== 'accepted' || b.status !== 'accepted') return null;
  return (
    firstListDifference('state', a.state, b.state, STATE_FIELDS) ??
    firstListDifference('archive', a.archive, b.archive, ['archive.root', 'archive.nextIndex']) ??
    (cov.blockHeaderHashes ? firstListDifference('blockHeaderHashes', a.blockHeaderHashes, b.blockHeaderHashes) : null) ??
    (cov.blobFields ? firstListDifference('blobFields', a.blobFields, b.blobFields) : null)
  );
}

/** What two implementations can be compared on: only what both cover. */
export function sharedCoverage(a?: OutcomeCoverage, b?: OutcomeCoverage): OutcomeCoverage {
  const x = a ?? FULL_COVERAGE;
  const y = b ?? FULL_COVERAGE;
  return { errorCode: x.errorCode && y.errorCode, blockHeaderHashes: x.blockHeaderHashes && y.blockHeaderHashes, blobFields: x.blobFields && y.blobFields };
}

/** null when both produced the same outcome (on the fields `coverage` names); otherwise the first difference. */
export function compareResults(a: CallResult, b: CallResult, coverage: OutcomeCoverage = FULL_COVERAGE): Divergence | null {
  for (const [r, other, left] of [[a, b, true], [b, a, false]] as const) {
    if (r.kind !== 'outcome') {
      const field = 'call';
      return left ? { kind: r.kind, field, left: describe(r), right: describe(other) } : { kind: r.kind, field, left: describe(other), right: describe(r) };
    }
  }
  return compareOutcomes((a as Extract<CallResult, { kind: 'outcome' }>).outcome, (b as Extract<CallResult, { kind: 'outcome' }>).outcome, coverage);
}
