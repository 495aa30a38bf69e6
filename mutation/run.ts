// `npm run mutation`: mutation testing of the TypeScript STF (impls/ts/src) with StrykerJS's
// instrumenter (@stryker-mutator/instrumenter, StrykerJS 10) under difftower's own harness. The
// StrykerJS 10 command line needs Node >= 22; the instrumenter runs on the Node 20 this project
// targets. The killing test is a differential run against the Rust STF (mutation/suite.ts).
//
//   npx tsx mutation/run.ts [--files a.ts,b.ts] [--fuzz-runs N] [--out FILE]
//
// --fuzz-runs: the seed-1 fuzz run whose novel cases form the fixed sample (default 1000).
// --sample-max N: use only the first N cases of the sample (a cheaper, weaker suite).
// --reuse-sample: take the sample saved by the previous run instead of making it again.
// --work DIR: the working directory (instrumented copy, sample; default .difftower/mutation), so
// that runs on different files can go side by side.
// The report (--out, default .difftower/mutation/report.json) is rewritten after every mutant, so
// a run stopped early still says what it tested ("partial": true).
// --files: paths under impls/ts/src to mutate (default: all but hash/poseidon2-constants.ts, whose
// round constants are data checked by the Poseidon2 known answers). Mutants are tested in a
// worker process that switches the active mutant without reloading; a mutant covered while the
// module loads (static) gets a fresh worker; a worker that stops answering (a mutant that loops)
// is killed and the mutant counts as a timeout, i.e. detected, as StrykerJS counts it.

import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import type { FromWorker, ToWorker } from './worker.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'impls/ts/src');
const { values } = parseArgs({ options: { files: { type: 'string' }, 'fuzz-runs': { type: 'string', default: '1000' }, 'sample-max': { type: 'string' }, 'reuse-sample': { type: 'boolean' }, work: { type: 'string' }, out: { type: 'string' } } });
const dir = values.work ? join(ROOT, values.work) : join(ROOT, '.difftower', 'mutation');
const out = values.out ?? join(dir, 'report.json');

const all = (d: string): string[] => readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? all(join(d, e)) : [join(d, e)]));
const targets = values.files ? values.files.split(',').map((f) => join(SRC, f.trim())) : all(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('poseidon2-constants.ts'));

const quiet = () => undefined;
const logger = { isTraceEnabled: () => false, isDebugEnabled: () => false, isInfoEnabled: () => true, isWarnEnabled: () => true, isErrorEnabled: () => true, isFatalEnabled: () => true, trace: quiet, debug: quiet, info: (m: string) => console.error(m), warn: (m: string) => console.error(m), error: (m: string) => console.error(m), fatal: (m: string) => console.error(m) };
const instrumenter = new Instrumenter(logger as never);
const files = targets.map((f) => ({ name: relative(SRC, f), content: readFileSync(f, 'utf8'), mutate: true as const }));
const result = await instrumenter.instrument(files, { plugins: null, excludedMutations: [], ignorers: [], noHeader: false } as never);

rmSync(join(dir, 'src'), { recursive: true, force: true }); // the sample (dir/sample.msgpack) stays
mkdirSync(dir, { recursive: true });
cpSync(SRC, join(dir, 'src'), { recursive: true });
for (const f of result.files) writeFileSync(join(dir, 'src', f.name), f.content);

type Status = 'killed' | 'timeout' | 'survived' | 'no-coverage';
interface Row { id: string; file: string; line: number; column: number; mutator: string; replacement: string; original: string; static: boolean; status?: Status; by?: string | null; ms?: number }
const rows: Row[] = result.mutants.map((m) => {
  const src = files.find((f) => f.name === m.fileName)!.content.split('\n');
  const { start, end } = m.location;
  // Stryker's locations are 0-based (lines and columns); the report gives 1-based lines.
  const original = start.line === end.line ? src[start.line].slice(start.column, end.column) : `${src[start.line].slice(start.column)}…`;
  return { id: m.id, file: `impls/ts/src/${m.fileName}`, line: start.line + 1, column: start.column + 1, mutator: m.mutatorName, replacement: m.replacement, original: original.slice(0, 80), static: false };
});

