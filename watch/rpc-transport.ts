// The HTTP transport for every RPC the watchtower does not control (follower, evidence submission,
// verify-evidence): viem's `http` with no batching, no hidden retries (the callers retry with their
// own back-off) and a cap on the size of an answer. The cap is read as the body arrives, so a
// hostile or broken RPC that streams gigabytes costs at most `maxResponseBytes` of memory and is a
// typed error instead of an out-of-memory crash of a tower that runs for months.

import { http, type HttpTransport } from 'viem';

/** 64 MiB: far above any honest answer the tower asks for (a log range is halved when too large). */
export const DEFAULT_MAX_RPC_RESPONSE_BYTES = 64 * 1024 * 1024;

/** An RPC answer longer than the cap. Its message says "too large", which the log reader takes as a
 * range problem (it halves the range); every other caller treats it as a failed RPC call. */
export class RpcResponseTooLargeError extends Error {
  readonly _tag = 'RpcResponseTooLargeError';
  constructor(
    readonly url: string,
    readonly limitBytes: number,
  ) {
    super(`the RPC answer from ${url} is too large: more than ${limitBytes.toLocaleString('en')} bytes (the limit for one answer)`);
    this.name = 'RpcResponseTooLargeError';
  }
}

/** `fetch` that refuses a body longer than `limitBytes`, by its Content-Length or while reading it. */
export function boundedFetch(limitBytes: number): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limitBytes) {
      await res.body?.cancel().catch(() => {});
      throw new RpcResponseTooLargeError(url, limitBytes);
    }
    if (!res.body) return res;
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limitBytes) {
        await reader.cancel().catch(() => {});
        throw new RpcResponseTooLargeError(url, limitBytes);
      }
      chunks.push(value);
    }
    return new Response(Buffer.concat(chunks), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

export interface RpcTransportOptions {
  timeoutMs?: number;
  maxResponseBytes?: number;
}

export function rpcTransport(url: string, o: RpcTransportOptions = {}): HttpTransport {
  return http(url, { batch: false, retryCount: 0, timeout: o.timeoutMs ?? 10_000, fetchFn: boundedFetch(o.maxResponseBytes ?? DEFAULT_MAX_RPC_RESPONSE_BYTES) });
}
