// Where a distributed campaign lives in Redis, and the only operations that change it.
//
// Keys (all under `difftower:campaign:<name>:`, so several campaigns share one Redis):
//   meta          JSON of the campaign's configuration (CampaignMeta), written once by `campaign start`
//   corpus        hash: content address (caseId, a sha256 of the case's framed bytes) -> case file bytes
//   corpus:log    list of content addresses in the order they joined (append-only)
//   results       hash: shard index -> JSON ShardResult (first write wins)
//   findings      hash: finding signature -> JSON CampaignFinding (first write wins)
//   workers       hash: worker id -> JSON heartbeat (live progress for `campaign status`)
//   failed        hash: shard index -> why it failed on its last attempt (it has no result)
// The shard queue itself is BullMQ's (queue `<name>`, key prefix `difftower:bull`).
//
// Why the corpus is a Redis hash keyed by content address: every worker on every machine must see
// cases found elsewhere, the same case found twice must be stored once (HSETNX on its address),
// and a shard must be replayable later: the log is append-only, so "the first K cases of the log"
// names a shard's starting corpus exactly, and `campaign report --out` exports it as files.
// Why results are first-write-wins: a shard is deterministic, so when a stalled shard is run again
// (its worker was killed after recording, or was only slow), the second recording is dropped and
// campaign totals, summed over `results`, count every shard exactly once.

import { Redis } from 'ioredis';
import { Schema } from 'effect';
import { caseId, decodeCaseFile, encodeCaseFile, type Case, type CaseMeta } from '../corpus/case.js';
import { EnvironmentError, UsageError } from '../core/errors.js';

export const BULL_PREFIX = 'difftower:bull';

export const CampaignMeta = Schema.Struct({
  v: Schema.Literal(1),
  name: Schema.String,
  profile: Schema.Literal('small', 'aztec'),
  impls: Schema.String,
  /** Decimal 64-bit seed; shard i runs with seed (seed + i) mod 2^64. */
  seed: Schema.String,
  shards: Schema.Number,
  /** Cases per shard, or null with `shardMs` (a duration shard). */
  runsPerShard: Schema.NullOr(Schema.Number),
  shardMs: Schema.NullOr(Schema.Number),
  timeoutMs: Schema.Number,
  /** A shard whose worker has not renewed its lock for this long is given to another worker. */
  stallMs: Schema.Number,
  createdAt: Schema.String,
});
export type CampaignMeta = typeof CampaignMeta.Type;

const FindingJson = Schema.Struct({
  kind: Schema.String, field: Schema.String, checkpoint: Schema.Number, left: Schema.String, right: Schema.String,
  leftImpl: Schema.String, rightImpl: Schema.String,
  /** Where the divergence starts, when the oracle's localizer adds it; kept as it comes. */
  localization: Schema.optional(Schema.Unknown),
});

export const CampaignFinding = Schema.Struct({
  signature: Schema.String,
  finding: FindingJson,
  description: Schema.String,
  /** base64 of the shrunk reproducer's case file. */
  reproducer: Schema.String,
  reproducerCheckpoints: Schema.Number,
  originalCheckpoints: Schema.Number,
  shard: Schema.Number,
  iteration: Schema.Number,
  workerId: Schema.String,
});
export type CampaignFinding = typeof CampaignFinding.Type;

export const ShardResult = Schema.Struct({
  shard: Schema.Number,
  seed: Schema.String,
  /** Cases run: the replay's --runs (a duration shard records how many it ran). */
  cases: Schema.Number,
  execs: Schema.Number,
  checkpoints: Schema.Number,
  codes: Schema.Record({ key: Schema.String, value: Schema.Number }),
  /** The shard started from the first `corpusSize` cases of corpus:log. */
  corpusSize: Schema.Number,
  novel: Schema.Number,
  signatures: Schema.Array(Schema.String),
  workerId: Schema.String,
  attempt: Schema.Number,
  startedAt: Schema.Number,
  finishedAt: Schema.Number,
  elapsedMs: Schema.Number,
  cpuMs: Schema.Number,
});
export type ShardResult = typeof ShardResult.Type;

