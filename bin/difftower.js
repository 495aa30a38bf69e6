#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (built by `npm install` via `prepare`).
import('../dist/cli/entry.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('difftower: dist/ is missing; run `npm install` (or `npm run build`) first');
    process.exit(2);
  }
  throw err;
});