const workerPath = join(ROOT, 'mutation', 'worker.ts');
function startWorker(activeMutant?: string): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, DIFFTOWER_MUTATION_DIR: dir, DIFFTOWER_MUTATION_FUZZ_RUNS: values['fuzz-runs'] };
  if (values['sample-max']) env.DIFFTOWER_MUTATION_SAMPLE_MAX = values['sample-max'];
  if (values['reuse-sample']) env.DIFFTOWER_MUTATION_REUSE_SAMPLE = '1';
  if (activeMutant) env.__STRYKER_ACTIVE_MUTANT__ = activeMutant;
  const w = fork(workerPath, { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    w.once('message', (m: FromWorker) => (m.type === 'ready' ? resolve(w) : reject(new Error('worker did not start'))));
    w.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
}
function ask(w: ChildProcess, msg: ToWorker, limitMs: number): Promise<FromWorker | 'timeout'> {
  return new Promise((resolve) => {
    const done = (r: FromWorker | 'timeout') => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('exit', onExit);
      resolve(r);
    };
    const onMessage = (m: FromWorker) => done(m);
    const onExit = () => done('timeout');
    const timer = setTimeout(() => (w.kill('SIGKILL'), done('timeout')), limitMs);
    w.on('message', onMessage);
    w.on('exit', onExit);
    w.send(msg);
  });
}

const t0 = performance.now();
let worker = await startWorker();
const answer = await ask(worker, { type: 'coverage' }, 600_000);
if (answer === 'timeout' || answer.type !== 'coverage') throw new Error('the suite did not finish without a mutant');
const cov = answer;
if (cov.baseline) throw new Error(`the suite fails with no mutant active: ${cov.baseline}`);
const staticIds = new Set(cov.static);
const covered = new Set(cov.covered);
const limitMs = Math.max(60_000, 10 * cov.ms);
console.error(`fuzz sample: ${cov.sample} cases kept from ${values['fuzz-runs']}; outcomes reached ${JSON.stringify(cov.outcomes)}`);
console.error(`${rows.length} mutants in ${targets.length} file(s); suite ${Math.round(cov.ms)} ms; ${staticIds.size} static, ${rows.filter((r) => !covered.has(r.id) && !staticIds.has(r.id)).length} not covered`);

function report(done: boolean) {
  const count = (s: Status) => rows.filter((r) => r.status === s).length;
  const tested = rows.filter((r) => r.status !== undefined).length;
  const summary = {
    partial: !done,
    files: targets.map((f) => relative(ROOT, f)),
    mutants: rows.length,
    tested,
    killed: count('killed'),
    timeout: count('timeout'),
    survived: count('survived'),
    noCoverage: count('no-coverage'),
    /** Detected (killed or timed out) over tested, as StrykerJS's mutation score. */
    score: Math.round((10000 * (count('killed') + count('timeout'))) / Math.max(1, tested)) / 100,
    fuzzRuns: Number(values['fuzz-runs']),
    sampleCases: cov.sample,
    suiteMs: Math.round(cov.ms),
    wallMs: Math.round(performance.now() - t0),
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ summary, mutants: rows }, null, 2) + '\n');
  return summary;
}
for (const [n, r] of rows.entries()) {
  r.static = staticIds.has(r.id);
  if (!r.static && !covered.has(r.id)) {
    r.status = 'no-coverage';
    continue;
  }
  let w = worker;
  if (r.static) w = await startWorker(r.id).catch(() => null as never);
  const res = w ? await ask(w, { type: 'test', id: r.id }, limitMs) : 'timeout';
  if (res === 'timeout') {
    [r.status, r.by] = ['timeout', `no answer within ${limitMs} ms (or the module failed to load)`];
    if (!r.static) worker = await startWorker();
  } else if (res.type === 'result') {
    [r.status, r.by, r.ms] = [res.killed ? 'killed' : 'survived', res.by, Math.round(res.ms)];
  }
  if (r.static && w) w.kill();
  report(false);
  if ((n + 1) % 10 === 0) console.error(`${n + 1}/${rows.length} tested`);
}
worker.kill();

const summary = report(true);
console.log(JSON.stringify(summary));
for (const r of rows.filter((x) => x.status === 'survived' || x.status === 'no-coverage')) console.log(`${r.status} ${r.file}:${r.line}:${r.column} ${r.mutator}: ${JSON.stringify(r.original)} -> ${JSON.stringify(r.replacement)}`);
process.exit(0);
