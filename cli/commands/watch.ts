// `difftower devnet`, `difftower watch` and `difftower verify-evidence` (watch/): the L1 devnet
// with its sequencer, the watchtower, and a council member's check of an evidence bundle.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { getAddress, isAddress, type Address, type Hex, type LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { AnvilNotFoundError, AnvilStartError } from '../../contracts/src/anvil.js';
import { closeBarretenberg } from '../../impls/noir/src/prover.js';
import { decodeEvidence } from '../../watch/evidence.js';
import { Devnet, DEVNET, devnetKey, writeKeyFile } from '../../watch/devnet.js';
import { NotARollupError } from '../../watch/follower.js';
import { serveStatus } from '../../watch/status.js';
import { StoreMismatchError } from '../../watch/store.js';
import { GenesisMismatchError, Watchtower } from '../../watch/tower.js';
import { verifyEvidence } from '../../watch/verify.js';
import { makeImplementations } from '../implementations.js';
import { Progress } from '../progress.js';
import { EnvironmentError, EXIT, intOf, readInput, seedOf, UsageError, type Command } from '../shared.js';

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

async function cmdDevnet(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      checkpoints: { type: 'string' },
      interval: { type: 'string' },
      'wrong-root-every': { type: 'string' },
      seed: { type: 'string' },
      verifier: { type: 'string' },
      'proof-window': { type: 'string' },
      'operator-key-out': { type: 'string' },
      info: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  const verifier = values.verifier ?? 'honk';
  if (verifier !== 'honk' && verifier !== 'mock') throw new UsageError(`--verifier must be honk or mock, got '${verifier}'`);
  const checkpoints = values.checkpoints === undefined ? undefined : intOf(values.checkpoints, 'checkpoints', 0);
  const intervalMs = intOf(values.interval, 'interval', 2000);
  const log = (l: string) => process.stderr.write(`[devnet] ${l}\n`);
  let devnet: Devnet;
  try {
    devnet = await Devnet.start({
      port: intOf(values.port, 'port', 8545),
      verifier,
      proofWindow: intOf(values['proof-window'], 'proof-window', 3600),
      seed: seedOf(values.seed, 1n),
      wrongRootEvery: intOf(values['wrong-root-every'], 'wrong-root-every', 0),
      log,
    });
  } catch (err) {
    if (err instanceof AnvilNotFoundError || err instanceof AnvilStartError) throw new EnvironmentError(err.message);
    throw err;
  }
  const keyFile = values['operator-key-out'] ?? DEFAULT_KEY_FILE;
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

async function cmdWatch(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      rpc: { type: 'string' },
      rollup: { type: 'string' },
      db: { type: 'string' },
      evidence: { type: 'string' },
      impls: { type: 'string' },
      confirmations: { type: 'string' },
      poll: { type: 'string' },
      'key-file': { type: 'string' },
      'no-prove': { type: 'boolean' },
      'status-port': { type: 'string' },
      timeout: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  if (!values.rpc || !values.rollup) throw new UsageError('watch needs --rpc URL --rollup ADDRESS');
  if (!isAddress(values.rollup)) throw new UsageError(`--rollup is not an address: '${values.rollup}'`);
  const rollup = getAddress(values.rollup) as Address;
  const operator = operatorKey(values['key-file']);
  const impls = makeImplementations(values.impls ?? 'ts,rust,noir', intOf(values.timeout, 'timeout', 60_000), 'small');
  const progress = new Progress(process.stderr.isTTY ? 500 : 30_000, values.quiet);
  const makeTower = (o: ConstructorParameters<typeof Watchtower>[0]) => {
    try {
      return new Watchtower(o);
    } catch (err) {
      if (err instanceof StoreMismatchError) throw new EnvironmentError(err.message);
      throw err;
    }
  };
  const tower = makeTower({
    rpcUrl: values.rpc,
    rollup,
    dbPath: values.db ?? join('.difftower', 'watch', rollup.toLowerCase()),
    evidenceDir: values.evidence,
    impls,
    confirmations: intOf(values.confirmations, 'confirmations', 2),
    pollMs: intOf(values.poll, 'poll', 1000),
    prove: !values['no-prove'],
    operator,
    log: (l) => progress.note(`[watch] ${l}`),
  });
  let status: Awaited<ReturnType<typeof serveStatus>> | undefined;
  if (values['status-port'] !== undefined) {
    status = await serveStatus(tower, intOf(values['status-port'], 'status-port', 0));
    progress.note(`[watch] status: ${status.url}/status, metrics: ${status.url}/metrics`);
  }
  const ticker = setInterval(() => {
    const s = tower.status;
    const st = tower.store.stats();
    progress.update(`[watch] ${s.state} | L1 head ${s.head ?? '?'} read ${s.scanned ?? '?'} | checkpoints ${st.processed} (${Object.entries(st.verdicts).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}) | evidence posted ${st.evidencePosted} | re-exec avg ${s.latency.reexecMsAvg.toFixed(0)} ms`);
  }, 500);
  const signal = untilSignal();
  const running = tower.run();
  let code: number = EXIT.ok;
  let findings = 0;
  try {
    await Promise.race([running, signal.promise.then(() => tower.stop())]);
    await running;
  } catch (err) {
    if (err instanceof GenesisMismatchError || err instanceof NotARollupError) {
      progress.note(`[watch] ${err.message}`);
      code = EXIT.finding;
    } else if (err instanceof StoreMismatchError) throw new UsageError(err.message);
    else throw err;
  } finally {
    clearInterval(ticker);
    signal.dispose();
    findings = tower.store.findings().length;
    progress.done();
    status?.server.close();
    await tower.close();
    await Promise.all(impls.map((i) => i.close()));
    await closeBarretenberg();
  }
  if (code === EXIT.ok && findings > 0) code = EXIT.finding;
  return code;
}

async function cmdVerifyEvidence(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { rpc: { type: 'string' }, impls: { type: 'string' }, json: { type: 'boolean' }, timeout: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('verify-evidence needs one BUNDLE file');
  const bundle = decodeEvidence(new TextDecoder().decode(readInput(positionals[0]!)));
  const impls = makeImplementations(values.impls ?? 'ts,rust,noir', intOf(values.timeout, 'timeout', 60_000), 'small');
  try {
    const v = await verifyEvidence(bundle, impls, { rpcUrl: values.rpc });
    if (values.json) console.log(JSON.stringify(v, null, 1));
    else {
      console.log(v.summary);
      console.log('');
      for (const c of v.checks) console.log(`  [${c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${c.detail}`);
      console.log('');
      console.log(`  bundle: ${bundle.finding} at checkpoint ${bundle.checkpoint} of rollup ${bundle.l1.rollup} (L1 chain ${bundle.l1.chainId}); ${bundle.reason}`);
      if (!values.rpc) console.log('  (not checked against the chain: pass --rpc URL)');
    }
    return v.verdict === 'confirmed' ? EXIT.ok : EXIT.finding;
  } finally {
    await Promise.all(impls.map((i) => i.close()));
    await closeBarretenberg();
  }
}

export const devnetCommand: Command = {
  name: 'devnet',
  help: `devnet   [--port 8545] [--checkpoints N] [--interval MS] [--wrong-root-every N] [--seed S]
         [--verifier honk|mock] [--proof-window S] [--operator-key-out FILE] [--info FILE]
                     Start anvil, deploy the L1 contracts (real HonkVerifier by default) and run a
                     sequencer proposing attested small-profile checkpoints (optionally a wrong
                     post-state every N); prints the RPC URL and rollup address. Ctrl-C stops.`,
  run: cmdDevnet,
};

export const watchCommand: Command = {
  name: 'watch',
  help: `watch    --rpc URL --rollup ADDRESS [--impls ts,rust,noir] [--db DIR] [--evidence DIR]
         [--confirmations N] [--poll MS] [--key-file FILE] [--no-prove] [--status-port P]
                     Watchtower: re-execute every proposal with every implementation, write an
                     evidence bundle for any disagreement, post trigger (a) with the operator key
                     (--key-file or DIFFTOWER_OPERATOR_KEY) when the correct root is proven.
                     Resumable (embedded database); Ctrl-C stops; exit 1 if findings were recorded.`,
  run: cmdWatch,
};

export const verifyEvidenceCommand: Command = {
  name: 'verify-evidence',
  help: `verify-evidence BUNDLE [--rpc URL] [--impls ts,rust,noir] [--json]
                     Check an evidence bundle independently: consistency, re-execution with every
                     implementation, the proof (bb.js), the chain (with --rpc). Exit 0 if the
                     evidence holds, 1 if it does not, 3 if the bundle is unreadable.`,
  run: cmdVerifyEvidence,
};
