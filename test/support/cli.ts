// Runs the difftower CLI as a user does (node bin/difftower.js, the compiled dist/), with a time
// limit far above any command's idle duration: a busy machine must not fail a test on time alone.

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '../..');
export const bin = join(root, 'bin/difftower.js');
/** tsx, for programs that tests run from TypeScript sources (example implementations). */
export const tsx = join(root, 'node_modules/.bin/tsx');

// A fuzz run with shrinking takes up to about 20 s idle; ten times that, with room.
export const CLI_TIME_LIMIT_MS = 600_000;

export function difftower(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: CLI_TIME_LIMIT_MS, cwd: opts.cwd ?? root, input: opts.input, env: opts.env });
}
