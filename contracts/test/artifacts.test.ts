// The committed artifacts (contracts/generated/artifacts/*.json, contracts/generated/artifacts.gen.ts) must be
// exactly what solc-js produces from contracts/sol/*.sol, so tests and runtime never need solc.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

describe('generated artifacts', () => {
  it('match a fresh solc-js compilation (compile.mjs --check)', () => {
    const script = fileURLToPath(new URL('../scripts/compile.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toMatch(/up to date/);
    expect(r.status).toBe(0);
  });
});
