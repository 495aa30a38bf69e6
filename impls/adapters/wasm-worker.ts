// Worker thread hosting one instance of a WebAssembly STF component (transpiled by jco). Running it
// off the main thread is what lets the host stop an endless loop: it terminates the worker.
// Messages: { id, op, args } in, { id, ok: true, value } or { id, ok: false, error, trap } out.

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

interface StfExports {
  genesis(profile: string, chainId: Uint8Array, version: Uint8Array): void;
  apply(checkpoint: Uint8Array): Uint8Array;
  snapshot(): Uint8Array;
  restore(state: Uint8Array): void;
  poseidon2HashMany?(inputs: Uint8Array, arity: number): Uint8Array;
}

const modulePath: string = workerData.modulePath;
const mod = (await import(modulePath)) as { instantiate(get: (name: string) => Promise<WebAssembly.Module>, imports: object): Promise<StfExports> };
const dir = dirname(fileURLToPath(modulePath.split('?')[0]));
const stf = await mod.instantiate(async (name) => WebAssembly.compile(await readFile(join(dir, name))), {});

parentPort!.on('message', ({ id, op, args }: { id: number; op: keyof StfExports; args: unknown[] }) => {
  try {
    const fn = stf[op] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof fn !== 'function') throw new Error(`component does not export ${op}`);
    parentPort!.postMessage({ id, ok: true, value: fn.apply(stf, args) });
  } catch (err) {
    // jco throws a ComponentError carrying the WIT `result` error payload; anything else is a trap.
    const payload = (err as { payload?: unknown }).payload;
    const trap = err instanceof WebAssembly.RuntimeError;
    parentPort!.postMessage({ id, ok: false, trap, error: payload !== undefined ? String(payload) : String((err as Error)?.message ?? err) });
  }
});
parentPort!.postMessage({ ready: true });
