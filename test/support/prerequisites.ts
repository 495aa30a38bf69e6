// Tests that need a program from the system (Debian's redis-server, chromium): on a developer's
// machine without it they are skipped with the reason printed; in CI (CI=true, where .ci/run
// installs both) a missing program fails them instead, so CI never passes by skipping.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function present(program: string): boolean {
  if (program.startsWith('/')) return existsSync(program);
  return spawnSync(program, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** True when the tests needing `program` should be skipped here (and says why, once). */
export function missing(program: string, install: string): boolean {
  if (present(program)) return false;
  if (process.env.CI) return false; // run, and fail loudly
  console.warn(`skipping: ${program} is not installed (${install}); CI installs it`);
  return true;
}
