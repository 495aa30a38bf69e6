// The CLI end to end: the README's main job, genesis -> gen -> apply with files, exit codes,
// and clear errors for bad input.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { difftower, root, tsx } from './support/cli.js';

const run = (...args: string[]) => difftower(args);

describe('difftower CLI', () => {
  it('run: genesis plus generated checkpoints, roots printed as JSON, exit 0', () => {
    const r = run('run', '--profile', 'small', '--checkpoints', '3', '--seed', '5', '--json');
    expect(r.status).toBe(0);
    const lines = JSON.parse(r.stdout);
    expect(lines).toHaveLength(4);
    expect(lines[3].status).toBe('accepted');
    expect(lines[3].archive.root).toMatch(/^0x[0-9a-f]{64}$/);
    // Replayable: the same seed gives the same roots.
    expect(JSON.parse(run('run', '--profile', 'small', '--checkpoints', '3', '--seed', '5', '--json').stdout)).toEqual(lines);
  });

  it('run compares every implementation: ts, rust (WASM) and a subprocess agree; a crashing one is a divergence, exit 1', () => {
    const example = `cmd:${tsx} ${join(root, 'impls/examples/ts-over-stdio.ts')}`;
    const ok = run('run', '--checkpoints', '2', '--impls', `ts,rust,${example}`);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/\[3 agree\]/);
    expect(ok.stdout).toMatch(/no divergence \(ts, rust, tsx:ts-over-stdio\.ts\)/);
    const bad = run('run', '--checkpoints', '1', '--impls', `ts,cmd:${process.execPath} ${join(root, 'test/fixtures/misbehaving-impl.mjs')} exit`, '--json');
    expect(bad.status).toBe(1);
    const lines = JSON.parse(bad.stdout);
    expect(lines[1].divergences[0]).toMatchObject({ kind: 'crash', field: 'call' });
    expect(run('run', '--impls', 'ts,java').status).toBe(2);
  });

  it('genesis -> gen -> apply chain through files; a replayed checkpoint is rejected with exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dt-cli-'));
    expect(run('genesis', '--profile', 'small', '--out', join(dir, 's0')).status).toBe(0);
    expect(run('gen', '--profile', 'small', '--count', '2', '--seed', '9', '--out', join(dir, 'cps')).status).toBe(0);
    const cps = readdirSync(join(dir, 'cps')).sort();
    expect(cps).toEqual(['cp-0001.msgpack', 'cp-0002.msgpack']);
    const a1 = run('apply', '--state', join(dir, 's0'), '--checkpoint', join(dir, 'cps', cps[0]), '--out', join(dir, 's1'));
    expect(a1.status).toBe(0);
    expect(JSON.parse(a1.stdout).status).toBe('accepted');
    const a2 = run('apply', '--state', join(dir, 's1'), '--checkpoint', join(dir, 'cps', cps[1]), '--out', join(dir, 's2'));
    expect(a2.status).toBe(0);
    const again = run('apply', '--state', join(dir, 's2'), '--checkpoint', join(dir, 'cps', cps[1]));
    expect(again.status).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'rejected', code: 'E_SLOT' });
    // The same result as applying both in one process: state files carry the whole state.
    const direct = JSON.parse(run('run', '--profile', 'small', '--checkpoints', '2', '--seed', '9', '--json').stdout);
    expect(JSON.parse(a2.stdout).archive).toEqual(direct[2].archive);
  });

  it('bad input: corrupt checkpoint is a typed rejection, corrupt state exit 3, usage errors exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dt-cli-'));
    expect(run('genesis', '--out', join(dir, 's0')).status).toBe(0);
    writeFileSync(join(dir, 'junk'), Buffer.from([0xc1, 0x00, 0xff]));
    const bad = run('apply', '--state', join(dir, 's0'), '--checkpoint', join(dir, 'junk'));
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ status: 'rejected', code: 'E_MALFORMED_INPUT' });
    const badState = run('apply', '--state', join(dir, 'junk'), '--checkpoint', join(dir, 'junk'));
    expect(badState.status).toBe(3);
    expect(badState.stderr).toMatch(/invalid state/);
    expect(run('apply', '--state', join(dir, 'missing'), '--checkpoint', join(dir, 'junk')).status).toBe(3);
    expect(run('frobnicate').status).toBe(2);
    expect(run('run', '--profile', 'huge').status).toBe(2);
    expect(run('run', '--checkpoints=abc').stderr).toMatch(/non-negative integer/);
    expect(readFileSync(join(dir, 's0')).length).toBeGreaterThan(100);
  });
});
