// The anvil helper: starts on a free port, reports a missing binary clearly, stops cleanly.

import { describe, expect, it } from 'vitest';
import { createPublicClient, http } from 'viem';
import { AnvilNotFoundError, anvilBinaryPath, startAnvil } from '../ts/anvil.js';

describe('anvil helper', () => {
  it('starts on an OS-chosen port, answers JSON-RPC, and stops (idempotently)', async () => {
    const a = await startAnvil({ chainId: 31338 });
    try {
      expect(a.port).toBeGreaterThan(0);
      expect(await createPublicClient({ transport: http(a.rpcUrl) }).getChainId()).toBe(31338);
    } finally {
      await a.stop();
      await a.stop();
    }
    expect(a.process.exitCode !== null || a.process.signalCode !== null).toBe(true);
  });

  it('reports a missing binary with a clear error', async () => {
    await expect(startAnvil({ binary: '/nonexistent/anvil' })).rejects.toBeInstanceOf(AnvilNotFoundError);
    const prev = process.env.DIFFTOWER_ANVIL;
    process.env.DIFFTOWER_ANVIL = '/nonexistent/anvil';
    try {
      expect(() => anvilBinaryPath()).toThrow(/anvil binary not found.*npm install/);
    } finally {
      if (prev === undefined) delete process.env.DIFFTOWER_ANVIL;
      else process.env.DIFFTOWER_ANVIL = prev;
    }
  });
});
