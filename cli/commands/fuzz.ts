// `difftower fuzz`: the differential fuzzer. Generates and mutates checkpoint sequences, runs every
// implementation on them, shrinks each new divergence to a minimal reproducer and saves it as a
// case file. Exit 0 only with zero divergences, so CI can gate a release on it.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { caseOf, listCaseFiles, readCaseFile, writeCaseFile, type Case } from '../../corpus/case.js';
import { describeFinding } from '../../oracle/run.js';
import { SPEC_ERROR_CODES } from '../../fuzz/codes.js';
import { buildPreState } from '../../fuzz/prestate.js';
import { encodeChainState } from '../../core/codec.js';
import type { EngineFinding, EngineStats } from '../../fuzz/engine.js';
import { FuzzRun } from '../../fuzz/pool.js';
import { makeImplementations, parseImplementationList } from '../../impls/registry.js';
import { clock, durationMs, Progress } from '../progress.js';
import { DecodeError } from '../../core/codec.js';
import { emit, finish, jsonText, junit, reportFormatOf, type ReportCase } from '../report.js';
import { checkOutputDir, checkOutputFile, EnvironmentError, EXIT, intOf, parseCommand, profileOf, ROOT, seedOf, UsageError } from '../shared.js';
import { FUZZ } from './index.js';

const DEFAULT_DURATION = '60s';

function loadCorpus(dirs: string[], profile: 'aztec' | 'small'): Case[] {
  return dirs.flatMap((d) => listCaseFiles(d).map((f) => caseOf(readCaseFile(f)))).filter((c) => c.profile === profile);
}

/**
 * Every implementation must start and reach genesis before the run: otherwise exit 4, not a finding
 * storm. Each must also restore a generated state, or no case starts from a pre-state (an
 * implementation without `restore` would otherwise diverge on half the cases).
 */
export async function preflight(impls: string, profile: 'aztec' | 'small', timeoutMs: number): Promise<{ names: string[]; noRestore: string[] }> {
  const instances = makeImplementations(impls, timeoutMs, profile);
  const probe = encodeChainState(buildPreState({ focus: null, edge: 'full', others: [], keys: 'random', blockNumber: null, slot: null, timestamp: null, chainId: null, version: null, seed: 1 }, profile, { chainId: 31337n, version: 1n }).file);
  try {
    const noRestore: string[] = [];
    for (const impl of instances) {
      const g = await impl.genesis({ profile, chainId: 31337n, version: 1n });
      if (g.kind !== 'ok') throw new EnvironmentError(`implementation '${impl.name}' failed to start: ${'message' in g ? g.message : g.kind}`);
      const r = await impl.restore(probe);
      if (r.kind !== 'ok') noRestore.push(`${impl.name} (${'message' in r ? r.message : r.kind})`);
    }
    return { names: instances.map((i) => i.name), noRestore };
  } finally {
    await Promise.all(instances.map((i) => i.close()));
  }
}

