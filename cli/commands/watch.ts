// `difftower devnet`, `difftower watch` and `difftower verify-evidence` (watch/): the L1 devnet
// with its sequencer, the watchtower, and a council member's check of an evidence bundle.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getAddress, isAddress, type Address, type Hex, type LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { AnvilNotFoundError, AnvilStartError } from '../../contracts/ts/anvil.js';
import { closeBarretenberg } from '../../impls/noir/src/prover.js';
import { decodeEvidence } from '../../watch/evidence.js';
import { Devnet, DEVNET, devnetKey, writeKeyFile } from '../../watch/devnet.js';
import { NotARollupError } from '../../watch/follower.js';
import { AlertSink, TowerAlerts } from '../../watch/alerts.js';
import { serveStatus } from '../../watch/status.js';
import { StoreMismatchError } from '../../watch/store.js';
import { watchImplementations } from '../../watch/implementations.js';
import { ChainChangedError, GenesisMismatchError, Watchtower } from '../../watch/tower.js';
import { verifyEvidence as checkEvidence } from '../../watch/verify.js';
import { makeImplementations } from '../../impls/registry.js';
import { Progress } from '../progress.js';
import { decodeFile } from '../input.js';
import { checkOutputDir, checkOutputFile, EnvironmentError, EXIT, intOf, parseCommand, seedOf, UsageError } from '../shared.js';
import { evidenceVerdict } from '../verdict.js';
import { DEVNET as DEVNET_SPEC, VERIFY_EVIDENCE, WATCH } from './index.js';

const DEFAULT_KEY_FILE = '.difftower/devnet/operator.key';

/** Resolves on SIGINT/SIGTERM (once), so long-running commands stop cleanly. */
function untilSignal(): { promise: Promise<string>; dispose(): void } {
  let resolve!: (s: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  const on = (s: string) => () => resolve(s);
  const int = on('SIGINT');
  const term = on('SIGTERM');
  process.once('SIGINT', int);
  process.once('SIGTERM', term);
  return { promise, dispose: () => (process.off('SIGINT', int), process.off('SIGTERM', term)) };
}

/** A file written later (key, info): not a directory, and its directory can be created. */
function checkLaterFile(path: string, flag: string): void {
  checkOutputDir(dirname(path), flag);
  if (existsSync(dirname(path))) checkOutputFile(path, flag);
}

export async function devnet(args: string[]): Promise<number> {
  const { values } = parseCommand(DEVNET_SPEC, args);
  const verifier = values.verifier ?? 'honk';
  if (verifier !== 'honk' && verifier !== 'mock') throw new UsageError(`--verifier must be honk or mock, got '${verifier}'`);
  const checkpoints = values.checkpoints === undefined ? undefined : intOf(values.checkpoints, 'checkpoints', 0);
  const intervalMs = intOf(values.interval, 'interval', 2000);
  const keyFile = values['operator-key-out'] ?? DEFAULT_KEY_FILE;
  checkLaterFile(keyFile, '--operator-key-out');
  if (values.info) checkLaterFile(values.info, '--info');
  const log = (l: string) => process.stderr.write(`[devnet] ${l}\n`);
  let devnet: Devnet;
  try {
    devnet = await Devnet.start({
      port: intOf(values.port, 'port', 8545),
      verifier,
      proofWindow: intOf(values['proof-window'], 'proof-window', 3600),
      seed: seedOf(values.seed, 1n),
      wrongRootEvery: intOf(values['wrong-root-every'], 'wrong-root-every', 0),
      pace: !values['no-pace'],
      paceTimeoutMs: intOf(values['pace-timeout'], 'pace-timeout', 600) * 1000,
      log,
    });
  } catch (err) {
    if (err instanceof AnvilNotFoundError || err instanceof AnvilStartError) throw new EnvironmentError(err.message);
    throw err;
  }
  writeKeyFile(keyFile, devnetKey('operator'));
  const info = { ...devnet.info, operator: DEVNET.operator.address, operatorKeyFile: keyFile };
  if (values.info) writeKeyFileJson(values.info, info);
  console.log(JSON.stringify(info, null, 1));
  log(`L1 RPC ${devnet.info.rpcUrl}, rollup ${devnet.info.rollup}, verifier ${verifier === 'honk' ? 'HonkVerifier (real UltraHonk proofs)' : 'MockVerifier'}`);
  log(`watch it with: difftower watch --rpc ${devnet.info.rpcUrl} --rollup ${devnet.info.rollup} --key-file ${keyFile}`);
  const signal = untilSignal();
  const running = devnet.run({
    checkpoints,
    intervalMs,
    onProposal: (r) => {
      if (!values.quiet) log(`proposed checkpoint ${r.checkpoint} (#${r.index}, era ${r.era})${r.wrong ? ' with a WRONG post-state' : ''}, gas ${r.gasUsed}`);
    },
  });
  const stop = await Promise.race([running.then(() => 'done'), signal.promise]);
  devnet.stop();
  await running.catch(() => undefined);
  if (stop === 'done' && checkpoints !== undefined) {
    const gas = devnet.proposals.map((p) => Number(p.gasUsed));
    log(`${gas.length} proposals, gas per proposal avg ${Math.round(gas.reduce((a, b) => a + b, 0) / Math.max(1, gas.length))}, min ${Math.min(...gas)}, max ${Math.max(...gas)}`);
  }
  signal.dispose();
  await devnet.close();
  return EXIT.ok;
}

function writeKeyFileJson(path: string, v: unknown) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(v, null, 1) + '\n');
}

