// `difftower report --html` in a real browser (Debian's chromium driven by playwright-core): a
// findings directory, a campaign export and an evidence bundle each give one self-contained page
// that loads with no console error and no network request, with every section present; hostile
// text in the inputs is shown as text, never run. Screenshots go to test-artifacts/ (kept by CI).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { missing } from './support/prerequisites.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataHash, postHash, toField } from '../contracts/ts/statement.js';
import { CheckpointGenerator } from '../core/generate.js';
import { makeImplementations } from '../impls/registry.js';
import { ChainState } from '../impls/ts/src/index.js';
import { b64, encodeEvidence, type Evidence } from '../watch/evidence.js';
import { judge } from '../watch/judge.js';
import { genesis, postFieldsOfChainState, proposalDataOf, statementOf } from '../watch/l2.js';
import { FIELD_MODULUS } from '../core/params.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'cli/entry.ts'), ...args], { encoding: 'utf8', timeout: 600_000, cwd: root });
const faulty = `ts,cmd:${tsx} ${join(root, 'test/fixtures/faulty-stdio.ts')}`;
const artifacts = join(root, 'test-artifacts');
const HOSTILE = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`;

const noChromium = missing(process.env.CHROMIUM ?? '/usr/bin/chromium', 'apt-get install chromium');
let browser: Browser;
beforeAll(async () => {
  if (noChromium) return;
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
});

/** Opens a report page; returns its console errors, the requests it made, and what the test needs to look at. */
async function open(file: string, shot: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => r.url() !== `file://${file}` && requests.push(r.url()));
  await page.goto(`file://${file}`);
  await page.screenshot({ path: join(artifacts, shot), fullPage: true });
  return { page, errors, requests };
}

