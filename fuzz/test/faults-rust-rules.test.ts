// Fault injection, part 5: encoding, truncation, precedence and rare-path faults in the Rust STF.

import { rustFaultSuite } from './rust-fault-suite.js';
import { RUST_RULE_BUDGETS } from './fault-budgets.js';

rustFaultSuite('the fuzzer finds encoding, truncation, precedence and rare-path faults in the Rust STF', RUST_RULE_BUDGETS);
