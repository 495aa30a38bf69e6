// Watchtower alerts and verdict metrics.
//
// Alerts: one JSON POST to --alert-webhook per new disagreement (any evidence verdict) and per
// evidence posted on L1, in one of three shapes: `slack` (an incoming webhook: `text` + `blocks`),
// `pagerduty` (Events API v2 `trigger` with `routing_key`, `dedup_key` and `payload`) or `json`
// (difftower's own event). Each alert has a stable deduplication key (rollup, checkpoint, attested
// post hash and what happened), so a watchtower restarted after a crash that re-sends an alert
// does not page twice (PagerDuty merges events by dedup_key). Sending never blocks judging: alerts
// go to a bounded queue drained by one background loop, retried with exponential backoff on
// network errors, 429 and 5xx, given up after `maxAttempts` (counted in the metrics).
//
// Metrics: correctness (does an implementation's post-state match what was attested on L1?) is a
// different question from agreement (does it match the other implementations?); both are counted
// per implementation, and verdicts per verdict with the class they belong to.

import type { CheckpointRecord, Verdict } from './store.js';

export type AlertFormat = 'slack' | 'pagerduty' | 'json';

export interface AlertEvent {
  type: 'disagreement' | 'evidence-posted';
  dedupKey: string;
  checkpoint: number;
  verdict: Verdict;
  reason: string;
  rollup: string;
  l1ChainId: number | null;
  proposalTx: string;
  attestedPostHash: string;
  evidencePath: string | null;
  evidenceTx: string | null;
  at: string;
}

export interface AlertOptions {
  url: string;
  format: AlertFormat;
  /** PagerDuty integration (routing) key; required for `pagerduty`. */
  routingKey?: string;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Oldest alerts are dropped (and counted) past this many waiting. */
  queueLimit?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

const CLASS: Record<Verdict, 'correctness' | 'agreement' | 'none'> = {
  ok: 'none',
  'wrong-root': 'correctness',
  'invalid-checkpoint': 'correctness',
  'malformed-proposal': 'correctness',
  'implementations-disagree': 'agreement',
  'parent-disputed': 'none',
};

/** The body POSTed for an event, in the given shape. */
export function alertBody(e: AlertEvent, format: AlertFormat, routingKey?: string): unknown {
  const what = e.type === 'evidence-posted' ? `evidence posted on L1 for checkpoint ${e.checkpoint} (tx ${e.evidenceTx})` : `${e.verdict} at checkpoint ${e.checkpoint}`;
  const summary = `difftower watch: ${what}: ${e.reason}`.slice(0, 1000);
  if (format === 'json') return { source: 'difftower', ...e };
  if (format === 'slack') {
    // Slack renders mrkdwn: escape its three control characters in untrusted text.
    const m = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return {
      text: summary,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `difftower: ${what}`.slice(0, 150) } },
        { type: 'section', text: { type: 'mrkdwn', text: m(e.reason).slice(0, 2900) } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: `*Verdict*\n${m(e.verdict)}` },
            { type: 'mrkdwn', text: `*Checkpoint*\n${e.checkpoint}` },
            { type: 'mrkdwn', text: `*Rollup*\n${m(e.rollup)}` },
            { type: 'mrkdwn', text: `*Proposal tx*\n${m(e.proposalTx)}` },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `dedup key ${m(e.dedupKey)}${e.evidencePath ? ` · evidence ${m(e.evidencePath)}` : ''}` }] },
      ],
    };
  }
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: e.dedupKey,
    payload: {
      summary,
      source: `difftower-watch:${e.rollup}`,
      severity: e.type === 'evidence-posted' || CLASS[e.verdict] === 'correctness' ? 'critical' : 'error',
      timestamp: e.at,
      component: 'state-transition',
      group: `rollup ${e.rollup}`,
      class: e.verdict,
      custom_details: { ...e },
    },
  };
}

