// Whether the implementation `aztec` can run here: a file-system check only, so the registry can
// refuse it with one line (exit 4) without loading its adapter.

import { existsSync } from 'node:fs';
import { join } from 'node:path';

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