/** --alert-webhook URL [--alert-format slack|pagerduty|json] [--alert-routing-key-file F or DIFFTOWER_PAGERDUTY_ROUTING_KEY]. */
function alertSinkOf(url: string | undefined, format: string | undefined, keyFile: string | undefined, log: (l: string) => void): AlertSink | null {
  if (url === undefined) {
    if (format !== undefined || keyFile !== undefined) throw new UsageError('--alert-format and --alert-routing-key-file need --alert-webhook URL');
    return null;
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--alert-webhook is not a URL: '${url}'`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError(`--alert-webhook must be an http(s) URL, got '${url}'`);
  const f = format ?? 'json';
  if (f !== 'slack' && f !== 'pagerduty' && f !== 'json') throw new UsageError(`--alert-format must be slack, pagerduty or json, got '${f}'`);
  let routingKey: string | undefined;
  if (f === 'pagerduty') {
    if (keyFile && !existsSync(keyFile)) throw new UsageError(`--alert-routing-key-file ${keyFile} does not exist`);
    routingKey = (keyFile ? readFileSync(keyFile, 'utf8') : process.env.DIFFTOWER_PAGERDUTY_ROUTING_KEY)?.trim();
    if (!routingKey) throw new UsageError('--alert-format pagerduty needs the integration key in --alert-routing-key-file or DIFFTOWER_PAGERDUTY_ROUTING_KEY');
  }
  return new AlertSink({ url, format: f, routingKey, log });
}

/** The operator key from --key-file or DIFFTOWER_OPERATOR_KEY; never printed. */
function operatorKey(keyFile: string | undefined): LocalAccount | undefined {
  let raw: string | undefined;
  let source: string;
  if (keyFile) {
    if (!existsSync(keyFile)) throw new UsageError(`--key-file ${keyFile} does not exist`);
    raw = readFileSync(keyFile, 'utf8');
    source = `--key-file ${keyFile}`;
  } else {
    raw = process.env.DIFFTOWER_OPERATOR_KEY;
    source = 'DIFFTOWER_OPERATOR_KEY';
  }
  if (raw === undefined || raw.trim() === '') return undefined;
  const k = raw.trim().toLowerCase();
  const key = (k.startsWith('0x') ? k : `0x${k}`) as Hex;
  if (!/^0x[0-9a-f]{64}$/.test(key)) throw new UsageError(`the operator key in ${source} is not a 32-byte hex private key (its value is not shown)`);
  return privateKeyToAccount(key);
}

export async function watch(args: string[]): Promise<number> {
  const { values } = parseCommand(WATCH, args);
  if (!values.rpc || !values.rollup) throw new UsageError('watch needs --rpc URL --rollup ADDRESS');
  const alertSink = alertSinkOf(values['alert-webhook'], values['alert-format'], values['alert-routing-key-file'], (l) => progress.note(`[watch] ${l}`));
  if (!isAddress(values.rollup)) throw new UsageError(`--rollup is not an address: '${values.rollup}'`);
  const rollup = getAddress(values.rollup) as Address;
  const operator = operatorKey(values['key-file']);
  if (values.evidence) checkOutputDir(values.evidence, '--evidence');
  const finality = values.finality ?? 'confirmations';
  if (finality !== 'confirmations' && finality !== 'finalized') throw new UsageError(`--finality must be confirmations or finalized, got '${finality}'`);
  const maxRange = intOf(values['max-log-range'], 'max-log-range', 1000);
  if (maxRange < 1) throw new UsageError('--max-log-range must be at least 1');
  // A signal during start-up (loading implementations, connecting) stops cleanly, without a trace.
  const signal = untilSignal();
  let stopped = false;
  void signal.promise.then(() => (stopped = true));
  const impls = watchImplementations(values.impls ?? 'ts,rust,noir', intOf(values.timeout, 'timeout', 60, 1) * 1000);
  const progress = new Progress(process.stderr.isTTY ? 500 : 30_000, values.quiet);
  const makeTower = (o: ConstructorParameters<typeof Watchtower>[0]) => {
    try {
      return new Watchtower(o);
    } catch (err) {
      if (err instanceof StoreMismatchError) throw new EnvironmentError(err.message);
      throw err;
    }
  };
  let towerRef: Watchtower | null = null;
  const alerts = new TowerAlerts(alertSink, { rollup, l1ChainId: () => towerRef?.status.l1ChainId ?? null });
  const tower = makeTower({
    onCheckpoint: (rec, isFinding, posted) => alerts.onCheckpoint(rec, isFinding, posted),
    rpcUrl: values.rpc,
    rollup,
    dbPath: values.db ?? join('.difftower', 'watch', rollup.toLowerCase()),
    evidenceDir: values.evidence,
    impls,
    confirmations: intOf(values.confirmations, 'confirmations', 2),
    pollMs: intOf(values.poll, 'poll', 1000),
    prove: !values['no-prove'],
    operator,
    finality,
    maxRange,
    deployBlock: values['deploy-block'] === undefined ? undefined : intOf(values['deploy-block'], 'deploy-block', 0),
    replaceAfterMs: intOf(values['replace-after'], 'replace-after', 30) * 1000,
    log: (l) => progress.note(`[watch] ${l}`),
  });
  towerRef = tower;
  let status: Awaited<ReturnType<typeof serveStatus>> | undefined;
  if (values['status-port'] !== undefined) {
    status = await serveStatus(tower, intOf(values['status-port'], 'status-port', 0), '127.0.0.1', () => alerts.metricsText());
    progress.note(`[watch] status: ${status.url}/status, metrics: ${status.url}/metrics`);
  }
  const ticker = setInterval(() => {
    const s = tower.status;
    const st = tower.store.stats();
    progress.update(`[watch] ${s.state} | L1 head ${s.head ?? '?'} read ${s.scanned ?? '?'} | checkpoints ${st.processed} (${Object.entries(st.verdicts).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}) | evidence posted ${st.evidencePosted} | re-exec avg ${s.latency.reexecMsAvg.toFixed(0)} ms`);
  }, 500);
  if (stopped) tower.stop();
  const running = tower.run();
  let code: number = EXIT.ok;
  let findings = 0;
  let fatal: Error | null = null;
  try {
    await Promise.race([running, signal.promise.then(() => tower.stop())]);
    await running;
  } catch (err) {
    if (err instanceof GenesisMismatchError || err instanceof NotARollupError) {
      progress.note(`[watch] ${err.message}`);
      code = EXIT.finding;
    } else if (err instanceof ChainChangedError) fatal = new EnvironmentError(err.message);
    else if (err instanceof StoreMismatchError) fatal = new UsageError(err.message);
    else throw err;
  } finally {
    clearInterval(ticker);
    signal.dispose();
    findings = tower.store.findings().length;
    progress.done();
    status?.server.close();
    await alertSink?.flush(10_000);
    await tower.close();
    await Promise.all(impls.map((i) => i.close()));
    await closeBarretenberg();
  }
  if (fatal) throw fatal;
  if (code === EXIT.ok && findings > 0) code = EXIT.finding;
  return code;
}

export async function verifyEvidence(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(VERIFY_EVIDENCE, args);
  if (positionals.length !== 1) throw new UsageError('verify-evidence needs one BUNDLE file');
  if (!values.offline && (!values.rpc || !values.rollup)) throw new UsageError('verify-evidence needs --rpc URL and --rollup ADDRESS (the rollup you follow; the bundle\'s own address is not trusted), or --offline');
  if (values.rollup !== undefined && !isAddress(values.rollup)) throw new UsageError(`--rollup is not an address: '${values.rollup}'`);
  const bundle = decodeFile(positionals[0]!, 'evidence', (b) => decodeEvidence(new TextDecoder().decode(b)));
  const impls = makeImplementations(values.impls ?? 'ts,rust,noir', intOf(values.timeout, 'timeout', 60, 1) * 1000, 'small');
  try {
    const v = await checkEvidence(bundle, impls, values.offline ? {} : { rpcUrl: values.rpc, rollup: getAddress(values.rollup!) as Address });
    const verdict = evidenceVerdict(v);
    if (values.json) console.log(JSON.stringify({ ...v, verdict: verdict.confirmed ? 'confirmed' : 'rejected', summary: verdict.summary }, null, 1));
    else {
      console.log(verdict.summary);
      console.log('');
      for (const c of v.checks) console.log(`  [${c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${c.detail}`);
      console.log('');
      console.log(`  bundle: ${bundle.finding} at checkpoint ${bundle.checkpoint} of rollup ${bundle.l1.rollup} (L1 chain ${bundle.l1.chainId}); ${bundle.reason}`);
      if (values.offline) console.log('  (offline: not checked against the chain, so never CONFIRMED)');
    }
    return verdict.confirmed ? EXIT.ok : EXIT.finding;
  } finally {
    await Promise.all(impls.map((i) => i.close()));
    await closeBarretenberg();
  }
}
