// Watchtower alerts (watch/alerts.ts) against a local HTTP receiver: Slack, PagerDuty Events v2
// and plain JSON shapes, a stable dedup key, retries with backoff after failures, a queue that
// never blocks the caller; and the per-implementation correctness/agreement metrics.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hex } from 'viem';
import { AlertSink, alertBody, TowerAlerts, type AlertEvent } from '../watch/alerts.js';
import type { CheckpointRecord } from '../watch/store.js';

interface Received {
  body: unknown;
  at: number;
}

async function receiver(statusFor: (n: number) => number) {
  const got: Received[] = [];
  let n = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const status = statusFor(n++);
      if (status === 200) got.push({ body: JSON.parse(data), at: Date.now() });
      res.writeHead(status).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, calls: () => n, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const F = (c: string) => ('0x' + c.repeat(64)) as Hex;
const rec = (over: Partial<CheckpointRecord> = {}): CheckpointRecord => ({
  n: 7, txHash: F('a'), blockNumber: 100, blockHash: F('b'), logIndex: 0, proposedAt: 0, parentPostHash: F('c'), dataHash: F('d'),
  attestedPost: Array(13).fill(F('1')), attestedPostHash: F('e'), verdict: 'wrong-root', reason: 'archive root <b>differs</b> & more',
  outcomes: [
    { impl: 'ts', kind: 'accepted', post: Array(13).fill(F('2')), elapsedMs: 10 },
    { impl: 'rust', kind: 'accepted', post: Array(13).fill(F('2')), elapsedMs: 12 },
  ],
  computedPost: Array(13).fill(F('2')), snapshots: null, usable: false, timing: { reexecMs: 22, totalMs: 25, perImpl: {} },
  evidencePath: '/ev/checkpoint-7.json', posted: { txHash: F('f'), note: 'posted' }, ...over,
});

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

describe('watch alerts', () => {
  it('posts one Slack alert per new disagreement and per posted evidence, deduplicated by a stable key', async () => {
    const r = await receiver(() => 200);
    closers.push(r.close);
    const alerts = new TowerAlerts(new AlertSink({ url: r.url, format: 'slack' }), { rollup: '0xAbC0000000000000000000000000000000000001', l1ChainId: () => 31337 });
    alerts.onCheckpoint(rec(), true, true);
    alerts.onCheckpoint(rec(), true, true); // the same checkpoint again (e.g. re-read after a reorg): no new alert
    alerts.onCheckpoint(rec({ n: 8, verdict: 'ok', reason: 'fine' }), false, false);
    expect(r.calls()).toBe(0); // queued: the judging thread returned before any request was made
    expect(alerts.sink!.pending).toBe(2);
    await alerts.sink!.flush();
    expect(r.got).toHaveLength(2);
    const [a, b] = r.got.map((g) => g.body as { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] });
    expect(a!.text).toContain('wrong-root at checkpoint 7');
    expect(b!.text).toContain('evidence posted on L1 for checkpoint 7');
    // Slack mrkdwn is escaped; the dedup key is shown in a context block.
    expect(a!.blocks[1]!.text!.text).toBe('archive root &lt;b&gt;differs&lt;/b&gt; &amp; more');
    expect(a!.blocks[3]!.elements![0]!.text).toContain(`difftower:0xabc0000000000000000000000000000000000001:7:${F('e')}:disagreement`);
    expect(alerts.metricsText()).toContain('difftower_watch_alerts_total{result="sent"} 2');
  });

  it('PagerDuty Events v2: routing key, trigger, dedup_key, payload with summary/source/severity', () => {
    const e: AlertEvent = { type: 'disagreement', dedupKey: 'k1', checkpoint: 3, verdict: 'implementations-disagree', reason: 'ts vs rust', rollup: '0x01', l1ChainId: 1, proposalTx: '0x02', attestedPostHash: '0x03', evidencePath: null, evidenceTx: null, at: '2026-01-01T00:00:00.000Z' };
    const b = alertBody(e, 'pagerduty', 'R0UT1NG') as Record<string, unknown> & { payload: Record<string, unknown> };
    expect(b).toMatchObject({ routing_key: 'R0UT1NG', event_action: 'trigger', dedup_key: 'k1' });
    expect(b.payload).toMatchObject({ source: 'difftower-watch:0x01', severity: 'error', class: 'implementations-disagree', timestamp: e.at });
    expect(String(b.payload.summary).length).toBeLessThanOrEqual(1024);
    expect((alertBody({ ...e, verdict: 'wrong-root' }, 'pagerduty', 'R') as { payload: { severity: string } }).payload.severity).toBe('critical');
    expect(() => new AlertSink({ url: 'http://x', format: 'pagerduty' })).toThrow(/routing key/);
  });

  it('retries with growing backoff on 5xx and 429, and gives up on other 4xx', async () => {
    const r = await receiver((n) => (n === 0 ? 503 : n === 1 ? 429 : n === 2 ? 500 : n === 3 ? 200 : 400));
    closers.push(r.close);
    const calls: number[] = [];
    const origFetch = globalThis.fetch;
    globalThis.fetch = ((...a: Parameters<typeof fetch>) => (calls.push(Date.now()), origFetch(...a))) as typeof fetch;
    try {
      const sink = new AlertSink({ url: r.url, format: 'json', baseDelayMs: 50, maxDelayMs: 1000 });
      const e: AlertEvent = { type: 'disagreement', dedupKey: 'k-retry', checkpoint: 1, verdict: 'wrong-root', reason: 'x', rollup: '0x01', l1ChainId: 1, proposalTx: '0x02', attestedPostHash: '0x03', evidencePath: null, evidenceTx: null, at: 'now' };
      sink.enqueue(e);
      sink.enqueue({ ...e, dedupKey: 'k-refused' });
      await sink.flush(60_000);
      expect(r.got).toHaveLength(1);
      expect((r.got[0]!.body as { dedupKey: string; source: string })).toMatchObject({ dedupKey: 'k-retry', source: 'difftower' });
      expect(sink.counts).toMatchObject({ sent: 1, failed: 1, retries: 3 });
      expect(r.calls()).toBe(5); // 4 for the first (3 failures), 1 for the refused one
      // Backoff doubles: gaps of at least 50, 100, 200 ms between the first alert's attempts.
      const gaps = calls.slice(1, 4).map((t, i) => t - calls[i]!);
      expect(gaps[0]).toBeGreaterThanOrEqual(45);
      expect(gaps[1]).toBeGreaterThanOrEqual(95);
      expect(gaps[2]).toBeGreaterThanOrEqual(195);
    } finally {
      globalThis.fetch = origFetch;
    }
  });

  it('metrics separate correctness (against L1) from agreement (between implementations), per implementation and verdict', () => {
    const a = new TowerAlerts(null, { rollup: '0x01', l1ChainId: () => 1 });
    a.onCheckpoint(rec(), true, false); // both agree, both differ from L1
    a.onCheckpoint(rec({ verdict: 'implementations-disagree', outcomes: [{ impl: 'ts', kind: 'accepted', post: Array(13).fill(F('1')), elapsedMs: 1 }, { impl: 'rust', kind: 'rejected', code: 'E_X', elapsedMs: 1 }] }), true, false);
    a.onCheckpoint(rec({ verdict: 'ok', outcomes: [{ impl: 'ts', kind: 'accepted', post: Array(13).fill(F('1')), elapsedMs: 1 }, { impl: 'rust', kind: 'accepted', post: Array(13).fill(F('1')), elapsedMs: 1 }] }), false, false);
    const m = a.metricsText();
    expect(m).toContain('difftower_watch_checkpoint_verdicts_total{verdict="wrong-root",class="correctness"} 1');
    expect(m).toContain('difftower_watch_checkpoint_verdicts_total{verdict="implementations-disagree",class="agreement"} 1');
    expect(m).toContain('difftower_watch_checkpoint_verdicts_total{verdict="ok",class="none"} 1');
    expect(m).toContain('difftower_watch_impl_agreement_total{impl="ts",result="agrees"} 2');
    expect(m).toContain('difftower_watch_impl_agreement_total{impl="ts",result="disagrees"} 1');
    expect(m).toContain('difftower_watch_impl_correctness_total{impl="ts",result="differs-from-attested"} 1');
    expect(m).toContain('difftower_watch_impl_correctness_total{impl="ts",result="matches-attested"} 2');
    expect(m).toContain('difftower_watch_impl_correctness_total{impl="rust",result="rejects"} 1');
    expect(m).not.toContain('alerts_total');
  });
});
