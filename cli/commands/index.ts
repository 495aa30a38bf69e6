// Every `difftower` command: its options, synopsis and description (the one source of `--help`,
// of the usage block in the README, checked by test/cli-help.test.ts) and the module that runs it,
// imported only when the command runs, so that `--help` or `run` do not load the watchtower, viem
// or the Noir prover. A new command is an entry here and a module in this folder exporting `run`.

import type { CommandSpec, OptionsConfig } from '../shared.js';

const spec = <O extends OptionsConfig>(s: CommandSpec<O>) => s;

const str = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;

export const FUZZ = spec({
  name: 'fuzz',
  synopsis:
    '[--impls LIST] [--profile small|aztec] [--seed S] [--runs N | --duration 60s] [--workers N] [--corpus DIR | --corpus-list FILE] [--findings DIR] [--report json|junit] [--report-file PATH] [--timeout SECONDS] [--stop-on-finding] [--coverage] [--quiet] | --cluster redis://HOST:PORT [--campaign NAME] [--workers N]',
  summary:
    "Differential fuzzing (default: ts,rust on 'small' for 60s, one worker per core). Each divergence is shrunk and saved to --findings (difftower-findings/); the summary prints the command that replays the run. Exit 0 only with zero divergences. --coverage also keeps cases that run a new block of the TS STF (V8 coverage). The summary counts every outcome code reached (0: a blind spot). With --cluster it is a worker of a campaign ('difftower campaign --help') until every shard is recorded.",
  options: { impls: str, profile: str, seed: str, runs: str, duration: str, workers: str, corpus: str, 'corpus-list': str, cluster: str, campaign: str, findings: str, report: str, 'report-file': str, timeout: str, 'stop-on-finding': flag, coverage: flag, quiet: { type: 'boolean', short: 'q' } },
  load: async () => (await import('./fuzz.js')).run,
});

export const REPLAY = spec({
  name: 'replay',
  synopsis: '<file|dir>... [--impls LIST] [--report json|junit] [--report-file PATH] [--record DIR] [--timeout SECONDS]',
  summary:
    'Run case files (.case: findings, seeds, regressions) through every implementation and check recorded outcomes. A checkpoint file from `gen` runs as a one-checkpoint case from genesis, a directory of them as one case in file order. --record DIR saves agreed outcomes as regression cases. Exit 1 on any failure.',
  options: { impls: str, timeout: str, report: str, 'report-file': str, record: str },
  positionals: true,
  load: async () => (await import('./replay.js')).run,
});

export const RUN = spec({
  name: 'run',
  synopsis: '[--profile small|aztec] [--checkpoints N] [--seed S] [--impls LIST] [--timeout SECONDS] [--json]',
  summary:
    'Build a genesis state, apply N generated checkpoints (default 5) with every implementation (default ts,rust), print the roots and whether they agree. Exit 1 on any divergence.',
  options: { profile: str, checkpoints: str, seed: str, json: flag, impls: str, timeout: str },
  load: async () => (await import('./run.js')).run,
});

export const GENESIS = spec({
  name: 'genesis',
  synopsis: '[--profile small|aztec] --out STATE',
  summary: 'Write the genesis state (canonical msgpack).',
  options: { profile: str, out: str },
  load: async () => (await import('./files.js')).genesis,
});

export const GEN = spec({
  name: 'gen',
  synopsis: '[--profile small|aztec] [--count N] [--seed S] --out DIR',
  summary: 'Write N generated checkpoints (default 3) that follow each other from genesis: cp-0001.msgpack, ... `replay DIR` runs them as one case.',
  options: { profile: str, count: str, seed: str, out: str },
  load: async () => (await import('./files.js')).gen,
});

export const APPLY = spec({
  name: 'apply',
  synopsis: '--state STATE --checkpoint FILE [--out NEW_STATE]',
  summary: 'Apply a checkpoint to a state with the TypeScript implementation; print the outcome as JSON. Exit 1 if rejected.',
  options: { state: str, checkpoint: str, out: str },
  load: async () => (await import('./files.js')).apply,
});

export const PROVE = spec({
  name: 'prove',
  synopsis: '--state STATE --checkpoint FILE --out PROOF [--crs DIR] [--circuit ARTIFACT]',
  summary:
    'Prove a small-profile checkpoint with the Noir circuit (UltraHonk, bb.js); write the proof and its 136 public inputs (JSON, impls/noir/README.md). Exit 1 if rejected.',
  options: { state: str, checkpoint: str, out: str, crs: str, circuit: str },
  load: async () => (await import('./proofs.js')).prove,
});

export const VERIFY_PROOF = spec({
  name: 'verify-proof',
  synopsis: 'PROOF... [--crs DIR] [--circuit ARTIFACT]',
  summary: 'Verify proof files; flag two valid proofs with identical inputs and different outputs (self-contradiction). Exit 1 if any is invalid or contradicts another.',
  options: { crs: str, circuit: str },
  positionals: true,
  load: async () => (await import('./proofs.js')).verifyProof,
});

export const HINT_FUZZ = spec({
  name: 'hint-fuzz',
  synopsis: '[--state STATE --checkpoint FILE | --seed S] [--fixture | --circuit ARTIFACT] [--max-mutations N] [--out DIR] [--crs DIR]',
  summary:
    "Mutate the Noir circuit's untrusted hints (another low leaf, wrong sibling, shifted index, stale path); prove and verify every mutant that is accepted with different outputs. Exit 1 if a self-contradicting pair is found.",
  options: { state: str, checkpoint: str, seed: str, circuit: str, fixture: flag, 'max-mutations': str, out: str, crs: str },
  load: async () => (await import('./hint-fuzz.js')).run,
});