describe.skipIf(noChromium)('difftower report --html', () => {
  let dir: string;
  let findings: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dt-html-'));
    findings = join(dir, 'findings');
    const r = cli('fuzz', '--runs', '8', '--workers', '1', '--seed', '3', '--impls', faulty, '--findings', findings, '--quiet');
    expect(r.status, r.stderr).toBe(1);
  });

  it('a findings directory: summary, charts, divergence side by side with the first differing field, checkpoint, replay', async () => {
    // Untrusted text in the report: shown, never executed.
    const reportPath = join(findings, 'fuzz-report.json');
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    report.divergences[0].description = `diverged ${HOSTILE}`;
    report.divergences[0].localization = { tx: 0, tree: 'archive', leaf: 1, note: HOSTILE };
    writeFileSync(reportPath, JSON.stringify(report));
    const html = join(dir, 'findings.html');
    const r = cli('report', findings, '--html', html);
    expect(r.status, r.stderr).toBe(0);
    const { page, errors, requests } = await open(html, 'report-findings.png');
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      for (const id of ['summary', 'charts', 'divergences']) expect(await page.locator(`section#${id}`).count()).toBe(1);
      expect(await page.locator('svg[data-chart="line"] polyline').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('svg[data-chart="bar"] rect').count()).toBeGreaterThanOrEqual(1);
      const div = page.locator('[data-divergence]').first();
      // The outcomes side by side (re-executed with both implementations), the first differing field highlighted.
      expect(await div.locator('.sides-table th').allTextContents()).toEqual(['field', 'ts', 'tsx:faulty-stdio.ts']);
      const first = div.locator('tr.first');
      expect(await first.count()).toBe(1);
      const cells = await first.locator('td').allTextContents();
      expect(cells[0]).toBe('archive.root');
      expect(cells[1]).not.toBe(cells[2]);
      expect(await div.locator('text=Where it starts').count()).toBe(1);
      expect(await div.locator('details pre').textContent()).toContain('"form"');
      expect(await div.locator('.cmd pre').textContent()).toMatch(/^difftower replay .*finding-.*\.case/);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await div.textContent()).toContain('<script>window.__pwned=1</script>');
    } finally {
      await page.close();
    }
  });

  it('a campaign export: the same page with its shards and their replay commands', async () => {
    const fuzz = JSON.parse(readFileSync(join(findings, 'fuzz-report.json'), 'utf8'));
    const out = join(dir, 'campaign');
    mkdirSync(out, { recursive: true });
    const shardResults = [0, 1].map((i) => ({ shard: i, worker: `host-${i}:100${i}`, cases: 4, checkpoints: 20, attempt: i + 1, replay: `difftower fuzz --seed ${3 + i} --runs 4 --workers 1 --corpus-list ${out}/shards/shard-${i}.corpus` }));
    writeFileSync(join(out, 'campaign.json'), JSON.stringify({ ...fuzz, command: 'campaign', campaign: 'nightly', shards: 2, shardsDone: 2, workers: [], shardResults }));
    const html = join(dir, 'campaign.html');
    expect(cli('report', out, '--html', html, '--offline').status).toBe(0);
    const { page, errors } = await open(html, 'report-campaign.png');
    try {
      expect(errors).toEqual([]);
      for (const id of ['summary', 'charts', 'divergences', 'shards']) expect(await page.locator(`section#${id}`).count()).toBe(1);
      expect(await page.locator('section#shards tbody tr').count()).toBe(2);
      expect(await page.locator('h1').textContent()).toContain('Campaign nightly');
      // --offline: the recorded values, the differing field still marked.
      expect(await page.locator('[data-divergence] tr.first td').first().textContent()).toBe('archive.root');
    } finally {
      await page.close();
    }
  });

  it('an evidence bundle for a council member: claim, every check with its result, L1 transactions, proof status, re-check command', async () => {
    // A wrong-root bundle: genesis, one real checkpoint, an attested post-state with a wrong archive root.
    const g = genesis();
    const ts = ChainState.genesis('small', { chainId: 31337n, version: 1n });
    const gen = new CheckpointGenerator({ profile: 'small', seed: 5n, maxTxs: 1, chainId: 31337n, version: 1n });
    let cp = gen.next();
    let out = ts.apply(cp);
    while (!(out.status === 'accepted' && out.blobFields.length <= 96)) (cp = gen.next()), (out = ts.apply(cp));
    const data = proposalDataOf(cp, out.blobFields);
    const honest = postFieldsOfChainState(ts);
    const attested = honest.map((x, i) => (i === 11 ? toField((BigInt(x) + 1n) % FIELD_MODULUS) : x));
    const impls = makeImplementations('ts,rust', 60_000);
    let j;
    try {
      for (const i of impls) await i.genesis({ profile: 'small', chainId: 31337n, version: 1n });
      j = await judge(impls, Object.fromEntries(impls.map((i) => [i.name, g.stateFile])), data, attested);
    } finally {
      await Promise.all(impls.map((i) => i.close()));
    }
    expect(j.verdict).toBe('wrong-root');
    const pre = statementOf(31337n, 1n, g.post, { header: Array(8).fill('0x00'), l1ToL2Messages: [], blobFields: [] }, g.post).slice(0, 15);
    const bundle: Evidence = {
      v: 1, kind: 'difftower-evidence', finding: 'wrong-root', reason: `${j.reason} ${HOSTILE}`, createdAt: new Date(0).toISOString(),
      l1: { chainId: 31337, rollup: '0x47F8B86c085b1EB4Ec89106c567b45624b5bE426', gate: '0x0000000000000000000000000000000000000a11', proposalTx: toField(0xabcn), blockNumber: 42, blockHash: toField(0xb10cn) },
      checkpoint: 1, l2: { chainId: pre[0]!, version: pre[1]! }, preState: { statement: pre, stateFile: b64(g.stateFile) },
      data, checkpointBytes: b64(j.checkpointBytes!), attested: { post: attested, postHash: postHash(attested), parentPostHash: g.postHash, dataHash: dataHash(data) },
      outcomes: j.outcomes, computedPost: j.computedPost, proof: null, submission: { txHash: null, gasUsed: null, note: 'not posted: proving disabled' },
    };
    const file = join(dir, 'checkpoint-000001.json');
    writeFileSync(file, encodeEvidence(bundle));
    const html = join(dir, 'evidence.html');
    const r = cli('report', file, '--html', html);
    expect(r.status, r.stderr).toBe(0);
    const { page, errors, requests } = await open(html, 'report-evidence.png');
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      for (const id of ['claim', 'checks', 'l1', 'state', 'proof', 'recheck']) expect(await page.locator(`section#${id}`).count()).toBe(1);
      const checks = Object.fromEntries((await page.locator('section#checks tbody tr').evaluateAll((rows) => rows.map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent]))) as [string, string][]);
      expect(checks).toMatchObject({ 'pre-state file': 'pass', parent: 'pass', data: 'pass', 'attested post': 'pass', 'checkpoint bytes': 'pass', 're-execution': 'pass', 'computed post': 'pass', proof: 'fail' });
      expect(await page.locator('section#claim').textContent()).toContain('NOT CONFIRMED');
      expect(await page.locator('section#state tr.first td').first().textContent()).toBe('archive root');
      expect(await page.locator('section#l1').textContent()).toContain(toField(0xabcn));
      expect(await page.locator('section#proof').textContent()).toContain('no proof in the bundle');
      expect(await page.locator('section#recheck .cmd pre').textContent()).toBe(`difftower verify-evidence ${file} --rpc <L1 RPC URL>`);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    } finally {
      await page.close();
    }
    expect(existsSync(join(artifacts, 'report-evidence.png'))).toBe(true);
    expect(readdirSync(artifacts).filter((f) => f.startsWith('report-')).length).toBeGreaterThanOrEqual(3);
  });
});
