// Fault injection, part 1: tree faults. The fuzzer must find each mutant (fuzz/test/mutants.ts)
// within its budget (fuzz/test/fault-budgets.ts) and shrink it to a small reproducer.

import { describe } from 'vitest';
import { faultTest, mutantFault } from './fault-harness.js';
import { TREE_BUDGETS } from './fault-budgets.js';
import { MUTANTS } from './mutants.js';

describe('the fuzzer finds and shrinks deliberate tree faults', () => {
  for (const [name, budget] of Object.entries(TREE_BUDGETS)) faultTest(mutantFault(MUTANTS.find((m) => m.name === name)!), budget);
});
