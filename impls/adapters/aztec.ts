// The implementation `aztec`: Aztec's production C++ world state (impls/aztec/), run as a
// subprocess speaking impls/PROTOCOL.md, so a crash or hang in native code is a typed result. It
// is set up apart from difftower's install (`npm run setup:aztec`) and is trusting (spec §10).

import { join } from 'node:path';
import type { OutcomeCoverage } from '../implementation.js';
import { SubprocessImplementation } from './subprocess.js';

/** A production node has no error codes and no validity rules; it stands behind roots, header hashes and blob fields. */
export const AZTEC_COVERAGE: OutcomeCoverage = { errorCode: false, blockHeaderHashes: true, blobFields: true, validityRules: false };

export { aztecSetupProblem } from '../aztec-setup.js';

export class AztecImplementation extends SubprocessImplementation {
  readonly coverage = AZTEC_COVERAGE;

  constructor(dir: string, timeoutMs?: number) {
    // Aztec's logger stays quiet (its warnings and errors go to stderr, kept for crash reports).
    super('aztec', join(dir, 'node.sh'), [join(dir, 'src', 'main.mjs')], { timeoutMs, env: { ...process.env, LOG_LEVEL: process.env.DIFFTOWER_AZTEC_LOG_LEVEL ?? 'error' } });
  }
}