export function dedupKeyOf(type: AlertEvent['type'], rollup: string, rec: Pick<CheckpointRecord, 'n' | 'attestedPostHash'>): string {
  return `difftower:${rollup.toLowerCase()}:${rec.n}:${rec.attestedPostHash.toLowerCase()}:${type}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AlertSink {
  private readonly queue: AlertEvent[] = [];
  private readonly sentKeys = new Set<string>();
  private running: Promise<void> | null = null;
  readonly counts = { sent: 0, failed: 0, dropped: 0, retries: 0 };

  constructor(private readonly o: AlertOptions) {
    if (o.format === 'pagerduty' && !o.routingKey) throw new Error('PagerDuty alerts need a routing key');
  }

  /** Queues an event; returns at once. The same dedup key is sent once per process. */
  enqueue(e: AlertEvent): void {
    if (this.sentKeys.has(e.dedupKey) || this.queue.some((q) => q.dedupKey === e.dedupKey)) return;
    this.queue.push(e);
    while (this.queue.length > (this.o.queueLimit ?? 1000)) {
      this.queue.shift();
      this.counts.dropped++;
    }
    this.running ??= this.drain().finally(() => (this.running = null));
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Waits until the queue is empty (or `timeoutMs` passed). */
  async flush(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((this.running || this.queue.length) && Date.now() < until) await sleep(20);
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const e = this.queue[0]!;
      const ok = await this.send(e);
      this.queue.shift();
      if (ok) (this.counts.sent++, this.sentKeys.add(e.dedupKey));
      else this.counts.failed++;
    }
  }

  private async send(e: AlertEvent): Promise<boolean> {
    const body = JSON.stringify(alertBody(e, this.o.format, this.o.routingKey));
    const max = this.o.maxAttempts ?? 6;
    let delay = this.o.baseDelayMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      let why: string;
      try {
        const res = await fetch(this.o.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000) });
        if (res.ok) return true;
        why = `HTTP ${res.status}`;
        if (res.status !== 429 && res.status < 500) {
          this.o.log?.(`alert ${e.dedupKey}: the webhook refused it (${why}); not retried`);
          return false;
        }
      } catch (err) {
        why = (err as Error).message;
      }
      if (attempt >= max) {
        this.o.log?.(`alert ${e.dedupKey}: not delivered after ${attempt} attempts (${why})`);
        return false;
      }
      this.counts.retries++;
      await sleep(delay);
      delay = Math.min(delay * 2, this.o.maxDelayMs ?? 60_000);
    }
  }
}

/** Per implementation: agreement with the others and correctness against L1; per verdict with its class. */
export class VerdictMetrics {
  readonly verdicts = new Map<string, number>();
  readonly agreement = new Map<string, number>();
  readonly correctness = new Map<string, number>();

  private inc(m: Map<string, number>, k: string) {
    m.set(k, (m.get(k) ?? 0) + 1);
  }

  observe(rec: CheckpointRecord): void {
    this.inc(this.verdicts, `${rec.verdict}|${CLASS[rec.verdict]}`);
    if (rec.outcomes.length === 0) return;
    const key = (o: CheckpointRecord['outcomes'][number]) => (o.kind === 'accepted' && o.post ? `post:${o.post.join(',').toLowerCase()}` : o.kind === 'rejected' ? `rejected:${o.code ?? ''}` : `fail:${o.kind}`);
    const keys = rec.outcomes.map(key);
    const attested = `post:${rec.attestedPost.join(',').toLowerCase()}`;
    rec.outcomes.forEach((o, i) => {
      const others = keys.filter((_, j) => j !== i);
      this.inc(this.agreement, `${o.impl}|${others.length > 0 && others.every((k) => k === keys[i]) ? 'agrees' : 'disagrees'}`);
      const c = o.kind === 'accepted' ? (keys[i] === attested ? 'matches-attested' : 'differs-from-attested') : o.kind === 'rejected' ? 'rejects' : 'failed';
      this.inc(this.correctness, `${o.impl}|${c}`);
    });
  }

  text(alerts?: AlertSink): string {
    const lab = (s: string) => s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
    const lines = [
      '# HELP difftower_watch_checkpoint_verdicts_total Judged checkpoints by verdict; class=correctness: the L1 attestation is wrong, agreement: the implementations disagree among themselves.',
      '# TYPE difftower_watch_checkpoint_verdicts_total counter',
      ...[...this.verdicts].map(([k, v]) => {
        const [verdict, cls] = k.split('|');
        return `difftower_watch_checkpoint_verdicts_total{verdict="${lab(verdict!)}",class="${cls}"} ${v}`;
      }),
      '# HELP difftower_watch_impl_agreement_total Per implementation: checkpoints on which it agreed or disagreed with every other implementation.',
      '# TYPE difftower_watch_impl_agreement_total counter',
      ...[...this.agreement].map(([k, v]) => {
        const [impl, result] = k.split('|');
        return `difftower_watch_impl_agreement_total{impl="${lab(impl!)}",result="${result}"} ${v}`;
      }),
      '# HELP difftower_watch_impl_correctness_total Per implementation: checkpoints whose computed post-state matched or differed from the one attested on L1 (or that it rejected, or failed on).',
      '# TYPE difftower_watch_impl_correctness_total counter',
      ...[...this.correctness].map(([k, v]) => {
        const [impl, result] = k.split('|');
        return `difftower_watch_impl_correctness_total{impl="${lab(impl!)}",result="${result}"} ${v}`;
      }),
    ];
    if (alerts) {
      lines.push('# HELP difftower_watch_alerts_total Webhook alerts by result.', '# TYPE difftower_watch_alerts_total counter');
      for (const [k, v] of Object.entries(alerts.counts)) lines.push(`difftower_watch_alerts_total{result="${k}"} ${v}`);
      lines.push('# TYPE difftower_watch_alerts_pending gauge', `difftower_watch_alerts_pending ${alerts.pending}`);
    }
    return lines.join('\n') + '\n';
  }
}

/** The tower hook: metrics for every judged checkpoint, an alert for every new finding and posted evidence. */
export class TowerAlerts {
  readonly metrics = new VerdictMetrics();

  constructor(readonly sink: AlertSink | null, private readonly ctx: { rollup: string; l1ChainId: () => number | null }) {}

  onCheckpoint(rec: CheckpointRecord, isFinding: boolean, posted: boolean): void {
    this.metrics.observe(rec);
    if (!this.sink || !isFinding) return;
    const base = {
      checkpoint: rec.n, verdict: rec.verdict, reason: rec.reason, rollup: this.ctx.rollup, l1ChainId: this.ctx.l1ChainId(), proposalTx: rec.txHash,
      attestedPostHash: rec.attestedPostHash, evidencePath: rec.evidencePath ?? null, at: new Date().toISOString(),
    };
    this.sink.enqueue({ type: 'disagreement', dedupKey: dedupKeyOf('disagreement', this.ctx.rollup, rec), evidenceTx: null, ...base });
    if (posted && rec.posted?.txHash) this.sink.enqueue({ type: 'evidence-posted', dedupKey: dedupKeyOf('evidence-posted', this.ctx.rollup, rec), evidenceTx: rec.posted.txHash, ...base });
  }

  metricsText(): string {
    return this.metrics.text(this.sink ?? undefined);
  }
}
