// The localizer's output through the command line: `difftower fuzz` against an external faulty
// implementation (test/fixtures/faulty-stdio.ts: the archive root off by one for checkpoints of two
// blocks) must show where the divergence starts in the text summary, the JSON and JUnit reports,
// the finding file, and `difftower replay`.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaseFile } from '../../corpus/case.js';

import { difftower, root, tsx } from '../../test/support/cli.js';

const cli = (...args: string[]) => difftower(args);
const faulty = `ts,cmd:${tsx} ${join(root, 'test/fixtures/faulty-stdio.ts')}`;
// The fault needs two blocks: the first prefix that shows it is the second block's tx; the
// archive's leaves agree (the fixture misreports only the root), so the kind is hashing.
const expected = { tx: { block: 1, index: 0, flat: 1 }, tree: 'archive', leaf: null, kind: 'hashing' };

describe('the localization in reports and finding files', () => {
  it('fuzz: JSON report and finding file carry it, replay prints it, JUnit details name it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dt-loc-'));
    const findings = join(dir, 'findings');
    const r = cli('fuzz', '--runs', '40', '--workers', '1', '--seed', '3', '--impls', faulty, '--findings', findings, '--report', 'json', '--report-file', join(dir, 'report.json'), '--quiet');
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.divergences).toHaveLength(1);
    const d = report.divergences[0];
    expect(d.kind).toBe('root');
    expect(d.localization).toMatchObject({ checkpoint: d.checkpoint, ...expected });
    expect(d.description).toContain(`localized: checkpoint ${d.checkpoint}, block 1 tx 0, archive: hashing`);

    const file = join(findings, readdirSync(findings)[0]);
    expect(readCaseFile(file).meta.finding?.localization).toMatchObject(expected);

    const replay = cli('replay', file, '--impls', faulty);
    expect(replay.status).toBe(1);
    expect(replay.stdout).toContain('localized: checkpoint');
    const junit = cli('replay', file, '--impls', faulty, '--report', 'junit');
    expect(junit.stdout).toContain('localized: checkpoint');
    const json = JSON.parse(cli('replay', file, '--impls', faulty, '--report', 'json').stdout);
    expect(json.results[0].localization).toMatchObject(expected);
  });
});