export const WorkerBeat = Schema.Struct({
  workerId: Schema.String,
  host: Schema.String,
  pid: Schema.Number,
  shard: Schema.NullOr(Schema.Number),
  shardsDone: Schema.Number,
  cases: Schema.Number,
  checkpoints: Schema.Number,
  /** Checkpoints per second over the worker's last progress interval. */
  rate: Schema.Number,
  lastSeen: Schema.Number,
});
export type WorkerBeat = typeof WorkerBeat.Type;

const decodeJson = <A, I>(schema: Schema.Schema<A, I>, what: string, text: string): A => {
  try {
    return Schema.decodeUnknownSync(schema)(JSON.parse(text));
  } catch (err) {
    throw new EnvironmentError(`campaign data in Redis is not a valid ${what}: ${(err as Error).message.split('\n')[0]}`);
  }
};

export const shardSeed = (meta: CampaignMeta, shard: number): bigint => BigInt.asUintN(64, BigInt(meta.seed) + BigInt(shard));

/** Connection options for BullMQ and ioredis from `redis://[user:pass@]host:port[/db]`. */
export function connectionOf(url: string): { host: string; port: number; db: number; username?: string; password?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--cluster must be a redis://HOST:PORT URL, got '${url}'`);
  }
  if (u.protocol !== 'redis:' || !u.hostname) throw new UsageError(`--cluster must be a redis://HOST:PORT URL, got '${redactUrl(url)}'`);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isSafeInteger(db) || db < 0) throw new UsageError(`--cluster: '${u.pathname}' is not a Redis database number`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 6379, db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}), ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

