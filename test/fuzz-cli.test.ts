// `difftower fuzz` and `difftower replay` end to end, as CI would call them: exit codes, findings
// written and replayable, JSON and JUnit reports, exact replay from a seed, clear errors.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaseFile } from '../corpus/case.js';

import { difftower, root, tsx } from './support/cli.js';

const cli = (...args: string[]) => difftower(args);
const faulty = `ts,cmd:${tsx} ${join(root, 'test/fixtures/faulty-stdio.ts')}`;

describe('difftower fuzz', () => {
  it('finds a faulty external implementation, exits 1, writes a shrunk reproducer that replays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dt-fuzz-'));
    const findings = join(dir, 'findings');
    const r = cli('fuzz', '--runs', '40', '--workers', '1', '--seed', '3', '--impls', faulty, '--findings', findings, '--report', 'json', '--report-file', join(dir, 'report.json'), '--quiet');
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.divergences).toHaveLength(1);
    const d = report.divergences[0];
    expect(d).toMatchObject({ kind: 'root', field: 'archive.root', leftImpl: 'ts', rightImpl: 'tsx:faulty-stdio.ts', reproducerCheckpoints: 1 });
    const files = readdirSync(findings).filter((f) => f.endsWith('.case'));
    expect(files).toHaveLength(1);
    const finding = readCaseFile(join(findings, files[0]));
    expect(finding.meta.origin).toBe('finding');
    expect(finding.meta.finding?.field).toBe('archive.root');

    // The reproducer fails against the faulty implementation and passes between the real ones.
    expect(cli('replay', join(findings, files[0]), '--impls', faulty).status).toBe(1);
    const ok = cli('replay', join(findings, files[0]));
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
  });

  it('exits 0 with a JUnit report when ts and rust agree (2 workers)', () => {
    const r = cli('fuzz', '--runs', '16', '--workers', '2', '--seed', '11', '--report', 'junit', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml/);
    expect(r.stdout).toContain('failures="0"');
    expect(r.stdout).toContain('name="ts vs rust (small): no divergence in 16 cases"');
    // The summary (on stderr, as stdout carries the report) ends with the command that replays the run.
    expect(r.stderr).toContain('replay this run: difftower fuzz --seed 11 --workers 2 --runs 16 --profile small --impls ts,rust');
  });

  it('replays exactly from a seed', () => {
    const run = () => JSON.parse(cli('fuzz', '--runs', '12', '--workers', '1', '--seed', '77', '--impls', 'ts,ts', '--report', 'json', '--quiet').stdout);
    const [a, b] = [run(), run()];
    expect(a.cases).toBe(12);
    expect(a.checkpoints).toBe(b.checkpoints);
    expect(a.corpus).toBe(b.corpus);
    // Outcome counts: every spec error code listed (0 when not reached), one count per checkpoint.
    expect(a.outcomes).toEqual(b.outcomes);
    expect(Object.keys(a.outcomes)).toEqual(expect.arrayContaining(['accepted', 'E_MALFORMED_INPUT', 'E_TREE_FULL', 'E_END_STATE_MISMATCH']));
    expect(Object.values(a.outcomes as Record<string, number>).reduce((x, y) => x + y, 0)).toBe(a.checkpoints);
  });

  it('gives usage, input and environment errors their exit codes', () => {
    expect(cli('fuzz', '--impls', 'ts').status).toBe(2);
    expect(cli('fuzz', '--duration', 'soon').status).toBe(2);
    expect(cli('fuzz', '--report', 'xml', '--runs', '1').status).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'dt-corpus-'));
    writeFileSync(join(dir, 'bad.case'), Buffer.from('not msgpack at all'));
    const corrupt = cli('fuzz', '--runs', '1', '--corpus', dir);
    expect(corrupt.status).toBe(3);
    expect(corrupt.stderr).toMatch(/bad\.case/);
    const missing = cli('fuzz', '--runs', '1', '--impls', 'ts,cmd:/nonexistent/difftower-impl');
    expect(missing.status).toBe(4);
    expect(missing.stderr).toMatch(/failed to start/);
    expect(cli('replay', dir).status).toBe(3);
  });
});
