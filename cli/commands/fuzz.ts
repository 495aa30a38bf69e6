// `difftower fuzz`: the differential fuzzer. Generates and mutates checkpoint sequences, runs every
// implementation on them, shrinks each new divergence to a minimal reproducer and saves it as a
// case file. Exit 0 only with zero divergences, so CI can gate a release on it.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { caseOf, listCaseFiles, readCaseFile, writeCaseFile, type Case } from '../../corpus/case.js';
import { describeFinding } from '../../oracle/run.js';
import type { EngineFinding, EngineStats } from '../../fuzz/engine.js';
import { FuzzRun } from '../../fuzz/pool.js';
import { makeImplementations, parseImplementationList } from '../implementations.js';
import { clock, durationMs, Progress } from '../progress.js';
import { finish, junit, reportFormatOf, type ReportCase } from '../report.js';
import { EnvironmentError, EXIT, intOf, profileOf, ROOT, seedOf, UsageError, type Command } from '../shared.js';

const DEFAULT_DURATION = '60s';

function loadCorpus(dirs: string[], profile: 'aztec' | 'small'): Case[] {
  return dirs.flatMap((d) => listCaseFiles(d).map((f) => caseOf(readCaseFile(f)))).filter((c) => c.profile === profile);
}

/** Every implementation must start and reach genesis before the run: otherwise exit 4, not a finding storm. */
async function preflight(impls: string, profile: 'aztec' | 'small', timeoutMs: number): Promise<string[]> {
  const instances = makeImplementations(impls, timeoutMs, profile);
  try {
    for (const impl of instances) {
      const g = await impl.genesis({ profile, chainId: 31337n, version: 1n });
      if (g.kind !== 'ok') throw new EnvironmentError(`implementation '${impl.name}' failed to start: ${'message' in g ? g.message : g.kind}`);
    }
    return instances.map((i) => i.name);
  } finally {
    await Promise.all(instances.map((i) => i.close()));
  }
}

