// The implementation `aztec`: Aztec's production C++ world state (impls/aztec/), run as a
// subprocess speaking impls/PROTOCOL.md, so a crash or hang in native code is a typed result. It
// is set up apart from difftower's install (`npm run setup:aztec`) and is trusting (spec §10).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OutcomeCoverage } from '../implementation.js';
import { SubprocessImplementation } from './subprocess.js';

/** A production node has no error codes and no validity rules; it stands behind roots, header hashes and blob fields. */
export const AZTEC_COVERAGE: OutcomeCoverage = { errorCode: false, blockHeaderHashes: true, blobFields: true, validityRules: false };

/** Why `aztec` cannot run from `dir` (impls/aztec), or null when `npm run setup:aztec` has been run. */
export function aztecSetupProblem(dir: string): string | null {
  const notSetUp = 'the aztec implementation is not set up: run `npm run setup:aztec`';
  if (!existsSync(join(dir, 'node_modules', '.difftower-installed'))) return notSetUp;
  // The native module needs glibc >= 2.38; below that, setup:aztec unpacks a private runtime.
  const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
  const [major, minor] = (glibc ?? '0.0').split('.').map(Number);
  const newEnough = major > 2 || (major === 2 && minor >= 38);
  if (!newEnough && !existsSync(join(dir, '.runtime', 'root', 'usr', 'lib', 'x86_64-linux-gnu', 'ld-linux-x86-64.so.2'))) return notSetUp;
  return null;
}

export class AztecImplementation extends SubprocessImplementation {
  readonly coverage = AZTEC_COVERAGE;

  constructor(dir: string, timeoutMs?: number) {
    // Aztec's logger stays quiet (its warnings and errors go to stderr, kept for crash reports).
    super('aztec', join(dir, 'node.sh'), [join(dir, 'src', 'main.mjs')], { timeoutMs, env: { ...process.env, LOG_LEVEL: process.env.DIFFTOWER_AZTEC_LOG_LEVEL ?? 'error' } });
  }
}
