// The WASM adapter: the Rust STF component (transpiled by jco at build time) agrees with the
// TypeScript STF, and a component that traps, loops or runs out of memory is isolated.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
import { InProcessTsImplementation } from '../impls/adapters/in-process-ts.js';
import { WasmImplementation } from '../impls/adapters/wasm.js';
import { compareResults } from '../oracle/compare.js';

const root = join(import.meta.dirname, '..');
const rustModule = join(root, 'dist/rust-wasm/stf.js');
const genesis = { profile: 'small' as const, chainId: 31337n, version: 1n };
const opened: { close(): Promise<void> }[] = [];
afterAll(async () => Promise.all(opened.map((i) => i.close())));

describe('WASM adapter', () => {
  it('the transpiled Rust component exists (npm run build)', () => {
    expect(existsSync(rustModule)).toBe(true);
  });

  it('Rust-WASM and TypeScript agree on generated checkpoints, including snapshot bytes', async () => {
    const rust = new WasmImplementation('rust-wasm', rustModule);
    const ts = new InProcessTsImplementation();
    opened.push(rust, ts);
    for (const profile of ['small', 'aztec'] as const) {
      await rust.genesis({ ...genesis, profile });
      await ts.genesis({ ...genesis, profile });
      const gen = new CheckpointGenerator({ profile, seed: 77 });
      for (let i = 0; i < (profile === 'small' ? 12 : 2); i++) {
        const cp = encodeCheckpoint(gen.next());
        const [a, b] = [await rust.apply(cp), await ts.apply(cp)];
        expect(a.kind).toBe('outcome');
        expect(compareResults(a, b)).toBeNull(); // messages may differ; codes and values may not
      }
      const [sa, sb] = [await rust.snapshot(), await ts.snapshot()];
      expect(Buffer.from(sa as Uint8Array).equals(Buffer.from(sb as Uint8Array))).toBe(true);
    }
  });

  const failures: [string, string, RegExp][] = [
    ['trap', 'crash', /trap: .*unreachable/],
    ['oom', 'crash', /trap/],
    ['loop', 'timeout', /./],
    ['throw', 'protocol-error', /no chain yet/],
  ];
  for (const [mode, kind, message] of failures) {
    it(`a component that misbehaves (${mode}) is reported as ${kind}; the host carries on`, async () => {
      // Only the endless loop needs a short limit; the others must not be cut short on a busy machine.
      const timeoutMs = mode === 'loop' ? 1_500 : 60_000;
      const impl = new WasmImplementation(`broken-${mode}`, join(root, 'test/fixtures/misbehaving-component.mjs') + `?mode=${mode}`, { timeoutMs });
      opened.push(impl);
      expect((await impl.genesis(genesis)).kind).toBe('ok');
      const r = await impl.apply(new Uint8Array([1]));
      expect(r.kind).toBe(kind);
      if ('message' in r) expect(r.message).toMatch(message);
      expect((await impl.genesis(genesis)).kind).toBe('ok');
    });
  }
});
