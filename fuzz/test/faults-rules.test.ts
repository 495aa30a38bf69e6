// Fault injection, part 2: hashing, encoding and validity-rule faults (see faults-trees.test.ts).

import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-harness.js';
import { MUTANTS } from './mutants.js';
import { RULE_BUDGETS, TREE_BUDGETS } from './fault-budgets.js';

describe('the fuzzer finds and shrinks deliberate hashing, encoding and rule faults', () => {
  it('covers at least 10 mutants, each with a budget', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(10);
    expect(Object.keys({ ...TREE_BUDGETS, ...RULE_BUDGETS }).sort()).toEqual(MUTANTS.map((m) => m.name).sort());
  });
  for (const [name, budget] of Object.entries(RULE_BUDGETS)) faultTest(MUTANTS.find((m) => m.name === name)!, budget);
});
