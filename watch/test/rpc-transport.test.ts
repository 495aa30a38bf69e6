// The cap on one RPC answer: a hostile RPC that streams without end, or declares a huge body, is a
// typed error after at most the cap has been read; honest answers pass; a too-large eth_getLogs
// answer makes the log reader halve its range.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rollupAbi } from '../../contracts/generated/artifacts.gen.js';
import { ChainReader } from '../follower.js';
import { RpcResponseTooLargeError } from '../rpc-transport.js';

const ROLLUP = '0x00000000000000000000000000000000000000aa';
const MiB = 1024 * 1024;
let server: Server | null = null;
afterEach(() => new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r())));

/** A JSON-RPC server; `answer` gets the call and writes the whole reply. */
async function rpcServer(answer: (call: { id: number; method: string; params: unknown[] }, res: import('node:http').ServerResponse) => void): Promise<string> {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    answer(JSON.parse(body), res);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

const reply = (res: import('node:http').ServerResponse, id: number, result: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id, result }));
};

/** Streams junk (no Content-Length) until the client goes away or 256 MiB are out; returns bytes sent. */
function streamForever(res: import('node:http').ServerResponse, sent: { bytes: number; closed: boolean }) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"jsonrpc":"2.0","id":1,"result":"0x');
  const chunk = Buffer.alloc(64 * 1024, 'f');
  res.on('close', () => (sent.closed = true));
  const pump = () => {
    while (!sent.closed && sent.bytes < 256 * MiB) {
      sent.bytes += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

describe('RPC answers are capped', () => {
  it('an answer that never ends is RpcResponseTooLargeError after about the cap, and the connection is dropped', async () => {
    const sent = { bytes: 0, closed: false };
    const url = await rpcServer((_call, res) => streamForever(res, sent));
    const reader = new ChainReader(url, ROLLUP, { maxResponseBytes: MiB });
    const err = await reader.head().catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/too large: more than 1,048,576 bytes/);
    expect(findCause(err, RpcResponseTooLargeError)).toBeTruthy();
    while (!sent.closed) await new Promise((r) => setTimeout(r, 10)); // the client dropped the connection
    expect(sent.bytes).toBeLessThan(64 * MiB); // the reader stopped; the server did not send it all
  });

  it('a declared Content-Length over the cap is refused before the body is read', async () => {
    const url = await rpcServer((call, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(8 * MiB) });
      res.write(`{"jsonrpc":"2.0","id":${call.id},"result":"0x`);
      res.on('close', () => res.destroy());
    });
    const err = await new ChainReader(url, ROLLUP, { maxResponseBytes: MiB }).head().catch((e: unknown) => e);
    expect(findCause(err, RpcResponseTooLargeError)?.limitBytes).toBe(MiB);
  });

  it('an honest answer under the cap passes unchanged', async () => {
    const url = await rpcServer((call, res) => reply(res, call.id, '0x2a'));
    expect(await new ChainReader(url, ROLLUP, { maxResponseBytes: 1024 }).head()).toBe(42);
  });

  it('a too-large eth_getLogs answer halves the log range until the answers fit', async () => {
    const spans: number[] = [];
    const url = await rpcServer((call, res) => {
      const p = call.params[0] as { fromBlock: string; toBlock: string };
      const span = Number(p.toBlock) - Number(p.fromBlock) + 1;
      spans.push(span);
      if (span > 10) return streamForever(res, { bytes: 0, closed: false });
      reply(res, call.id, []);
    });
    const reader = new ChainReader(url, ROLLUP, { maxResponseBytes: 256 * 1024, maxRange: 100 });
    expect(await reader.logs(ROLLUP, rollupAbi, 0, 99)).toEqual([]);
    expect(reader.logRange).toBeLessThanOrEqual(10);
    expect(spans[0]).toBe(100);
    // every block of 0..99 was asked for exactly once in an answer that fit
    expect(spans.filter((s) => s <= 10).reduce((a, b) => a + b, 0)).toBe(100);
  });
});

function findCause<T extends abstract new (...a: never[]) => unknown>(err: unknown, type: T): InstanceType<T> | undefined {
  for (let e = err as { cause?: unknown } | undefined, i = 0; e && i < 10; e = e.cause as typeof e, i++) if (e instanceof type) return e as InstanceType<T>;
  return undefined;
}
