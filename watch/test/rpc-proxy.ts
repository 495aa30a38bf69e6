// Fault-injection harness: a JSON-RPC proxy on 127.0.0.1 in front of anvil that injects latency,
// errors (HTTP 500 and JSON-RPC errors), eth_getLogs range limits, garbage and oversized answers,
// and lost answers to eth_sendRawTransaction (the transaction reaches the node, the client sees an
// error). Faults are drawn from a seeded PRNG, counted per kind, and changed while it runs.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Faults {
  /** Added delay per request: uniform in [0, latencyMs]. */
  latencyMs: number;
  /** Probability of an HTTP 500 or a JSON-RPC error instead of the answer. */
  errorRate: number;
  /** eth_getLogs spanning more blocks than this is refused ("block range too large"). */
  maxLogRange: number;
  /** Probability of an answer that is not JSON-RPC (truncated JSON, HTML, a wrong-shaped result). */
  garbageRate: number;
  /** Probability of an oversized answer (1 MB of junk where a word is expected). */
  oversizedRate: number;
  /** Probability that eth_sendRawTransaction's answer is lost after the node took the transaction. */
  lostSendRate: number;
}

export const NO_FAULTS: Faults = { latencyMs: 0, errorRate: 0, maxLogRange: Number.MAX_SAFE_INTEGER, garbageRate: 0, oversizedRate: 0, lostSendRate: 0 };

export interface RpcProxy {
  url: string;
  faults: Faults;
  /** Injected faults by kind. */
  counts: Record<'latency' | 'error' | 'range' | 'garbage' | 'oversized' | 'lostSend', number>;
  total(): number;
  close(): Promise<void>;
}

/** mulberry32: a small seeded PRNG, so a fault run can be repeated. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GARBAGE = ['{"jsonrpc":"2.0","id":', '<html><body>502 Bad Gateway</body></html>', '{"jsonrpc":"2.0","id":1,"result":{"unexpected":[1,2,3]}}', '\u0000\u0001\u0002', 'null'];

export async function startRpcProxy(upstream: string, faults: Partial<Faults> = {}, seed = 1): Promise<RpcProxy> {
  const rnd = prng(seed);
  const counts: RpcProxy['counts'] = { latency: 0, error: 0, range: 0, garbage: 0, oversized: 0, lostSend: 0 };
  const state = { ...NO_FAULTS, ...faults };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let call: { id?: unknown; method?: string; params?: unknown[] } = {};
    try {
      call = JSON.parse(body);
    } catch {
      // forwarded as is
    }
    const f = state;
    const reply = (status: number, text: string) => {
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    };
    if (f.latencyMs > 0) {
      counts.latency++;
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * f.latencyMs)));
    }
    const method = call.method ?? '';
    if (method === 'eth_getLogs') {
      const p = (call.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
      if (p.fromBlock?.startsWith('0x') && p.toBlock?.startsWith('0x') && Number(p.toBlock) - Number(p.fromBlock) + 1 > f.maxLogRange) {
        counts.range++;
        return reply(200, JSON.stringify({ jsonrpc: '2.0', id: call.id, error: { code: -32005, message: `block range too large: the limit is ${f.maxLogRange} blocks` } }));
      }
    }
    const isSend = method === 'eth_sendRawTransaction';
    if (!isSend && rnd() < f.errorRate) {
      counts.error++;
      return rnd() < 0.5 ? reply(500, 'internal error') : reply(200, JSON.stringify({ jsonrpc: '2.0', id: call.id, error: { code: -32000, message: 'injected: header not found' } }));
    }
    if (!isSend && rnd() < f.garbageRate) {
      counts.garbage++;
      return reply(200, GARBAGE[Math.floor(rnd() * GARBAGE.length)]!.replace('"id":1', `"id":${JSON.stringify(call.id ?? 1)}`));
    }
    if (!isSend && rnd() < f.oversizedRate) {
      counts.oversized++;
      return reply(200, `{"jsonrpc":"2.0","id":${JSON.stringify(call.id ?? 1)},"result":"0x${'ab'.repeat(512 * 1024)}"}`);
    }
    let upstreamText: string;
    let status: number;
    try {
      const r = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      status = r.status;
      upstreamText = await r.text();
    } catch (err) {
      return reply(502, String(err));
    }
    if (isSend && rnd() < f.lostSendRate) {
      counts.lostSend++;
      return reply(500, 'upstream timeout'); // the node has the transaction; the client does not know
    }
    reply(status, upstreamText);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get faults() {
      return state;
    },
    set faults(v: Faults) {
      Object.assign(state, v);
    },
    counts,
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
