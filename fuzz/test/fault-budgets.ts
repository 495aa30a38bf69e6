// Per fault: the cases the fuzzer may draw (seed 1) before it must report the fault, and the
// largest acceptable reproducer. Budgets are about four times what seed 1 needed when they were
// set (docs/faults.md has the measured table; `npx tsx fuzz/test/measure-faults.ts` remeasures):
// a fuzzer change that makes detection much worse fails the fault-injection tests.

import type { Budget } from './fault-harness.js';

export const TREE_BUDGETS: Record<string, Budget> = {
  'low-leaf-off-by-one': { cases: 40, maxCheckpoints: 1 },
  'duplicate-in-tx-accepted': { cases: 250, maxCheckpoints: 1 },
  'note-hash-padding-skipped': { cases: 30, maxCheckpoints: 1 },
  'sibling-order-swapped': { cases: 30, maxCheckpoints: 1 },
  'public-data-update-appends': { cases: 30, maxCheckpoints: 1 },
  'next-index-not-updated': { cases: 30, maxCheckpoints: 1 },
};

export const RULE_BUDGETS: Record<string, Budget> = {
  'header-fields-reordered': { cases: 30, maxCheckpoints: 1 },
  'sponge-iv-wrong': { cases: 30, maxCheckpoints: 1 },
  'tree-full-off-by-one': { cases: 60, maxCheckpoints: 8 },
  'slot-rule-dropped': { cases: 120, maxCheckpoints: 1 },
  'blob-timestamp-unchecked': { cases: 40, maxCheckpoints: 1 },
  'blob-revert-code-bound': { cases: 1000, maxCheckpoints: 1 },
};

/** TypeScript mutants on rare paths: limits, boundary values, dropped rules, 32-bit truncation. */
export const LIMIT_BUDGETS: Record<string, Budget> = {
  'mana-bound-off-by-one': { cases: 400, maxCheckpoints: 1 },
  'l2-to-l1-limit-plus-one': { cases: 250, maxCheckpoints: 1 },
  'public-logs-limit-plus-one': { cases: 350, maxCheckpoints: 1 },
  'empty-private-log-accepted': { cases: 350, maxCheckpoints: 1 },
  'contract-class-log-limit-plus-one': { cases: 900, maxCheckpoints: 1 },
  'version-rule-dropped': { cases: 80, maxCheckpoints: 1 },
  'empty-later-block-accepted': { cases: 60, maxCheckpoints: 1 },
  'timestamp-u32-truncation': { cases: 150, maxCheckpoints: 1 },
};

/** Rust fault points (fuzz/test/rust-faults.ts): the capacity of every tree. */
export const RUST_TREE_BUDGETS: Record<string, Budget> = {
  'l1-to-l2-capacity': { cases: 100, maxCheckpoints: 10 },
  'archive-capacity': { cases: 500, maxCheckpoints: 3 },
  'note-hash-capacity': { cases: 100, maxCheckpoints: 3 },
  'nullifier-capacity': { cases: 550, maxCheckpoints: 3 },
  'public-data-capacity': { cases: 550, maxCheckpoints: 5 },
};

/** Rust fault points: non-canonical encodings, 64-bit truncation, error precedence, rare paths. */
export const RUST_RULE_BUDGETS: Record<string, Budget> = {
  'non-canonical-uint8': { cases: 2400, maxCheckpoints: 1 },
  'map-keys-reordered-accepted': { cases: 160, maxCheckpoints: 3 },
  'slot-u64-truncation': { cases: 5000, maxCheckpoints: 1 },
  'slot-timestamp-precedence': { cases: 800, maxCheckpoints: 4 },
  'blob-trailing-data-accepted': { cases: 200, maxCheckpoints: 1 },
  'public-data-zero-write-dropped': { cases: 150, maxCheckpoints: 3 },
};

/** Rust faults the generator does not reach yet (not in `npm test`; docs/faults.md): what they need. */
export const RUST_PENDING: Record<string, string> = {};
