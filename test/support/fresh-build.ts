// vitest global set-up: the CLI tests spawn the compiled CLI (dist/, as users run it), which is
// much cheaper per process than compiling TypeScript on the fly. `npm test` builds first; a
// developer running vitest alone after editing sources gets one line instead of stale results.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const SOURCE_DIRS = ['cli', 'core', 'impls', 'oracle', 'fuzz', 'corpus', 'contracts', 'watch'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'target' || entry.name === 'test') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const built = join(root, 'dist/cli/entry.js');
  const component = join(root, 'dist/rust-wasm/stf.core.wasm');
  const stale =
    !existsSync(built) ||
    !existsSync(component) ||
    statSync(built).mtimeMs < Math.max(...SOURCE_DIRS.map((d) => newestSource(join(root, d)))) ||
    statSync(component).mtimeMs < statSync(join(root, 'impls/rust/dist/stf.wasm')).mtimeMs;
  if (stale) throw new Error('dist/ is older than the sources: run `npm run build` (npm test does it) before vitest');
}
