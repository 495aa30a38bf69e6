// The watchtower's implementations: every one gets a time limit per call, so a pathological
// proposal cannot freeze the watchtower or its /status.

import type { Implementation } from '../impls/implementation.js';
import { BUILT_IN, makeImplementation, parseImplementationList } from '../impls/registry.js';
import { ThreadedImplementation } from './threaded.js';

/**
 * The watchtower's implementations, each with a time limit per call: ts and noir (in process
 * otherwise) run in a worker thread that is terminated on overrun; rust and cmd: already do.
 */
export function watchImplementations(list: string, timeoutMs: number): Implementation[] {
  return parseImplementationList(list).map((n) =>
    n === 'ts' ? new ThreadedImplementation('ts', timeoutMs)
      : n === 'noir' ? new ThreadedImplementation('noir', timeoutMs, BUILT_IN.find((e) => e.name === 'noir')!.coverage)
      : makeImplementation(n, timeoutMs, 'small'),
  );
}

