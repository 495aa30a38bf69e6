// Starts a worker thread on a sibling module, compiled (dist/, `.js`) or from source under tsx
// (tests, benchmarks, `npx tsx`), where a small bootstrap registers tsx's loader in the worker first.

import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** `here` is the caller's import.meta.url; `name` the module's base name without extension. */
export function startModuleWorker(here: string, name: string, workerData: unknown): Worker {
  if (!here.endsWith('.ts')) return new Worker(fileURLToPath(new URL(`./${name}.js`, here)), { workerData });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => m.register()).then(() => import(${JSON.stringify(entry)}))`;
  return new Worker(bootstrap, { eval: true, workerData });
}
