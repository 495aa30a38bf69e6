// Fault injection, part 3: TypeScript mutants on rare paths (per-tx limits, the mana bound,
// dropped rules, the blob form's end-state claims, a 32-bit timestamp comparison).

import { describe } from 'vitest';
import { faultTest, mutantFault } from './fault-harness.js';
import { LIMIT_BUDGETS } from './fault-budgets.js';
import { MUTANTS } from './mutants.js';

describe('the fuzzer finds and shrinks deliberate faults on rare paths', () => {
  for (const [name, budget] of Object.entries(LIMIT_BUDGETS)) faultTest(mutantFault(MUTANTS.find((m) => m.name === name)!), budget);
});