function rate(n: number, ms: number): string {
  return ms > 0 ? (n / (ms / 1000)).toFixed(1) : '0.0';
}

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      impls: { type: 'string' },
      profile: { type: 'string' },
      seed: { type: 'string' },
      runs: { type: 'string' },
      duration: { type: 'string' },
      workers: { type: 'string' },
      corpus: { type: 'string' },
      findings: { type: 'string' },
      report: { type: 'string' },
      'report-file': { type: 'string' },
      timeout: { type: 'string' },
      'stop-on-finding': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  const profile = profileOf(values.profile);
  const impls = values.impls ?? 'ts,rust';
  if (parseImplementationList(impls).length < 2) throw new UsageError('--impls needs at least two implementations to compare');
  const seed = seedOf(values.seed, BigInt.asUintN(64, BigInt(Date.now()) * 0x9e3779b97f4a7c15n));
  const runs = values.runs === undefined ? undefined : intOf(values.runs, 'runs', 0);
  const durationText = values.duration ?? (runs === undefined ? DEFAULT_DURATION : undefined);
  const duration = durationText === undefined ? undefined : durationMs(durationText);
  if (duration === null) throw new UsageError(`--duration must look like 90s, 15m, 2h or 1h30m, got '${values.duration}'`);
  const workers = Math.max(1, intOf(values.workers, 'workers', availableParallelism()));
  const timeoutMs = intOf(values.timeout, 'timeout', 30) * 1000;
  const format = reportFormatOf(values.report);
  const findingsDir = values.findings ?? 'difftower-findings';
  const corpusDirs = values.corpus ? (existsSync(values.corpus) ? [values.corpus] : []) : [join(ROOT, 'corpus/seed'), join(ROOT, 'corpus/regressions')].filter((d) => existsSync(d));
  const corpus = loadCorpus(corpusDirs, profile);

  const names = await preflight(impls, profile, timeoutMs);
  const progress = new Progress(undefined, values.quiet);
  const replayHint = `--seed ${seed} --workers ${workers}${runs !== undefined ? ` --runs ${runs}` : ''} --profile ${profile} --impls ${impls}`;
  progress.note(`difftower fuzz: ${names.join(' vs ')} on '${profile}', seed ${seed}, ${workers} worker(s), ${runs !== undefined ? `${runs} cases` : `for ${durationText}`}; corpus ${corpus.length} case(s)`);

  const found: { f: EngineFinding; file: string }[] = [];
  let novel = 0;
  const line = (s: EngineStats) =>
    `[${clock(s.elapsedMs)}] ${s.cases} cases (${rate(s.cases, s.elapsedMs)}/s), ${s.checkpoints} checkpoints (${rate(s.checkpoints, s.elapsedMs)}/s), divergences ${found.length}, corpus ${corpus.length + novel}`;

  const fuzz = new FuzzRun({
    profile,
    impls,
    seed,
    workers,
    runs,
    deadline: duration === undefined ? undefined : Date.now() + duration,
    timeoutMs,
    corpus,
    stopOnFinding: values['stop-on-finding'],
    onProgress: (total) => progress.update(line(total)),
    onNovel: (c) => {
      novel++;
      if (values.corpus) writeCaseFile(values.corpus, 'cov-', { v: 1, kind: 'difftower-case', ...c, meta: { origin: 'generated', seed: String(seed) } });
    },
    onFinding: (f) => {
      const file = writeCaseFile(findingsDir, 'finding-', {
        v: 1,
        kind: 'difftower-case',
        ...f.reproducer,
        meta: { origin: 'finding', note: describeFinding(f.finding), seed: String(seed), worker: f.worker, iteration: f.iteration, finding: { ...f.finding } },
      });
      found.push({ f, file });
      progress.note(`DIVERGENCE ${describeFinding(f.finding)}\n  reproducer: ${file} (${f.reproducer.checkpoints.length} checkpoint(s), shrunk from ${f.originalCheckpoints}); replay: difftower replay ${file}`);
    },
  });
  const onSignal = () => {
    progress.note('difftower fuzz: stopping after the current cases (press Ctrl-C again to abort)');
    fuzz.stop();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  let result;
  try {
    result = await fuzz.run();
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
  const s = result.stats;
  progress.update(line(s), true);
  progress.done();

  const summary = {
    tool: 'difftower',
    command: 'fuzz',
    profile,
    implementations: names,
    seed: seed.toString(),
    workers,
    runs: runs ?? null,
    durationMs: duration ?? null,
    replay: `difftower fuzz ${replayHint}`,
    elapsedMs: Math.round(s.elapsedMs),
    cases: s.cases,
    executions: s.execs,
    checkpoints: s.checkpoints,
    casesPerSecond: Number(rate(s.cases, s.elapsedMs)),
    checkpointsPerSecond: Number(rate(s.checkpoints, s.elapsedMs)),
    corpus: corpus.length + novel,
    timeMs: { generation: Math.round(s.genMs), ...Object.fromEntries(Object.entries(s.implMs).map(([k, v]) => [k, Math.round(v)])), comparison: Math.round(s.compareMs), shrinking: Math.round(s.shrinkMs) },
    divergences: found.map(({ f, file }) => ({ ...f.finding, description: describeFinding(f.finding), reproducer: file, reproducerCheckpoints: f.reproducer.checkpoints.length, worker: f.worker, iteration: f.iteration })),
  };
  const junitCases = (): ReportCase[] => [
    {
      name: `${names.join(' vs ')} (${profile}): no divergence in ${s.cases} cases`,
      time: s.elapsedMs / 1000,
      failure: found.length ? { message: `${found.length} divergence(s)`, details: found.map(({ f, file }) => `${describeFinding(f.finding)} (${file})`).join('\n') } : undefined,
    },
    ...found.map(({ f, file }) => ({ name: `divergence: ${f.finding.kind} at ${f.finding.field}`, time: f.shrinkMs / 1000, failure: { message: describeFinding(f.finding), details: `reproducer ${file}\nreplay: difftower replay ${file}` } })),
  ];
  finish(
    format,
    values['report-file'],
    { json: () => summary, junit: () => junit('difftower fuzz', junitCases(), { seed: seed.toString(), profile, implementations: names.join(','), workers: String(workers) }) },
    found.length === 0 ? `no divergence: ${s.cases} cases, ${s.checkpoints} checkpoints (${names.join(', ')})` : `${found.length} divergence(s); reproducers in ${findingsDir}/`,
  );
  return found.length === 0 ? EXIT.ok : EXIT.finding;
}

export const fuzzCommand: Command = {
  name: 'fuzz',
  help: `fuzz     [--impls LIST] [--profile small|aztec] [--seed S] [--runs N | --duration 60s]
                     [--workers N] [--corpus DIR] [--findings DIR] [--report json|junit]
                     [--report-file PATH] [--timeout SECONDS] [--stop-on-finding] [--quiet]
                     Differential fuzzing (default: ts,rust on 'small' for 60s on all cores).
                     Each divergence is shrunk and saved to --findings (difftower-findings/).
                     Exit 0 only with zero divergences.`,
  run,
};
