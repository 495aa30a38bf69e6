// Worker-thread entry of a multi-worker fuzz run (fuzz/pool.ts): builds its engine (and with it its
// own implementations, from their names), runs it on its share, and reports progress, new corpus
// cases and findings to the main thread.

import { parentPort, workerData } from 'node:worker_threads';
import { engineFor, type WorkerMessage, type WorkerTask } from './pool.js';

const task = workerData as WorkerTask;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

async function main() {
  const engine = engineFor(task, {
    onProgress: (stats) => post({ type: 'progress', stats }),
    onNovel: (c, features) => post({ type: 'novel', case: c, features }),
    onFinding: (finding) => post({ type: 'finding', finding }),
  });
  parentPort!.on('message', (m: { type: string }) => m.type === 'stop' && engine.stop());
  try {
    const stats = await engine.run();
    post({ type: 'done', stats });
  } finally {
    await engine.close();
  }
}

main().catch((err) => post({ type: 'error', message: String((err as Error)?.stack ?? err) }));