/** The arguments that make a run again exactly: seed, workers and the work bound, quoted for a shell. */
function replayArgs(o: { seed: bigint; workers: number; runs?: number; durationText?: string; profile: string; impls: string; corpus?: string; corpusList?: string }): string {
  const q = (v: string) => (/^[\w.,:/=@+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const bound = o.runs !== undefined ? `--runs ${o.runs}` : `--duration ${q(o.durationText!)}`;
  return `--seed ${o.seed} --workers ${o.workers} ${bound} --profile ${o.profile} --impls ${q(o.impls)}${o.corpus ? ` --corpus ${q(o.corpus)}` : ''}${o.corpusList ? ` --corpus-list ${q(o.corpusList)}` : ''}`;
}

/** A corpus list file: one case file path a line (relative to the list), loaded in that order
 * (what `campaign report --out` writes for each shard's starting corpus). */
function loadCorpusList(file: string, profile: 'aztec' | 'small'): Case[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DecodeError('corpus list', `cannot read ${file}: ${(err as Error).message}`);
  }
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.map((l) => caseOf(readCaseFile(resolve(dirname(file), l)))).filter((c) => c.profile === profile);
}

/** `difftower fuzz --cluster URL --campaign NAME`: a campaign worker until every shard is recorded. */
async function clusterWorker(url: string, name: string, workers: number, quiet: boolean): Promise<number> {
  // Loaded only for a cluster worker: a local run needs neither BullMQ nor a Redis client.
  const { CampaignStore, redactUrl } = await import('../../campaign/store.js');
  const { runWorker } = await import('../../campaign/worker.js');
  const store = await CampaignStore.open(url, name);
  try {
    const meta = await store.requireMeta();
    const { names, noRestore } = await preflight(meta.impls, meta.profile, meta.timeoutMs);
    const log = (l: string) => !quiet && process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${l}\n`);
    log(`difftower fuzz: worker of campaign '${meta.name}' at ${redactUrl(url)} (${names.join(' vs ')} on '${meta.profile}', ${meta.shards} shards), ${workers} shard(s) at a time`);
    // Pre-states only where every implementation restores, exactly as a local run of a shard decides.
    const done = await runWorker(store, meta, { concurrency: workers, log, preStates: noRestore.length === 0 });
    if (done.failed.length) throw new EnvironmentError(`campaign '${meta.name}': shard(s) ${done.failed.join(', ')} failed on every attempt (see 'difftower campaign status')`);
    console.log(`campaign '${meta.name}' complete; this worker ran ${done.shards} shard(s), ${done.checkpoints} checkpoints (results: difftower campaign report --cluster ${redactUrl(url)} --campaign ${meta.name})`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/**
 * Every spec error code with how often it was reached (0 included, so a blind spot shows), then
 * `accepted`, then anything else an implementation answered.
 */
function outcomeCounts(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = { accepted: counts.accepted ?? 0 };
  for (const code of SPEC_ERROR_CODES) out[code] = counts[code] ?? 0;
  for (const [k, v] of Object.entries(counts)) if (!(k in out)) out[k] = v;
  return out;
}

function outcomeSummary(counts: Record<string, number>): string {
  const all = outcomeCounts(counts);
  const missed = SPEC_ERROR_CODES.filter((c) => all[c] === 0);
  const reached = Object.entries(all).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`);
  return `outcomes per checkpoint: ${reached.join(', ')}\n${missed.length ? `never reached (${missed.length} of ${SPEC_ERROR_CODES.length} codes): ${missed.join(', ')}` : `every one of the ${SPEC_ERROR_CODES.length} spec error codes reached`}`;
}

function rate(n: number, ms: number): string {
  return ms > 0 ? (n / (ms / 1000)).toFixed(1) : '0.0';
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommand(FUZZ, args);
  if (values.campaign !== undefined && values.cluster === undefined) throw new UsageError('--campaign needs --cluster redis://HOST:PORT');
  if (values.cluster !== undefined) {
    for (const k of ['impls', 'profile', 'seed', 'runs', 'duration', 'corpus', 'corpus-list', 'stop-on-finding'] as const) {
      if (values[k] !== undefined) throw new UsageError(`--${k} is set by the campaign ('difftower campaign start'), not by a --cluster worker`);
    }
    return clusterWorker(values.cluster, values.campaign ?? 'default', Math.max(1, intOf(values.workers, 'workers', 1)), !!values.quiet);
  }
  if (values.corpus !== undefined && values['corpus-list'] !== undefined) throw new UsageError('give --corpus or --corpus-list, not both');
  const profile = profileOf(values.profile);
  const impls = values.impls ?? 'ts,rust';
  if (parseImplementationList(impls).length < 2) throw new UsageError('--impls needs at least two implementations to compare');
  const seed = seedOf(values.seed, BigInt.asUintN(64, BigInt(Date.now()) * 0x9e3779b97f4a7c15n));
  const runs = values.runs === undefined ? undefined : intOf(values.runs, 'runs', 0);
  const durationText = values.duration ?? (runs === undefined ? DEFAULT_DURATION : undefined);
  const duration = durationText === undefined ? undefined : durationMs(durationText);
  if (duration === null) throw new UsageError(`--duration must look like 90s, 15m, 2h or 1h30m, got '${values.duration}'`);
  const workers = intOf(values.workers, 'workers', availableParallelism(), 1);
  const timeoutMs = intOf(values.timeout, 'timeout', 30, 1) * 1000;
  const format = reportFormatOf(values.report);
  const findingsDir = values.findings ?? 'difftower-findings';
  // Every output path is checked before the run, so that no report or finding is lost after it.
  if (values['report-file']) checkOutputFile(values['report-file'], '--report-file');
  checkOutputDir(findingsDir, values.findings ? '--findings' : 'the findings directory');
  if (values.corpus) checkOutputDir(values.corpus, '--corpus'); // novel cases are written there
  const corpusDirs = values.corpus ? (existsSync(values.corpus) ? [values.corpus] : []) : [join(ROOT, 'corpus/seed'), join(ROOT, 'corpus/regressions')].filter((d) => existsSync(d));
  const corpus = values['corpus-list'] !== undefined ? loadCorpusList(values['corpus-list'], profile) : loadCorpus(corpusDirs, profile);

  const { names, noRestore } = await preflight(impls, profile, timeoutMs);
  const progress = new Progress(undefined, values.quiet);
  if (noRestore.length) progress.note(`difftower fuzz: cannot restore a state: ${noRestore.join(', ')}; every case starts at genesis (no pre-states)`);
  const replayCommand = `difftower fuzz ${replayArgs({ seed, workers, runs, durationText, profile, impls, corpus: values.corpus, corpusList: values['corpus-list'] })}`;
  progress.note(`difftower fuzz: ${names.join(' vs ')} on '${profile}', seed ${seed}, ${workers} worker(s), ${runs !== undefined ? `${runs} cases` : `for ${durationText}`}; corpus ${corpus.length} case(s)`);

  const found: { f: EngineFinding; file: string }[] = [];
  let novel = 0;
  const line = (s: EngineStats) =>
    `[${clock(s.elapsedMs)}] ${s.cases} cases (${rate(s.cases, s.elapsedMs)}/s), ${s.checkpoints} checkpoints (${rate(s.checkpoints, s.elapsedMs)}/s), divergences ${found.length}, corpus ${corpus.length + novel}`;

  // Throughput over time for reports (`difftower report --html`): at most one sample a second.
  const timeline: { tMs: number; cases: number; checkpoints: number; divergences: number }[] = [];
  const sample = (t: EngineStats, force = false) => {
    const last = timeline[timeline.length - 1];
    if (force || !last || t.elapsedMs - last.tMs >= 1000) timeline.push({ tMs: Math.round(t.elapsedMs), cases: t.cases, checkpoints: t.checkpoints, divergences: found.length });
  };

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
    coverage: values.coverage,
    preStates: noRestore.length === 0,
    onProgress: (total) => {
      progress.update(line(total));
      sample(total);
    },
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
  sample(s, true);
  progress.update(line(s), true);
  progress.done();

  const summary = {
    tool: 'difftower',
    command: 'fuzz',
    profile,
    implementations: names,
    impls,
    seed: seed.toString(),
    workers,
    runs: runs ?? null,
    durationMs: duration ?? null,
    replay: replayCommand,
    elapsedMs: Math.round(s.elapsedMs),
    cases: s.cases,
    executions: s.execs,
    checkpoints: s.checkpoints,
    casesPerSecond: Number(rate(s.cases, s.elapsedMs)),
    checkpointsPerSecond: Number(rate(s.checkpoints, s.elapsedMs)),
    corpus: corpus.length + novel,
    outcomes: outcomeCounts(s.outcomes),
    timeline,
    preStates: noRestore.length === 0,
    coverageGuidance: values.coverage ? { stfBlocksReached: s.coverageBlocks } : null,
    timeMs: { generation: Math.round(s.genMs), ...Object.fromEntries(Object.entries(s.implMs).map(([k, v]) => [k, Math.round(v)])), comparison: Math.round(s.compareMs), shrinking: Math.round(s.shrinkMs) },
    divergences: found.map(({ f, file }) => ({ ...f.finding, description: describeFinding(f.finding), reproducer: file, reproducerCheckpoints: f.reproducer.checkpoints.length, worker: f.worker, iteration: f.iteration })),
  };
  // The run's report beside its reproducers, so `difftower report DIR --html` has the whole picture.
  if (found.length) {
    mkdirSync(findingsDir, { recursive: true });
    emit(jsonText(summary), join(findingsDir, 'fuzz-report.json'));
  }
  const junitCases = (): ReportCase[] => [
    {
      name: `${names.join(' vs ')} (${profile}): no divergence in ${s.cases} cases`,
      time: s.elapsedMs / 1000,
      failure: found.length ? { message: `${found.length} divergence(s)`, details: found.map(({ f, file }) => `${describeFinding(f.finding)} (${file})`).join('\n') } : undefined,
    },
    ...found.map(({ f, file }) => ({ name: `divergence: ${f.finding.kind} at ${f.finding.field}`, time: f.shrinkMs / 1000, failure: { message: describeFinding(f.finding), details: `${describeFinding(f.finding)}\nreproducer ${file}\nreplay: difftower replay ${file}` } })),
  ];
  if (!values.quiet) progress.note(outcomeSummary(s.outcomes));
  finish(
    format,
    values['report-file'],
    { json: () => summary, junit: () => junit('difftower fuzz', junitCases(), { seed: seed.toString(), profile, implementations: names.join(','), workers: String(workers) }) },
    `${found.length === 0 ? `no divergence: ${s.cases} cases, ${s.checkpoints} checkpoints (${names.join(', ')})` : `${found.length} divergence(s); reproducers in ${findingsDir}/`}\nreplay this run: ${replayCommand}`,
  );
  return found.length === 0 ? EXIT.ok : EXIT.finding;
}
