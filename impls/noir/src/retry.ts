// Bounded retries with doubling delays, for starting the proving backend: under CPU load bb.js's
// native `bb` process can miss its 5 s socket-connection deadline ("Timeout waiting for bb socket
// connection") and succeed on the next try. Pure (the clock and the operation are injected) so
// that tests need neither a real backend nor a real timeout.

export interface RetryOptions {
  /** Total attempts, at least 1. */
  attempts: number;
  /** Delay before the second attempt; doubled before each further one. */
  baseDelayMs: number;
  /** Only these errors are retried; anything else is thrown at once. */
  isTransient(err: unknown): boolean;
  /** Called before each retry (e.g. to discard a half-started backend). */
  beforeRetry?(attempt: number, err: unknown): Promise<void> | void;
  sleep?(ms: number): Promise<void>;
}

/** Thrown when every attempt failed with a transient error: one line, with the last cause. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`failed ${attempts} time(s), last: ${String((lastError as Error)?.message ?? lastError).split('\n')[0]}`);
    this.name = 'RetriesExhaustedError';
  }
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `op(attempt)` (attempt counts from 0) until it succeeds, a non-transient error, or the limit. */
export async function retrying<T>(op: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const sleep = o.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (!o.isTransient(err)) throw err;
      if (attempt + 1 >= o.attempts) throw new RetriesExhaustedError(attempt + 1, err);
      await o.beforeRetry?.(attempt + 1, err);
      await sleep(o.baseDelayMs * 2 ** attempt);
    }
  }
}

/** The backend failed to start or lost its connection, as opposed to a bad circuit or witness. */
export const isBackendStartFailure = (err: unknown) => /socket|ECONNREFUSED|ECONNRESET|EPIPE|bb process|timeout waiting/i.test(String((err as Error)?.message ?? err));
