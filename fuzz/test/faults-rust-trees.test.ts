// Fault injection, part 4: the capacity of every tree in the Rust STF (see rust-faults.ts).

import { rustFaultSuite } from './rust-fault-suite.js';
import { RUST_TREE_BUDGETS } from './fault-budgets.js';

rustFaultSuite('the fuzzer finds a capacity fault in each tree of the Rust STF', RUST_TREE_BUDGETS);
