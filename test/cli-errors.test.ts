// Error handling of the CLI, as a newcomer meets it: unwritable output paths are refused before any
// work, files of the wrong kind are named in one line, `gen` then `replay` works, bad option values
// are usage errors with clear wording, and verify-evidence never confirms next to a failed check.
// Mostly in process (main() returns the exit code); one spawn checks that the binary prints one
// line and no stack trace.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { evidenceVerdict } from '../cli/verdict.js';

const root = join(import.meta.dirname, '..');

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  const stderrWrite = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  try {
    const status = await main(args);
    return { status, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    stderrWrite.mockRestore();
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

let dir: string;
let state: string;
let cps: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dt-errors-'));
  state = join(dir, 's0');
  cps = join(dir, 'cps');
  const g = await cli('genesis', '--out', state);
  expect(g.status).toBe(0);
  expect(g.stdout).toMatch(new RegExp(`wrote the 'small' genesis state to ${state} \\(archive root 0x[0-9a-f]{64}\\)`));
  const c = await cli('gen', '--count', '2', '--seed', '4', '--out', cps);
  expect(c.status).toBe(0);
  expect(c.stdout).toContain(`wrote 2 'small' checkpoint(s) (seed 4) to ${cps}: cp-0001.msgpack .. cp-0002.msgpack`);
  expect(c.stdout).toContain(`difftower replay ${cps}`);
});

