// Coverage guidance: V8's precise block coverage of the TypeScript STF (impls/ts/src), read through
// node:inspector in the thread that runs it, as a novelty signal beside outcome codes. A case is
// novel when it executes a block of the STF that no earlier case executed.
//
// V8 reports, per executed function, nested ranges with their counts; a block that ran as often as
// its parent is folded into the parent, so "covered" is "not inside a range with count 0". Kept per
// function: the uncovered ranges common to every run so far; a run that leaves one of them out
// covered a new block. Start it before the STF first runs in the thread: V8 gives no block counts
// for functions compiled earlier (fuzz/pool.ts runs a coverage-guided engine in a fresh worker).

import { Session } from 'node:inspector/promises';

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}

export class StfCoverage {
  private session: Session | null = null;
  /** Function key -> uncovered ranges ("start:end") common to every run that executed it. */
  private readonly uncovered = new Map<string, Set<string>>();
  /** Blocks first executed (a count, for statistics). */
  blocks = 0;

  constructor(private readonly match: (url: string) => boolean = (url) => url.includes('/impls/ts/src/')) {}

  async start(): Promise<void> {
    const s = new Session();
    s.connect();
    await s.post('Profiler.enable');
    await s.post('Profiler.startPreciseCoverage', { callCount: false, detailed: true });
    this.session = s;
  }

  /** Forgets what ran since the last call (before a case, so shrinking runs are not counted). */
  async reset(): Promise<void> {
    if (this.session) await this.session.post('Profiler.takePreciseCoverage');
  }

  /** Takes what ran since the last call; true when it executed a block never executed before. */
  async novel(): Promise<boolean> {
    if (!this.session) return false;
    const { result } = await this.session.post('Profiler.takePreciseCoverage');
    let fresh = false;
    for (const script of result) {
      if (!this.match(script.url)) continue;
      for (const fn of script.functions) {
        const ranges = fn.ranges as Range[];
        if (ranges.length === 0 || ranges[0].count === 0) continue;
        const key = `${script.url}#${ranges[0].startOffset}`;
        const now = new Set(ranges.filter((r) => r.count === 0).map((r) => `${r.startOffset}:${r.endOffset}`));
        const before = this.uncovered.get(key);
        if (!before) {
          this.uncovered.set(key, now);
          this.blocks += 1;
          fresh = true;
          continue;
        }
        // Covered now what was never covered: a range of `before` inside no range uncovered now
        // (an uncovered range can come back as part of a larger one, e.g. an if-body not entered).
        const nowRanges = [...now].map((r) => r.split(':').map(Number));
        const gained = [...before].filter((r) => {
          const [a, b] = r.split(':').map(Number);
          return !nowRanges.some(([x, y]) => x <= a && b <= y);
        }).length;
        if (gained === 0) continue;
        fresh = true;
        this.blocks += gained;
        // Still uncovered: the parts of the old uncovered ranges that this run left uncovered too.
        const old = [...before].map((r) => r.split(':').map(Number));
        const inside = (r: string, among: number[][]) => {
          const [a, b] = r.split(':').map(Number);
          return among.some(([x, y]) => x <= a && b <= y);
        };
        const keep = [...[...now].filter((r) => inside(r, old)), ...[...before].filter((r) => inside(r, nowRanges))];
        this.uncovered.set(key, new Set(keep));
      }
    }
    return fresh;
  }

  async stop(): Promise<void> {
    if (!this.session) return;
    await this.session.post('Profiler.stopPreciseCoverage');
    this.session.disconnect();
    this.session = null;
  }
}
