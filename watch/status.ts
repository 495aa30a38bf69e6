// The watchtower's status endpoint for long-running operation: GET /status (JSON: RPC health,
// progress, last verdict, latency, findings) and GET /metrics (Prometheus text format).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Watchtower } from './tower.js';

export function statusJson(t: Watchtower) {
  const stats = t.store.stats();
  return { ...t.status, stats, findings: t.store.findings().slice(-50), evidenceDir: t.evidenceDir };
}

export function metricsText(t: Watchtower, extra?: () => string): string {
  const s = t.status;
  const st = t.store.stats();
  const lines = [
    '# TYPE difftower_watch_rpc_up gauge', `difftower_watch_rpc_up ${s.rpc.ok ? 1 : 0}`,
    '# TYPE difftower_watch_rpc_failures_total counter', `difftower_watch_rpc_failures_total ${s.rpc.failures}`,
    '# TYPE difftower_watch_l1_head gauge', `difftower_watch_l1_head ${s.head ?? 0}`,
    '# TYPE difftower_watch_l1_scanned gauge', `difftower_watch_l1_scanned ${s.scanned ?? 0}`,
    '# TYPE difftower_watch_checkpoints_total counter', `difftower_watch_checkpoints_total ${st.processed}`,
    '# TYPE difftower_watch_verdicts_total counter',
    ...Object.entries(st.verdicts).map(([v, n]) => `difftower_watch_verdicts_total{verdict="${v}"} ${n}`),
    '# TYPE difftower_watch_evidence_posted_total counter', `difftower_watch_evidence_posted_total ${st.evidencePosted}`,
    '# TYPE difftower_watch_reorgs_total counter', `difftower_watch_reorgs_total ${st.reorgs}`,
    '# TYPE difftower_watch_prunes_total counter', `difftower_watch_prunes_total ${st.prunes}`,
    '# TYPE difftower_watch_reexec_ms_avg gauge', `difftower_watch_reexec_ms_avg ${s.latency.reexecMsAvg.toFixed(1)}`,
    ...Object.entries(s.latency.perImplAvg).map(([k, v]) => `difftower_watch_impl_ms_avg{impl="${k}"} ${v.toFixed(1)}`),
  ];
  if (s.latency.proveMsLast !== null) lines.push('# TYPE difftower_watch_prove_ms_last gauge', `difftower_watch_prove_ms_last ${s.latency.proveMsLast.toFixed(0)}`);
  return lines.join('\n') + '\n' + (extra?.() ?? '');
}

/** `extraMetrics`: more Prometheus text appended to /metrics (watch/alerts.ts). */
export async function serveStatus(t: Watchtower, port: number, host = '127.0.0.1', extraMetrics?: () => string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    try {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metricsText(t, extraMetrics));
      } else if (req.url === '/status' || req.url === '/') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(statusJson(t), (_, v) => (typeof v === 'bigint' ? String(v) : v), 1));
      } else {
        res.writeHead(404).end('try /status or /metrics\n');
      }
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}