export const DEVNET = spec({
  name: 'devnet',
  synopsis:
    '[--port 8545] [--checkpoints N] [--interval MS] [--wrong-root-every N] [--seed S] [--verifier honk|mock] [--proof-window S] [--no-pace] [--pace-timeout S] [--operator-key-out FILE] [--info FILE] [--quiet]',
  summary:
    'Start anvil, deploy the L1 contracts (real HonkVerifier by default) and run a sequencer proposing attested small-profile checkpoints (optionally a wrong post-state every N); prints the RPC URL and rollup address. After a wrong root it waits (up to --pace-timeout, default 600 s) for the watchtower\'s evidence, then the council prunes it (--no-pace: never wait). Ctrl-C stops.',
  options: { port: str, checkpoints: str, interval: str, 'wrong-root-every': str, seed: str, verifier: str, 'proof-window': str, 'no-pace': flag, 'pace-timeout': str, 'operator-key-out': str, info: str, quiet: { type: 'boolean', short: 'q' } },
  load: async () => (await import('./watch.js')).devnet,
});

export const WATCH = spec({
  name: 'watch',
  synopsis:
    '--rpc URL --rollup ADDRESS [--impls ts,rust,noir] [--db DIR] [--evidence DIR] [--confirmations N | --finality finalized] [--max-log-range 1000] [--deploy-block N] [--poll MS] [--key-file FILE] [--no-prove] [--replace-after S] [--status-port P] [--timeout SECONDS] [--alert-webhook URL [--alert-format slack|pagerduty|json] [--alert-routing-key-file FILE]] [--quiet]',
  summary:
    'Watchtower: re-execute every proposal with every implementation, write an evidence bundle for any disagreement, post trigger (a) with the operator key (--key-file or DIFFTOWER_OPERATOR_KEY) when the correct root is proven. Resumable (embedded database); Ctrl-C stops; exit 1 if findings were recorded, 4 if the RPC now serves another chain than the database (a restarted devnet). --alert-webhook: a POST per new disagreement and per posted evidence (queued, retried, never blocking judging).',
  options: { rpc: str, rollup: str, db: str, evidence: str, impls: str, confirmations: str, finality: str, 'max-log-range': str, 'deploy-block': str, poll: str, 'key-file': str, 'no-prove': flag, 'replace-after': str, 'status-port': str, timeout: str, 'alert-webhook': str, 'alert-format': str, 'alert-routing-key-file': str, quiet: { type: 'boolean', short: 'q' } },
  load: async () => (await import('./watch.js')).watch,
});

export const VERIFY_EVIDENCE = spec({
  name: 'verify-evidence',
  synopsis: 'BUNDLE (--rpc URL --rollup ADDRESS | --offline) [--impls ts,rust,noir] [--timeout SECONDS] [--json]',
  summary:
    'Check an evidence bundle independently: consistency, re-execution with every implementation, the proof (bb.js), every field against the proposal\'s receipt and event on the rollup YOU pin, and that the checkpoint is still pending. Exit 0 CONFIRMED only if every check passes, 1 NOT CONFIRMED (the failing checks), 3 if the bundle is unreadable or oversized.',
  options: { rpc: str, rollup: str, offline: flag, impls: str, json: flag, timeout: str },
  positionals: true,
  load: async () => (await import('./watch.js')).verifyEvidence,
});

export const CAMPAIGN = spec({
  name: 'campaign',
  synopsis:
    'start|status|report --cluster redis://HOST:PORT [--campaign NAME]; start: [--shards N] [--runs-per-shard N | --shard-duration 5m] [--seed S] [--impls LIST] [--profile small|aztec] [--corpus DIR] [--timeout SECONDS] [--stall-ms MS]; status: [--json]; report: [--out DIR] [--report json|junit] [--report-file PATH]',
  summary:
    "A fuzzing campaign over many machines: a queue of shards in Redis (BullMQ); workers are 'difftower fuzz --cluster URL --campaign NAME'. status shows progress; report writes the same JSON/JUnit as a local run and exits 1 on any divergence, 4 when a shard failed on every attempt.",
  options: { cluster: str, campaign: str, shards: str, 'runs-per-shard': str, 'shard-duration': str, seed: str, impls: str, profile: str, corpus: str, timeout: str, 'stall-ms': str, json: flag, out: str, report: str, 'report-file': str },
  positionals: true,
  load: async () => (await import('./campaign.js')).run,
});

export const REPORT = spec({
  name: 'report',
  synopsis: 'PATH --html FILE [--impls LIST] [--rpc URL] [--offline]',
  summary:
    'One self-contained HTML page (no network when viewed) for a findings directory, a fuzz or campaign JSON report or campaign export, or an evidence bundle.',
  options: { html: str, impls: str, rpc: str, offline: flag },
  positionals: true,
  load: async () => (await import('./report.js')).run,
});

/** In the order `--help` and the README list them. */
export const COMMANDS: readonly CommandSpec[] = [FUZZ, CAMPAIGN, REPLAY, REPORT, RUN, GENESIS, GEN, APPLY, PROVE, VERIFY_PROOF, HINT_FUZZ, DEVNET, WATCH, VERIFY_EVIDENCE];
