// Fault injection, part 2: hashing, encoding and validity-rule faults (see faults-trees.test.ts).

import { describe, expect, it } from 'vitest';
import { faultTest, mutantFault } from './fault-harness.js';
import { MUTANTS } from './mutants.js';
import { LIMIT_BUDGETS, RULE_BUDGETS, RUST_PENDING, RUST_RULE_BUDGETS, RUST_TREE_BUDGETS, TREE_BUDGETS } from './fault-budgets.js';
import { RUST_FAULTS } from './rust-faults.js';

describe('the fuzzer finds and shrinks deliberate hashing, encoding and rule faults', () => {
  it('the suite has at least 30 faults with budgets, at least 10 of them in the Rust STF', () => {
    const rust = Object.keys({ ...RUST_TREE_BUDGETS, ...RUST_RULE_BUDGETS });
    expect(MUTANTS.length + rust.length).toBeGreaterThanOrEqual(30);
    expect(rust.length).toBeGreaterThanOrEqual(10);
    expect(Object.keys({ ...TREE_BUDGETS, ...RULE_BUDGETS, ...LIMIT_BUDGETS }).sort()).toEqual(MUTANTS.map((m) => m.name).sort());
    // Every Rust fault point is either tested within a budget or listed as pending with its reason.
    expect([...rust, ...Object.keys(RUST_PENDING)].sort()).toEqual(RUST_FAULTS.map((f) => f.name).sort());
  });
  for (const [name, budget] of Object.entries(RULE_BUDGETS)) faultTest(mutantFault(MUTANTS.find((m) => m.name === name)!), budget);
});
