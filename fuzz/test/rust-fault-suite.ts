// The Rust part of the fault suite (faults-rust-*.test.ts): the faulty native binary (cargo
// feature `faults`) is built once per source version. Without cargo and without a build the part
// is skipped with a message, unless DIFFTOWER_REQUIRE_RUST_FAULTS=1 (set by .ci/run) makes that a
// failure.

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { faultTest, type Budget } from './fault-harness.js';
import { buildFaultyRust, cargoAvailable, FAULTY_RUST_BINARY, RUST_FAULTS, rustWithFault } from './rust-faults.js';

export function rustFaultSuite(title: string, budgets: Record<string, Budget>): void {
  const required = process.env.DIFFTOWER_REQUIRE_RUST_FAULTS === '1';
  const runnable = required || cargoAvailable() || existsSync(FAULTY_RUST_BINARY);
  if (!runnable) console.warn('cargo not found: the Rust fault tests are skipped (DIFFTOWER_REQUIRE_RUST_FAULTS=1 makes this a failure)');
  describe.runIf(runnable)(title, () => {
    it('builds the faulty Rust STF (cargo feature `faults`)', () => {
      expect(existsSync(buildFaultyRust())).toBe(true);
    });
    for (const [name, budget] of Object.entries(budgets)) {
      const f = RUST_FAULTS.find((x) => x.name === name)!;
      faultTest({ name: f.name, fault: f.fault, make: async () => (buildFaultyRust(), rustWithFault(f)) }, budget);
    }
  });
}
