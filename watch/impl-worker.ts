// Worker thread hosting one in-process implementation (ts or noir) for the watchtower, so that a
// pathological proposal cannot freeze the watchtower's thread (and its /status): the host
// terminates this worker when a call overruns its time limit (watch/threaded.ts).
// Messages: { id, op, args } in, { id, value } or { id, error } out.

import { parentPort, workerData } from 'node:worker_threads';
import { InProcessTsImplementation } from '../impls/adapters/in-process-ts.js';
import type { Implementation } from '../impls/implementation.js';
import { NoirImplementation } from '../impls/noir/src/implementation.js';

const name: string = workerData.name;
const impl: Implementation = name === 'noir' ? new NoirImplementation() : new InProcessTsImplementation(name);

parentPort!.on('message', async ({ id, op, args }: { id: number; op: 'genesis' | 'apply' | 'snapshot' | 'restore'; args: unknown[] }) => {
  try {
    const value = await (impl[op] as (...a: unknown[]) => Promise<unknown>).apply(impl, args);
    parentPort!.postMessage({ id, value });
  } catch (err) {
    parentPort!.postMessage({ id, error: String((err as Error)?.stack ?? err) });
  }
});
parentPort!.postMessage({ ready: true });