/** The URL without its password, for logs and printed commands. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

export function checkName(name: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new UsageError(`--campaign must be 1 to 64 letters, digits, '.', '_' or '-', got '${name}'`);
  return name;
}

// First write wins for the shard result and for each finding, in one atomic step.
const RECORD_SCRIPT = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1]) end
return 1`;
// A case joins the corpus once, and is then appended to the log.
const ADD_CASE_SCRIPT = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[1]) return 1 end
return 0`;

export class CampaignStore {
  readonly redis: Redis;
  private readonly k: (s: string) => string;

  private constructor(readonly url: string, readonly name: string, redis: Redis) {
    this.redis = redis;
    this.k = (s) => `difftower:campaign:${name}:${s}`;
  }

  /** Connects (exit 4 with a clear message if Redis cannot be reached). */
  static async open(url: string, name: string): Promise<CampaignStore> {
    const redis = new Redis({ ...connectionOf(url), lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000, retryStrategy: (n) => (n > 3 ? null : 200 * n) });
    redis.on('error', () => {}); // surfaced by the failing command instead
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      throw new EnvironmentError(`cannot reach Redis at ${redactUrl(url)}: ${(err as Error).message}`);
    }
    return new CampaignStore(url, checkName(name), redis);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Writes the configuration; false if the campaign already exists (nothing is changed). */
  async create(meta: CampaignMeta): Promise<boolean> {
    return (await this.redis.set(this.k('meta'), JSON.stringify(meta), 'NX')) === 'OK';
  }

  async meta(): Promise<CampaignMeta | null> {
    const text = await this.redis.get(this.k('meta'));
    return text === null ? null : decodeJson(CampaignMeta, 'campaign configuration', text);
  }

  async requireMeta(): Promise<CampaignMeta> {
    const m = await this.meta();
    if (!m) throw new UsageError(`no campaign '${this.name}' at ${redactUrl(this.url)} (create it with 'difftower campaign start')`);
    return m;
  }

  /** Adds a case to the shared corpus; true if it was new. */
  async addCase(bytes: Uint8Array): Promise<boolean> {
    const c = decodeCaseFile(bytes);
    return (await this.redis.eval(ADD_CASE_SCRIPT, 2, this.k('corpus'), this.k('corpus:log'), caseId(c), Buffer.from(bytes))) === 1;
  }

  async corpusSize(): Promise<number> {
    return this.redis.llen(this.k('corpus:log'));
  }

  /** The first `n` entries of the corpus log (all of them if n is undefined), in log order, as stored. */
  async corpusEntries(n?: number): Promise<{ id: string; bytes: Uint8Array }[]> {
    const ids = await this.redis.lrange(this.k('corpus:log'), 0, n === undefined ? -1 : n - 1);
    if (ids.length === 0) return [];
    const blobs = await this.redis.hmgetBuffer(this.k('corpus'), ...ids);
    return ids.map((id, i) => {
      const b = blobs[i];
      if (!b) throw new EnvironmentError(`campaign corpus is missing case ${id}`);
      return { id, bytes: new Uint8Array(b) };
    });
  }

  /** The first `n` cases of the corpus log, decoded (what a shard starts from). */
  async corpus(n?: number): Promise<{ id: string; bytes: Uint8Array; case: Case }[]> {
    return (await this.corpusEntries(n)).map(({ id, bytes }) => {
      let f: ReturnType<typeof decodeCaseFile>;
      try {
        f = decodeCaseFile(bytes);
      } catch (err) {
        // every shard starts from the whole corpus: one damaged entry fails them all, so say which
        throw new EnvironmentError(`campaign corpus case ${id} is damaged (${(err as Error).message}); remove it from ${this.k('corpus')} and ${this.k('corpus:log')}`);
      }
      return { id, bytes, case: { profile: f.profile, chainId: f.chainId, version: f.version, checkpoints: f.checkpoints } };
    });
  }

  async resultCount(): Promise<number> {
    return this.redis.hlen(this.k('results'));
  }

  /** A shard that failed on every attempt (e.g. an implementation that cannot start on that worker). */
  async markFailed(shard: number, why: string): Promise<void> {
    await this.redis.hset(this.k('failed'), String(shard), why.slice(0, 2000));
  }

  async failed(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.k('failed'));
  }

  async hasResult(shard: number): Promise<boolean> {
    return (await this.redis.hexists(this.k('results'), String(shard))) === 1;
  }

  /** Records a shard's result and its findings; false if the shard was already recorded (the call changes nothing). */
  async record(r: ShardResult, findings: CampaignFinding[]): Promise<boolean> {
    const args = [String(r.shard), JSON.stringify(r), ...findings.flatMap((f) => [f.signature, JSON.stringify(f)])];
    return (await this.redis.eval(RECORD_SCRIPT, 2, this.k('results'), this.k('findings'), ...args)) === 1;
  }

  async results(): Promise<ShardResult[]> {
    const all = await this.redis.hgetall(this.k('results'));
    return Object.values(all).map((t) => decodeJson(ShardResult, 'shard result', t)).sort((a, b) => a.shard - b.shard);
  }

  async findings(): Promise<CampaignFinding[]> {
    const all = await this.redis.hgetall(this.k('findings'));
    return Object.values(all).map((t) => decodeJson(CampaignFinding, 'finding', t)).sort((a, b) => a.shard - b.shard || a.iteration - b.iteration);
  }

  async beat(b: WorkerBeat): Promise<void> {
    await this.redis.hset(this.k('workers'), b.workerId, JSON.stringify(b));
  }

  async workers(): Promise<WorkerBeat[]> {
    const all = await this.redis.hgetall(this.k('workers'));
    return Object.values(all).map((t) => decodeJson(WorkerBeat, 'worker heartbeat', t)).sort((a, b) => (a.workerId < b.workerId ? -1 : 1));
  }

  static encodeCase(c: Case, meta: Omit<CaseMeta, 'origin'>): Uint8Array {
    return encodeCaseFile({ v: 1, kind: 'difftower-case', ...c, meta: { origin: 'generated', ...meta } });
  }
}
