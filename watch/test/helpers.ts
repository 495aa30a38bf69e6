// Shared pieces of the watchtower's end-to-end tests: a temporary directory, polling, an
// in-process watchtower on a devnet.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalAccount } from 'viem';
import { watchImplementations } from '../implementations.js';
import { Watchtower } from '../tower.js';
import type { Devnet } from '../devnet.js';

export const tmp = (label: string) => mkdtempSync(join(tmpdir(), `difftower-${label}-`));

export async function until<T>(what: string, f: () => T | Promise<T>, timeoutMs = 300_000, everyMs = 100): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function startTower(d: Devnet, o: { impls: string; operator?: LocalAccount; prove?: boolean; dbPath?: string; lines?: string[]; rpcUrl?: string; maxRange?: number; replaceAfterMs?: number }) {
  const impls = watchImplementations(o.impls, 60_000);
  const tower = new Watchtower({
    rpcUrl: o.rpcUrl ?? d.info.rpcUrl, rollup: d.info.rollup, dbPath: o.dbPath ?? tmp('db'), impls, maxRange: o.maxRange, replaceAfterMs: o.replaceAfterMs,
    confirmations: 0, pollMs: 50, operator: o.operator, prove: o.prove ?? true, log: (l) => o.lines?.push(l),
  });
  const running = tower.run();
  return {
    tower,
    async stop() {
      tower.stop();
      await running;
      await tower.close();
      await Promise.all(impls.map((i) => i.close()));
    },
  };
}