describe('output paths are checked before the work (exit 3, one line)', () => {
  it('genesis, gen, apply, prove, fuzz, replay, hint-fuzz', async () => {
    const missing = join(dir, 'no-such-dir', 'out');
    const cp = join(cps, 'cp-0001.msgpack');
    const cases: [string[], RegExp][] = [
      [['genesis', '--out', missing], /--out .*: directory .*no-such-dir does not exist/],
      [['genesis', '--out', dir], /--out .* is a directory; expected a file path/],
      [['gen', '--out', state], /--out .*s0 is a file; expected a directory/],
      [['apply', '--state', state, '--checkpoint', cp, '--out', missing], /directory .*no-such-dir does not exist/],
      // prove would spend a minute proving before writing: it must stop first.
      [['prove', '--state', state, '--checkpoint', cp, '--out', missing], /--out .*no-such-dir does not exist/],
      [['fuzz', '--runs', '1', '--report', 'json', '--report-file', missing], /--report-file .*no-such-dir does not exist/],
      [['fuzz', '--runs', '1', '--findings', state], /--findings .*s0 is a file; expected a directory/],
      [['replay', cps, '--report-file', dir], /--report-file .* is a directory/],
      [['replay', cps, '--record', state], /--record .*s0 is a file/],
      [['hint-fuzz', '--out', state], /--out .*s0 is a file/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
  });
});

describe('input files', () => {
  it('apply: a missing or directory --checkpoint is exit 3, like --state', async () => {
    for (const bad of [join(dir, 'missing'), dir]) {
      const r = await cli('apply', '--state', state, '--checkpoint', bad);
      expect(r.status, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/invalid checkpoint: cannot read/);
      expect((await cli('apply', '--state', bad, '--checkpoint', join(cps, 'cp-0001.msgpack'))).status).toBe(3);
    }
  });

  it('a file of the wrong kind is named in one line, with what was expected', async () => {
    const cp = join(cps, 'cp-0001.msgpack');
    const proof = join(dir, 'not-a-proof.json');
    writeFileSync(proof, JSON.stringify({ hello: 'world' }));
    const cases: [string[], RegExp][] = [
      [['apply', '--state', cp, '--checkpoint', cp], /invalid state: .*cp-0001\.msgpack: this is a checkpoint file \(as written by `difftower gen`\), not a chain state file/],
      [['apply', '--state', state, '--checkpoint', state], /invalid checkpoint: .*s0: this is a chain state file .*, not a checkpoint file/],
      [['replay', state], /s0: this is a chain state file .*; replay takes case files \(\.case\) and checkpoint files from `difftower gen`/],
      [['verify-proof', state], /invalid proof file: .*s0: this is a chain state file .*, not a proof file/],
      [['verify-proof', proof], /invalid proof file: .*not-a-proof\.json: at hello: is unexpected/],
      [['verify-evidence', cp, '--offline'], /invalid evidence bundle: .*: this is a checkpoint file .*, not an evidence bundle/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.length, r.stderr).toBeLessThan(300);
    }
  });

  it('replay runs checkpoint files from gen: a directory as one case from genesis, a file as one checkpoint', async () => {
    const all = await cli('replay', cps);
    expect(all.status, all.stderr).toBe(0);
    expect(all.stdout).toContain(`ok   ${cps}: 2 checkpoint(s): 2 agree`);
    const one = await cli('replay', join(cps, 'cp-0001.msgpack'));
    expect(one.status, one.stderr).toBe(0);
    // The second checkpoint alone does not follow genesis: both implementations reject it alike.
    expect((await cli('replay', join(cps, 'cp-0002.msgpack'))).stdout).toMatch(/1 checkpoint\(s\): 2 agree/);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const none = await cli('replay', empty);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/no case files \(\.case\) or checkpoint files \(\.msgpack\)/);
  });
});

describe('option values', () => {
  it('are usage errors (exit 2) with clear wording', async () => {
    const cases: [string[], RegExp][] = [
      [['fuzz', '--workers', '0'], /--workers must be a positive integer, got '0'/],
      [['fuzz', '--timeout', '0'], /--timeout must be a positive integer, got '0'/],
      [['run', '--timeout', '0'], /--timeout must be a positive integer/],
      [['replay', cps, '--timeout', '0'], /--timeout must be a positive integer/],
      [['fuzz', '--impls', 'foo'], /unknown implementation 'foo' \(expected ts, rust, noir, aztec, cmd:PROGRAM \[ARGS\]\)/],
      [['fuzz', '--impls', 'ts,foo'], /unknown implementation 'foo'/],
      [['run', '--impls', 'ts,java'], /unknown implementation 'java'/],
      [['fuzz', '--impls', 'ts'], /at least two implementations/],
      [['fuzz', '--runs', '-5'], /^difftower: --runs must not be negative, got '-5'/],
      [['fuzz', '--runs'], /--runs needs a value/],
      [['fuzz', '--quiet=yes'], /--quiet takes no value/],
      [['fuzz', '--frobnicate'], /unknown option '--frobnicate'/],
      [['gen', 'extra', '--out', cps], /unexpected argument 'extra'/],
      [['gen', '--count', '0', '--out', cps], /--count must be a positive integer/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr, args.join(' ')).not.toMatch(/ambiguous|ERR_PARSE_ARGS/);
      expect(r.stderr).toContain(`Run 'difftower ${args[0]} --help' for usage.`);
    }
  });
});

describe('verify-evidence verdict', () => {
  const check = (name: string, ok: boolean) => ({ name, ok, detail: `${name} ${ok ? 'holds' : 'fails'}` });

  it('is never CONFIRMED (exit 0) when any check failed', () => {
    const allOk = evidenceVerdict({ verdict: 'confirmed', summary: 'CONFIRMED: wrong root', checks: [check('proof', true), check('still pending', true)] });
    expect(allOk).toEqual({ confirmed: true, summary: 'CONFIRMED: wrong root' });
    // The checker may accept evidence whose checkpoint is no longer pending; the CLI does not.
    const stale = evidenceVerdict({ verdict: 'confirmed', summary: 'CONFIRMED: wrong root', checks: [check('proof', true), check('still pending', false)] });
    expect(stale.confirmed).toBe(false);
    expect(stale.summary).toMatch(/^NOT CONFIRMED: still pending: still pending fails/);
    const rejected = evidenceVerdict({ verdict: 'rejected', summary: 'NOT CONFIRMED: proof: invalid', checks: [check('proof', false)] });
    expect(rejected).toEqual({ confirmed: false, summary: 'NOT CONFIRMED: proof: invalid' });
  });
});

describe('the binary', () => {
  it('prints one line and no stack trace for an unwritable output path (exit 3)', () => {
    const r = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'cli/entry.ts'), 'genesis', '--out', join(dir, 'nowhere', 's')], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
