// The committed build products match their sources: the compiled circuit and the fixture
// (scripts/build-circuit.ts --check) and the generated Solidity verifier (scripts/gen-verifier.ts
// --check). Everything else reads the committed files and never recompiles.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOIR_DIR } from '../src/circuit.js';

const tsx = join(NOIR_DIR, '../../node_modules/.bin/tsx');
const check = (script: string) => {
  try {
    execFileSync(tsx, [join(NOIR_DIR, 'scripts', script), '--check'], { stdio: 'pipe' });
    return 'identical';
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr ?? err);
  }
};

describe('committed noir artifacts', () => {
  it('dist/stf.json and the fixture are what the circuit source compiles to', () => {
    expect(check('build-circuit.ts')).toBe('identical');
  });
  it('contracts/generated/HonkVerifier.{sol,json} are what bb.js and solc-js generate', () => {
    expect(check('gen-verifier.ts')).toBe('identical');
  });
});
