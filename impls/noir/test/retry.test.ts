// Retrying the proving backend (impls/noir/src/retry.ts) with an injected failing prover and an
// injected clock: no real backend, no real timeout.

import { describe, expect, it } from 'vitest';
import { isBackendStartFailure, RetriesExhaustedError, retrying } from '../src/retry.js';
import { BACKEND_RETRY } from '../src/prover.js';

const socketTimeout = () => new Error('Timeout waiting for bb socket connection');

function harness(failures: (attempt: number) => Error | null) {
  const calls: number[] = [];
  const delays: number[] = [];
  const discarded: number[] = [];
  const prover = async (attempt: number) => {
    calls.push(attempt);
    const err = failures(attempt);
    if (err) throw err;
    return `proof from attempt ${attempt}`;
  };
  const opts = { ...BACKEND_RETRY, isTransient: isBackendStartFailure, beforeRetry: (a: number) => void discarded.push(a), sleep: async (ms: number) => void delays.push(ms) };
  return { calls, delays, discarded, prover, opts };
}

describe('proving backend retry', () => {
  it('a backend that misses its socket deadline twice is discarded and retried with doubling delays', async () => {
    const h = harness((a) => (a < 2 ? socketTimeout() : null));
    await expect(retrying(h.prover, h.opts)).resolves.toBe('proof from attempt 2');
    expect(h.calls).toEqual([0, 1, 2]);
    expect(h.delays).toEqual([BACKEND_RETRY.baseDelayMs, 2 * BACKEND_RETRY.baseDelayMs]);
    expect(h.discarded).toEqual([1, 2]);
  });

  it('gives up after the bounded number of attempts with one line naming the cause', async () => {
    const h = harness(() => socketTimeout());
    const err = await retrying(h.prover, h.opts).catch((e) => e);
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect(h.calls).toHaveLength(BACKEND_RETRY.attempts);
    expect(err.message).toBe(`failed ${BACKEND_RETRY.attempts} time(s), last: Timeout waiting for bb socket connection`);
    expect(err.message).not.toContain('\n');
  });

  it('does not retry what a retry cannot fix (a bad witness or circuit)', async () => {
    const h = harness(() => new Error('the circuit is unsatisfiable: assertion failed'));
    await expect(retrying(h.prover, h.opts)).rejects.toThrow(/unsatisfiable/);
    expect(h.calls).toEqual([0]);
    expect(h.delays).toEqual([]);
  });

  it('classifies backend start-up failures', () => {
    expect(isBackendStartFailure(socketTimeout())).toBe(true);
    expect(isBackendStartFailure(new Error('connect ECONNREFUSED /tmp/bb.sock'))).toBe(true);
    expect(isBackendStartFailure(new Error('Invalid witness'))).toBe(false);
  });
});
